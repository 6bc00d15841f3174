"""Group chats end to end: one shared project, and no credits spent on chatter."""

from __future__ import annotations

import pytest

from tests.e2e.harness import RunningBot, bot_env
from tests.fakes.nemo import steps
from tests.fakes.telegram.files import jpeg_bytes
from tests.waiting import until_sync


@pytest.fixture
def sees_everything(telegram_fake_factory, nemo, database_url):
    """A fake where the bot is told every group message (an admin bot, privacy off)."""
    telegram = telegram_fake_factory(can_read_all_group_messages=True)
    with RunningBot(bot_env(telegram, nemo, database_url), telegram):
        yield telegram


def test_chatter_photos_and_stickers_cost_nothing(sees_everything, nemo):
    telegram = sees_everything
    group = telegram.group()
    marco = telegram.user("Marco")
    group.send_text("che bella giornata al mare!", sender=marco)
    group.send_text("esporta le foto di ieri", sender=marco)
    group.send_photo(jpeg_bytes(320, 240, "blue"), sender=marco)
    group.send_photo(jpeg_bytes(320, 240, "red"), caption="crea un video", sender=marco)
    group.send_sticker(b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 64, sender=marco)
    group.send_text("/aiuto", sender=marco)
    telegram.wait_for_message_sync(group, contains="/raccogli")
    assert len(telegram.bot_messages(group)) == 1
    assert nemo.requests == []
    assert telegram.calls_to("getFile") == []


def test_a_mention_reaches_the_agent_without_the_mention(sees_everything, nemo):
    telegram = sees_everything
    nemo.script_turn(steps.text("Certo, ecco un video allegro!"))
    group = telegram.group()
    group.send_text(f"@{telegram.username} fai un video allegro", sender=telegram.user("Anna"))
    telegram.wait_for_message_sync(group, contains="video allegro!")
    [session] = nemo.sessions.values()
    assert session.messages == ["fai un video allegro"]


def test_a_reply_to_the_bot_reaches_the_agent_under_privacy_mode(bot, telegram_fake, nemo):
    nemo.script_turn(steps.text("Titolo aggiunto."))
    group = telegram_fake.group()
    group.send_text("/aiuto")
    help_message = telegram_fake.wait_for_message_sync(group, contains="/raccogli")
    assert "amministratore" in help_message["text"]
    group.send_text("aggiungi il titolo Estate 2026", reply_to=help_message)
    telegram_fake.wait_for_message_sync(group, contains="Titolo aggiunto.")
    [session] = nemo.sessions.values()
    assert session.messages == ["aggiungi il titolo Estate 2026"]


def test_members_fill_one_collection_and_crea_starts_one_turn(bot, telegram_fake, nemo):
    nemo.script_turn(steps.add_video_track("vacanze"), steps.text("Ecco il video del gruppo!"))
    group = telegram_fake.group()
    giulia, marco = telegram_fake.user("Giulia"), telegram_fake.user("Marco")
    group.send_text("/raccogli", sender=giulia)
    prompt = telegram_fake.wait_for_message_sync(group, contains="Giulia")
    photo = group.send_photo(jpeg_bytes(320, 240, "red"), reply_to=prompt, sender=giulia)
    reactions = telegram_fake.native.reactions
    telegram_fake.wait_for_sync(lambda: photo["message_id"] in reactions(group))
    album = group.send_album(
        [jpeg_bytes(320, 240, "green"), jpeg_bytes(320, 240, "blue")],
        reply_to=prompt,
        sender=marco,
    )
    # Each contribution gets a reaction, not a line; the summary comes once, at /crea.
    telegram_fake.wait_for_sync(lambda: album[0]["message_id"] in reactions(group))
    group.send_text("/crea", sender=giulia)
    summary = telegram_fake.wait_for_message_sync(group, contains="Raccolta chiusa")
    assert "Giulia: 1, Marco: 2" in summary["text"] and "3 elementi" in summary["text"]
    telegram_fake.wait_for_message_sync(group, contains="Ecco il video del gruppo!")
    [session] = nemo.sessions.values()
    assert len(session.uploads) == 3
    assert session.messages == [
        "Crea uno slideshow con tutte le foto e i video caricati, con musica e transizioni."
    ]


