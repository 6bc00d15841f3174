"""The bot stopped mid-work (SIGTERM with a grace period, or SIGKILL) and started again."""

from __future__ import annotations

import asyncio

from bot.core.recovery import MAX_DELIVERY_ATTEMPTS
from storage import Database
from tests.e2e.harness import (
    bot_env,
    kill,
    python_m_bot,
    stop,
    undelivered_renders,
    wait_until_serving,
)
from tests.fakes.nemo import steps
from tests.fakes.telegram.files import jpeg_bytes
from tests.waiting import until_sync


def _restart_until(env, log, telegram_fake, chat, contains: str) -> dict:
    """Start the bot again, wait for its message containing ``contains``, stop it."""
    bot = python_m_bot(env, log)
    try:
        return telegram_fake.wait_for_message_sync(chat, contains=contains, timeout=30)
    finally:
        stop(bot)


def _sent_to_agent(nemo) -> list[str]:
    """The messages the agent received, in order."""
    return [
        request.json["new_message"]["parts"][0]["text"]
        for request in nemo.requests_to("POST", "/run_sse")
    ]


def _script_a_long_turn_then_an_answer(nemo) -> None:
    nemo.script_turn(steps.add_video_track("mare"), steps.heartbeats(600, interval=0.1))
    nemo.script_turn(steps.text("Fatto, più veloce."))


def _queue_a_message_behind_a_long_turn(telegram_fake, nemo, chat) -> None:
    """A turn that streams for a minute, and a second message told to wait for it."""
    chat.send_text("fai un video lungo del mare")
    until_sync(lambda: nemo.count("POST", "/run_sse") == 1)
    chat.send_text("rendilo più veloce")
    telegram_fake.wait_for_message_sync(chat, contains="subito dopo", timeout=30)


def test_render_in_flight_is_delivered_after_a_kill_and_restart(
    telegram_fake, nemo, tmp_path, database_url
):
    nemo.render_seconds = 4
    nemo.script_turn(steps.add_video_track("gita"), steps.text("Pronto."))
    env = bot_env(telegram_fake, nemo, database_url)
    first = python_m_bot(env, tmp_path / "bot.log")
    chat = telegram_fake.private_chat()
    try:
        chat.send_text("crea il video della gita")
        telegram_fake.wait_for_message_sync(chat, contains="Pronto.", timeout=30)
        chat.send_text("esporta")
        # A poll means the render was submitted and recorded in storage.
        until_sync(lambda: nemo.count("GET", "/api/render/proxy/lambda/"))
    finally:
        kill(first)
    assert telegram_fake.calls_to("sendVideo") == []
    second = python_m_bot(env, tmp_path / "bot.log")
    try:
        video = telegram_fake.wait_for_sync(
            lambda: next((m for m in telegram_fake.bot_messages(chat) if "video" in m), None),
            timeout=40,
        )
    finally:
        stop(second)
    assert video["chat"]["id"] == chat.id
    assert len(telegram_fake.calls_to("sendVideo")) == 1
    assert nemo.count("POST", "/api/render/proxy/lambda") == 1


def test_turn_cut_by_a_kill_is_reported_not_resent(telegram_fake, nemo, tmp_path, database_url):
    nemo.script_turn(steps.add_video_track("mare"), steps.heartbeats(200, interval=0.1))
    env = bot_env(telegram_fake, nemo, database_url)
    first = python_m_bot(env, tmp_path / "bot.log")
    chat = telegram_fake.private_chat(language_code="en")
    try:
        chat.send_text("make a long video of the sea")
        # Killed once the agent's first step is in the draft, not merely once the turn
        # began: on a loaded machine the fake applies it a moment later.
        until_sync(lambda: any(s.draft["t"] for s in list(nemo.sessions.values())))
    finally:
        kill(first)
    notice = _restart_until(env, tmp_path / "bot.log", telegram_fake, chat, "restarted")
    assert "1. Video: mare" in notice["text"]
    assert nemo.count("POST", "/run_sse") == 1


def test_sigterm_lets_short_work_finish_before_exit(telegram_fake, nemo, tmp_path, database_url):
    # The upload takes a moment: SIGTERM arrives while it runs.
    nemo.delay_next("POST", "/api/upload-video/nemo_agent/me/", 1.5)
    env = bot_env(telegram_fake, nemo, database_url, SHUTDOWN_GRACE_SECONDS="20")
    bot = python_m_bot(env, tmp_path / "bot.log")
    chat = telegram_fake.private_chat()
    try:
        wait_until_serving(telegram_fake)
        chat.send_photo(jpeg_bytes(320, 240, "red"))
        until_sync(lambda: nemo.count("POST", "/api/upload-video/nemo_agent/me/"))
    finally:
        exit_code = stop(bot)
    assert exit_code == 0
    texts = [message.get("text", "") for message in telegram_fake.bot_messages(chat)]
    assert any(text.startswith("✅") for text in texts), texts
    assert nemo.count("POST", "/api/upload-video/nemo_agent/me/") == 1


