"""Links in messages: found in running text in any of the three languages."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.links import extract_links, is_media_link, spelled_out


@pytest.mark.parametrize(
    ("text", "links"),
    [
        pytest.param(
            "carica https://example.com/video.mp4 grazie",
            ["https://example.com/video.mp4"],
            id="in-a-sentence",
        ),
        pytest.param(
            "guarda qui: https://example.com/a.mp4.", ["https://example.com/a.mp4"], id="full-stop"
        ),
        pytest.param(
            "https://example.com/v.mp4，谢谢", ["https://example.com/v.mp4"], id="chinese-comma"
        ),
        pytest.param("https://example.com/a.jpg🔥🔥", ["https://example.com/a.jpg"], id="emoji"),
        pytest.param(
            "(vedi https://en.wikipedia.org/wiki/Roma_(città))",
            ["https://en.wikipedia.org/wiki/Roma_(città)"],
            id="balanced-brackets-and-letters",
        ),
        pytest.param(
            "HTTP://EXAMPLE.COM/A.JPG e https://b.example/x?y=1&z=2",
            ["HTTP://EXAMPLE.COM/A.JPG", "https://b.example/x?y=1&z=2"],
            id="two-links-any-case",
        ),
        pytest.param(
            "https://a.example/1.png https://a.example/1.png",
            ["https://a.example/1.png"],
            id="duplicate-once",
        ),
        pytest.param('link: "https://a.example/x.mov"', ["https://a.example/x.mov"], id="quoted"),
        pytest.param("www.example.com/video.mp4 ftp://example.com/a.mp4", [], id="not-http"),
        pytest.param("https:// e poi niente", [], id="no-host"),
        pytest.param("http://[::1", [], id="malformed-host"),
        pytest.param("esporta in 1080p", [], id="no-link"),
    ],
)
def test_extract_links(text, links):
    assert extract_links(text) == links


@pytest.mark.parametrize(
    ("link", "media"),
    [
        ("https://example.com/clip.mp4", True),
        ("https://example.com/clip.MP4?token=abc", True),
        ("https://example.com/foto.jpeg", True),
        ("https://example.com/IMG_0001.HEIC", True),
        ("https://example.com/voice.ogg", False),
        ("https://www.youtube.com/watch?v=abc", False),
        ("https://example.com/", False),
        ("http://[::1", False),
    ],
)
def test_is_media_link(link, media):
    assert is_media_link(link) is media


@given(st.text())
def test_extract_links_never_raises_and_returns_links(text):
    for link in extract_links(text):
        assert link.lower().startswith(("http://", "https://"))
        assert not any(char.isspace() for char in link)
        assert link in text


def test_marked_links_come_first_and_exact_and_regex_finds_the_rest():
    text = "guarda questa clip e https://x.it/b.mp4."
    marked = ["https://x.it/a_(1).mp4", "https://x.it/b.mp4", "ftp://x.it/c.mp4"]
    assert extract_links(text, marked) == ["https://x.it/a_(1).mp4", "https://x.it/b.mp4"]


def test_a_link_behind_words_is_spelled_out_once():
    assert spelled_out("guarda questa clip", ["https://x.it/a.mp4"]) == (
        "guarda questa clip https://x.it/a.mp4"
    )
    assert spelled_out("https://x.it/a.mp4", ["https://x.it/a.mp4"]) == "https://x.it/a.mp4"