def test_a_silent_collection_closes_itself_and_says_so(start_bot, telegram_fake, nemo):
    start_bot(COLLECTION_IDLE_SECONDS="1")
    group = telegram_fake.group()
    group.send_text("/collect")
    closed = telegram_fake.wait_for_message_sync(group, contains="⌛")
    assert "/crea" in closed["text"]
    group.send_photo(jpeg_bytes(100, 100, "red"), sender=telegram_fake.user("Luca"))
    group.send_text("/aiuto")
    telegram_fake.wait_for_message_sync(group, contains="/raccogli")
    assert nemo.requests_to("POST", "/api/upload-video") == []


def test_a_group_that_becomes_a_supergroup_mid_render_gets_its_video(bot, telegram_fake, nemo):
    nemo.render_seconds = 3
    nemo.script_turn(steps.add_video_track("festa"), steps.text("Pronto!"))
    group = telegram_fake.group()
    group.send_text("/crea il video della festa")
    reply = telegram_fake.wait_for_message_sync(group, contains="Pronto!")
    group.send_text("esporta", reply_to=reply)
    until_sync(lambda: nemo.renders)
    supergroup = group.migrate_to_supergroup()
    video = telegram_fake.wait_for_sync(
        lambda: next((m for m in telegram_fake.bot_messages(supergroup) if "video" in m), None),
        timeout=30,
    )
    assert video["chat"]["id"] == supergroup.id
    nemo.script_turn(steps.text("Stesso progetto."))
    supergroup.send_text("/stato")
    telegram_fake.wait_for_message_sync(supergroup, contains="festa")
    assert len(nemo.sessions) == 1


def test_nuovo_from_a_member_who_is_not_admin_is_refused(bot, telegram_fake, nemo):
    group = telegram_fake.group()
    marco = telegram_fake.user("Marco")
    group.set_member_status("member", marco)
    group.send_text("/nuovo", sender=marco)
    refusal = telegram_fake.wait_for_message_sync(group, contains="amministratori")
    assert "progetto" in refusal["text"]
    assert nemo.requests_to("POST", "/api/tasks") == []


def test_bot_added_to_a_group_explains_what_members_do(bot, telegram_fake, nemo):
    group = telegram_fake.group(with_bot=False)
    group.add_bot_to_group()
    intro = telegram_fake.wait_for_message_sync(group)
    assert "/raccogli" in intro["text"] and "amministratore" in intro["text"]


def test_progress_in_a_group_stays_within_its_flood_budget(bot, telegram_fake, nemo):
    nemo.script_turn(steps.heartbeats(90, interval=0.1), steps.text("Montaggio finito."))
    group = telegram_fake.group()
    group.send_text("/crea un montaggio lungo")
    telegram_fake.wait_for_message_sync(group, contains="Montaggio finito.", timeout=30)
    to_group = [
        call for call in telegram_fake.calls if str(call.params.get("chat_id")) == str(group.id)
    ]
    statuses = [c for c in to_group if str(c.params.get("text", "")).startswith("⏳")]
    actions = [call for call in to_group if call.method == "sendChatAction"]
    # Progress was reported every 0.3 s for 9 s: one status message, and chat actions
    # every 12 s at most in a group (a private chat gets one every 4.5 s).
    assert len(statuses) == 1
    assert len(actions) == 1
    assert telegram_fake.peak_rate(group) <= 20


def test_in_a_forum_every_answer_goes_to_the_topic_it_came_from(bot, telegram_fake, nemo):
    nemo.script_turn(steps.add_video_track("gita"), steps.text("Ecco il video della gita!"))
    forum = telegram_fake.forum()
    topic = forum.open_topic("Video della gita")
    forum.send_text("/raccogli", topic=topic)
    opened = telegram_fake.wait_for_message_sync(forum, contains="raccolta")
    photo = forum.send_photo(jpeg_bytes(320, 240, "green"), topic=topic, reply_to=opened)
    telegram_fake.wait_for_sync(
        lambda: photo["message_id"] in telegram_fake.native.reactions(forum)
    )
    forum.send_text("/crea", topic=topic)
    telegram_fake.wait_for_message_sync(forum, contains="Ecco il video della gita!")
    forum.send_text("/esporta", topic=topic)
    until_sync(lambda: any("video" in m for m in telegram_fake.bot_messages(forum)))
    answers = telegram_fake.bot_messages(forum)
    assert answers and all(m.get("message_thread_id") == topic for m in answers)
    actions = telegram_fake.calls_to("sendChatAction")
    assert actions and all(call.params.get("message_thread_id") == topic for call in actions)