def test_sigterm_cuts_a_long_turn_and_keeps_what_waited_behind_it(
    telegram_fake, nemo, tmp_path, database_url
):
    _script_a_long_turn_then_an_answer(nemo)
    env = bot_env(telegram_fake, nemo, database_url, SHUTDOWN_GRACE_SECONDS="1")
    first = python_m_bot(env, tmp_path / "bot.log")
    chat = telegram_fake.private_chat()
    try:
        _queue_a_message_behind_a_long_turn(telegram_fake, nemo, chat)
    finally:
        # The turn streams for a minute; the grace period is one second.
        exit_code = stop(first)
    assert exit_code == 0
    assert _sent_to_agent(nemo) == ["fai un video lungo del mare"]
    second = python_m_bot(env, tmp_path / "bot.log")
    try:
        notice = telegram_fake.wait_for_message_sync(chat, contains="riavviato", timeout=30)
        telegram_fake.wait_for_message_sync(chat, contains="Fatto, più veloce.", timeout=30)
    finally:
        stop(second)
    assert "1. Video: mare" in notice["text"]
    assert _sent_to_agent(nemo) == ["fai un video lungo del mare", "rendilo più veloce"]


def test_messages_waiting_behind_a_turn_survive_a_kill(
    telegram_fake, nemo, tmp_path, database_url
):
    _script_a_long_turn_then_an_answer(nemo)
    env = bot_env(telegram_fake, nemo, database_url)
    first = python_m_bot(env, tmp_path / "bot.log")
    chat = telegram_fake.private_chat()
    try:
        _queue_a_message_behind_a_long_turn(telegram_fake, nemo, chat)
        # Telegram has forgotten it: a later getUpdates confirmed its offset.
        telegram_fake.wait_for_sync(lambda: not telegram_fake.pending_updates(), timeout=30)
    finally:
        kill(first)
    _restart_until(env, tmp_path / "bot.log", telegram_fake, chat, "Fatto, più veloce.")
    assert _sent_to_agent(nemo) == ["fai un video lungo del mare", "rendilo più veloce"]


def test_an_album_waiting_behind_a_turn_survives_a_kill(
    telegram_fake, nemo, tmp_path, database_url
):
    nemo.script_turn(steps.add_video_track("mare"), steps.heartbeats(600, interval=0.1))
    env = bot_env(telegram_fake, nemo, database_url)
    first = python_m_bot(env, tmp_path / "bot.log")
    chat = telegram_fake.private_chat()
    try:
        chat.send_text("fai un video lungo del mare")
        until_sync(lambda: nemo.count("POST", "/run_sse") == 1)
        chat.send_album([jpeg_bytes(320, 240, color) for color in ("red", "green", "blue")])
        telegram_fake.wait_for_sync(lambda: not telegram_fake.pending_updates(), timeout=30)
    finally:
        kill(first)
    assert nemo.count("POST", "/api/upload-video/nemo_agent/me/") == 0
    ack = _restart_until(env, tmp_path / "bot.log", telegram_fake, chat, "✅")
    assert "3" in ack["text"]
    assert nemo.count("POST", "/api/upload-video/nemo_agent/me/") == 3


def test_a_render_tried_too_often_is_told_to_its_chat_with_the_export_a_tap_away(
    start_bot, telegram_fake, nemo, database_url
):
    chat = telegram_fake.private_chat()

    async def a_render_that_kept_failing() -> None:
        async with await Database.open(database_url) as db:
            await db.renders.add("render_1", chat.id, "session-gone")
            for _ in range(MAX_DELIVERY_ATTEMPTS):
                await db.renders.add_attempt("render_1")

    asyncio.run(a_render_that_kept_failing())
    start_bot()
    notice = telegram_fake.wait_for_message_sync(chat, contains="⚠️", timeout=30)
    assert "/esporta" in notice["text"]
    buttons = [
        b["callback_data"] for row in notice["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert buttons == ["next:export"]
    assert undelivered_renders(database_url) == []
    assert nemo.count("GET", "/api/render/proxy/lambda/render_1") == 0
