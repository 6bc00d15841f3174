import pytest

from bot.telegram.addressing import command_in, without_mention

BOT = "italiano_video_bot"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("/crea", ("crea", ""), id="bare"),
        pytest.param(
            "/crea@italiano_video_bot slideshow allegro",
            ("crea", "slideshow allegro"),
            id="addressed",
        ),
        pytest.param("/CREA@Italiano_Video_Bot", ("crea", ""), id="case"),
        pytest.param("/crea@altro_bot", None, id="other-bot"),
        pytest.param("/收集", ("收集", ""), id="chinese"),
        pytest.param("ciao /crea", None, id="not-at-start"),
        pytest.param("/", None, id="slash-only"),
        pytest.param(None, None, id="no-text"),
    ],
)
def test_command_in(text, expected):
    assert command_in(text, BOT) == expected


def test_without_mention_removes_only_the_bots_handle():
    text = "@Italiano_Video_Bot fai un video per @giulia"
    assert without_mention(text, BOT) == "fai un video per @giulia"
