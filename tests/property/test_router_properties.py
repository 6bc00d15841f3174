"""The router: any message gets an intent, commands decide, links come from the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.actions import Action
from bot.core.links import extract_links, is_media_link
from bot.core.router import classify

FAST = settings(max_examples=200, deadline=None)
# Words the router knows, mixed with anything: plain random text rarely names an intent.
CUES = st.sampled_from(
    [
        *("esporta", "crediti", "stato", "carica", "non", "poi", "mandami", "il", "video"),
        *("export", "credits", "status", "upload", "send", "me", "the", "later", "don't"),
        *("导出", "积分", "状态", "上传", "别", "然后", "发给我"),
        *("https://x.it/a.mp4", "https://x.it/pagina", "http://[::1", "«", '"', "'", "/"),
        *("esprota", "crediiiti", "@italiano_video_bot", "\n", "。", "🎬"),
    ]
)
MESSAGES = st.lists(CUES | st.text(max_size=12), max_size=12).map(" ".join) | st.text()
INTENT_COMMANDS = st.sampled_from(
    [
        ("esporta", Action.EXPORT),
        ("export", Action.EXPORT),
        ("crediti", Action.CREDITS),
        ("credits", Action.CREDITS),
        ("stato", Action.STATE),
        ("status", Action.STATE),
    ]
)


@FAST
@given(MESSAGES)
def test_any_message_gets_an_intent(text):
    assert isinstance(classify(text), Action)


@FAST
@given(MESSAGES)
def test_links_are_pieces_of_the_message(text):
    links = extract_links(text)
    assert len(links) == len(set(links))
    for link in links:
        assert link in text and link.lower().startswith(("http://", "https://"))
        assert isinstance(is_media_link(link), bool)


@FAST
@given(
    INTENT_COMMANDS,
    st.sampled_from(["", "@italiano_video_bot", "@ItalianoVideoBot"]),
    MESSAGES.filter(lambda text: "http" not in text.lower()),
)
def test_a_command_naming_an_intent_decides(command, suffix, rest):
    name, intent = command
    assert classify(f"/{name}{suffix} {rest}") is intent
    assert classify(f"/{name}{suffix}") is intent


@FAST
@given(MESSAGES, st.sampled_from(["https://media.example.org/clip.mp4", "http://x.it/FOTO.JPEG"]))
def test_a_message_with_a_media_link_is_an_upload(text, link):
    assert classify(f"{text} {link} {text}") is Action.UPLOAD
