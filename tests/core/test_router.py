"""Action routing: every labelled utterance, plus robustness properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.actions import Action
from bot.core.router import ROUTABLE, classify
from tests.core.routing_table import LANGUAGES, ROUTES, measure


@pytest.mark.parametrize(("text", "expected"), ROUTES)
def test_routes(text, expected):
    assert classify(text) == expected


def test_table_covers_every_language_and_intent():
    ids = [row.id for row in ROUTES]
    assert len(ids) == len(set(ids)), "ids must be unique"
    assert len(ROUTES) >= 150
    for language in LANGUAGES:
        rows = [row for row in ROUTES if row.id.startswith(f"{language}-")]
        assert len(rows) >= 50, language
        assert {row.values[1] for row in rows} == ROUTABLE, language
    assert all(row.id.split("-")[0] in LANGUAGES for row in ROUTES)


def test_accuracy_counts_misroutes_per_language():
    accuracy = measure(lambda text: Action.CHAT)
    chat_rows = sum(1 for row in ROUTES if row.values[1] is Action.CHAT)
    assert sum(accuracy.right.values()) == chat_rows
    assert len(accuracy.misroutes) == len(ROUTES) - chat_rows
    assert accuracy.line().startswith(f"routing accuracy: {chat_rows}/{len(ROUTES)} = ")


@pytest.mark.parametrize(("text", "expected"), ROUTES)
def test_routes_ignore_case_and_trailing_emoji(text, expected):
    assert classify(text.upper()) == expected
    assert classify(f"{text} 🙂!!") == expected


@pytest.mark.parametrize(
    "text",
    [
        "/esporta@italiano_video_bot in 1080p",
        "  /EXPORT  ",
        "/export@Italiano_Video_Bot",
    ],
)
def test_commands_route_with_arguments_and_bot_name(text):
    assert classify(text) is Action.EXPORT


def test_a_command_decides_even_before_an_editing_verb():
    assert classify("/stato aggiungi musica") is Action.STATE


def test_a_link_that_is_not_media_inside_an_instruction_is_chat():
    text = "usa lo stile di questo reel https://www.instagram.com/reel/abc123/"
    assert classify(text) is Action.CHAT


# Words from the table, mixed with anything: reaches every rule, not only the fallback.
TABLE_WORDS = sorted({word for row in ROUTES for word in row.values[0].split()})
WORDS = st.sampled_from([*TABLE_WORDS, "/esporta@bot", "«", "»", '"', "'", "🙂", "，", "?"])


@given(st.text())
def test_classify_never_raises_on_arbitrary_text(text):
    assert classify(text) in Action


@given(st.lists(st.one_of(WORDS, st.text(max_size=5)), max_size=12))
def test_classify_never_raises_on_mixed_known_words(words):
    assert classify(" ".join(words)) in Action
