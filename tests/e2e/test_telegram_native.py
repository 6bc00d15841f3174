"""Telegram's own ways to speak, end to end: drafts, video faces, reactions, sharing,
replies in groups, links behind words and the bot's profile."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.e2e.harness import RunningBot, bot_env
from tests.fakes.nemo import steps
from tests.fakes.telegram.files import jpeg_bytes


def video_message(telegram, chat) -> dict | None:
    return next((m for m in telegram.bot_messages(chat) if "video" in m), None)


def make_and_export(
    telegram, nemo, chat, ask: str = "crea un video", export: str = "esporta"
) -> dict:
    """Ask the agent for a video, export it, return the video message."""
    nemo.script_turn(steps.add_video_track("mare"), steps.text("Pronto."))
    chat.send_text(ask)
    telegram.wait_for_message_sync(chat, contains="Pronto.")
    chat.send_text(export)
    return telegram.wait_for_sync(lambda: video_message(telegram, chat), timeout=20)


@pytest.fixture
def shareable(telegram_fake_factory, nemo, database_url):
    """A bot whose inline mode is on in BotFather, so its videos can be shared."""
    telegram = telegram_fake_factory(supports_inline_queries=True)
    with RunningBot(bot_env(telegram, nemo, database_url), telegram):
        yield telegram


def test_a_turn_is_drafted_live_in_a_private_chat_then_sent_whole(bot, telegram_fake, nemo):
    nemo.script_turn(
        steps.text("Scelgo le foto più belle."),
        steps.tool_call("add_background_music", {"track_id": "bgm-7781"}),
        steps.delay(1.5),
        steps.text("Ecco lo slideshow!"),
    )
    chat = telegram_fake.private_chat()
    chat.send_text("crea uno slideshow")
    final = telegram_fake.wait_for_message_sync(chat, contains="Ecco lo slideshow!")
    drafts = telegram_fake.native.drafts(chat)
    assert len(drafts) >= 2
    assert len({draft.draft_id for draft in drafts}) == 1  # one bubble growing
    assert drafts[0].text == "Scelgo le foto più belle."
    assert any("🎵" in draft.text for draft in drafts)  # what it does, not the tool
    assert not any("bgm" in draft.text or "background" in draft.text for draft in drafts)
    assert final["text"] == "Scelgo le foto più belle.\nEcco lo slideshow!"


def test_a_group_gets_no_draft_and_the_answer_replies_to_its_request(bot, telegram_fake, nemo):
    nemo.script_turn(steps.text("Prima idea."), steps.delay(1), steps.text("Fatto!"))
    group = telegram_fake.group()
    asked = group.send_text("/crea un video allegro", sender=telegram_fake.user("Anna"))
    answer = telegram_fake.wait_for_message_sync(group, contains="Fatto!")
    assert telegram_fake.native.drafts(group) == []
    assert telegram_fake.calls_to("sendMessageDraft") == []
    assert answer["reply_to_message"]["message_id"] == asked["message_id"]


def test_every_video_has_a_thumbnail_within_telegrams_limits(bot, telegram_fake, nemo):
    with_photo = telegram_fake.private_chat()
    with_photo.send_photo(jpeg_bytes(1600, 1200, "orange"))
    telegram_fake.wait_for_message_sync(with_photo, contains="aggiunto")
    without_photo = telegram_fake.group()
    videos = [
        make_and_export(telegram_fake, nemo, with_photo),
        make_and_export(telegram_fake, nemo, without_photo, "/crea un video", "/esporta"),
    ]
    for video in videos:
        thumbnail = video["video"]["thumbnail"]
        data = telegram_fake.file_bytes(thumbnail["file_id"])
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG" and max(image.size) <= 320
        assert len(data) <= 200 * 1024
    # The first carries the project's photo (4:3); the other a card in the video's shape.
    assert (
        videos[0]["video"]["thumbnail"]["width"],
        videos[0]["video"]["thumbnail"]["height"],
    ) == (
        320,
        240,
    )
    assert videos[1]["reply_to_message"]["text"] == "/esporta"  # in a group, to its request


def test_five_members_get_reactions_and_the_collection_one_summary(bot, telegram_fake, nemo):
    nemo.script_turn(steps.add_video_track("gita"), steps.text("Ecco il video della gita!"))
    group = telegram_fake.group()
    names = ["Giulia", "Marco", "Anna", "Luca", "Sara"]
    members = [telegram_fake.user(name) for name in names]
    group.send_text("/raccogli", sender=members[0])
    prompt = telegram_fake.wait_for_message_sync(group, contains="Giulia")
    sent = [
        group.send_photo(jpeg_bytes(320, 240, colour), reply_to=prompt, sender=member)
        for member, colour in zip(members, ["red", "green", "blue", "white", "black"], strict=True)
    ]
    telegram_fake.wait_for_sync(lambda: len(telegram_fake.native.reactions(group)) == 5, 20)
    assert telegram_fake.native.reactions(group) == {m["message_id"]: ["👍"] for m in sent}
    group.send_text("/crea", sender=members[0])
    telegram_fake.wait_for_message_sync(group, contains="Ecco il video della gita!")
    texts = [m.get("text", "") for m in telegram_fake.bot_messages(group)]
    assert not any("ha aggiunto" in text for text in texts)
    [summary] = [text for text in texts if "Raccolta chiusa" in text]
    assert "5 elementi" in summary and all(f"{name}: 1" in summary for name in names)


def test_the_share_button_posts_the_same_file_for_its_owner_only(shareable, nemo):
    telegram = shareable
    chat = telegram.private_chat()
    video = make_and_export(telegram, nemo, chat)
    [button] = video["reply_markup"]["inline_keyboard"][-1]
    assert button["text"] == "📤 Condividi"
    key = button["switch_inline_query_chosen_chat"]["query"]
    mine = telegram.native.inline_query(chat.owner, key)
    theirs = telegram.native.inline_query(telegram.user("Estraneo"), key)
    telegram.wait_for_sync(
        lambda: (
            telegram.native.inline_answer(mine) is not None
            and telegram.native.inline_answer(theirs) is not None
        )
    )
    [result] = telegram.native.inline_answer(mine)
    assert result["video_file_id"] == video["video"]["file_id"]
    assert telegram.native.inline_answer(theirs) == []


def test_without_inline_mode_there_is_no_share_button(bot, telegram_fake, nemo):
    video = make_and_export(telegram_fake, nemo, telegram_fake.private_chat())
    assert "reply_markup" not in video


def test_a_link_behind_words_is_uploaded_by_url(bot, telegram_fake, nemo):
    url = "https://media.example/estate/clip.mp4"
    chat = telegram_fake.private_chat()
    chat.send_text("carica questa clip", text_links={"questa clip": url})
    telegram_fake.wait_for_message_sync(chat, contains="aggiunto")
    [request] = nemo.requests_to("POST", "/api/upload-video")
    assert request.json == {"urls": [url], "source_type": "url"}


def test_the_profile_is_described_in_three_languages(bot, telegram_fake):
    descriptions = {lang: telegram_fake.native.description(lang) for lang in ("it", "en", "zh")}
    shorts = {lang: telegram_fake.native.description(lang, short=True) for lang in descriptions}
    assert "foto" in descriptions["it"] and "photos" in descriptions["en"]
    assert "照片" in descriptions["zh"]
    assert len(set(descriptions.values())) == 3 and len(set(shorts.values())) == 3
    assert telegram_fake.native.description("") == descriptions["it"]
    assert all(0 < len(short) <= 120 for short in shorts.values())
