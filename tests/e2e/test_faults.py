"""Faults survived, end to end: the real bot against fakes that fail on purpose.

NemoVideo answers 5xx, 429, 1001 or 1002, or drops a stream; Telegram answers 429, 5xx or
403, or takes a send and never answers it in time. Each test checks what a person in the
chat (or the cloud) sees afterwards.

Not covered, because the wait would be too long for this file: a NemoVideo answer slower
than the client's 60 s read timeout (a 503 stands in for it), and a render poll failing for
good (5 polls of 4 attempts each, about 20 s). Telegram timeouts are covered with the bot's
Bot API timeouts cut to a couple of seconds.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx

from tests.e2e.harness import bot_env, kill, python_m_bot, stop, undelivered_renders
from tests.fakes.nemo import NemoFake, steps
from tests.fakes.telegram import TelegramFake
from tests.fakes.telegram.chats import FakeChat
from tests.fakes.telegram.files import jpeg_bytes
from tests.waiting import until_sync

SAMPLE_MP4 = (Path(__file__).parents[1] / "fakes" / "assets" / "sample.mp4").read_bytes()
NOT_ANSWERING = "NemoVideo isn't answering right now. Please try again shortly."
# What must never reach a chat: the fault itself, raw JSON, a traceback.
RAW = ("503", "HTTP", "injected", "Traceback", '{"', "Error:")
# One try and the three retries of a read (NemoTimeouts.read_retries).
READ_ATTEMPTS = 4


# --- helpers ---------------------------------------------------------------------------------


def texts(telegram: TelegramFake, chat: FakeChat) -> list[str]:
    """Every text the bot sent the chat, status messages and deleted ones included."""
    return [
        str(call.params.get("text", ""))
        for call in telegram.calls
        if call.method in ("sendMessage", "editMessageText")
        and str(call.params.get("chat_id")) == str(chat.id)
    ]


def replies(telegram: TelegramFake, chat: FakeChat) -> list[str]:
    """The texts the chat shows now, status messages left out."""
    return [
        m["text"]
        for m in telegram.bot_messages(chat)
        if "text" in m and not m["text"].startswith("⏳")
    ]


def next_reply(telegram: TelegramFake, chat: FakeChat, after: int, timeout: float = 20) -> str:
    """The first reply shown after the chat had ``after`` replies: fails fast on a wrong one."""
    telegram.wait_for_sync(lambda: len(replies(telegram, chat)) > after, timeout=timeout)
    return replies(telegram, chat)[after]


def videos(telegram: TelegramFake, chat: FakeChat) -> list[dict]:
    return [m for m in telegram.bot_messages(chat) if "video" in m]


def wait_for_video(telegram: TelegramFake, chat: FakeChat, timeout: float = 20) -> dict:
    return telegram.wait_for_sync(lambda: next(iter(videos(telegram, chat)), None), timeout)


def send_video_statuses(telegram: TelegramFake, count: int) -> list[int]:
    """The statuses of the first ``count`` sendVideo calls (recorded just after delivery)."""
    telegram.wait_for_sync(lambda: len(telegram.calls_to("sendVideo")) >= count)
    return [call.status for call in telegram.calls_to("sendVideo")]


def calls_in(telegram: TelegramFake, method: str, chat: FakeChat) -> list:
    return [c for c in telegram.calls_to(method) if str(c.params.get("chat_id")) == str(chat.id)]


def assert_nothing_raw(telegram: TelegramFake, chat: FakeChat) -> None:
    for text in texts(telegram, chat):
        assert not any(raw in text for raw in RAW), text


def make_video(telegram: TelegramFake, nemo: NemoFake, chat: FakeChat, name: str = "gita") -> None:
    """One agent turn that leaves an exportable track called ``name``."""
    nemo.script_turn(steps.add_video_track(name, 6000), steps.text(f"Ready: {name}."))
    chat.send_text(f"make a video called {name}")
    telegram.wait_for_message_sync(chat, contains=f"Ready: {name}.")


# --- 1. 5xx on the reads -----------------------------------------------------------------------


def test_status_and_credits_survive_two_503s(bot, telegram_fake, nemo):
    chat = telegram_fake.private_chat(language_code="en")
    make_video(telegram_fake, nemo, chat, "Roma")
    before = nemo.count("GET", "/api/state/")
    nemo.fail_next("GET", "/api/state/", status=503, times=2)
    chat.send_text("/status")
    assert "1. Video: Roma (0–6s)" in next_reply(telegram_fake, chat, after=1)
    assert nemo.count("GET", "/api/state/") == before + 3

    nemo.fail_next("GET", "/api/credits/", status=503, times=2)
    chat.send_text("/credits")
    assert next_reply(telegram_fake, chat, after=2).startswith(
        "💳 The NemoVideo account I work with has 90 credits"
    )
    assert nemo.count("GET", "/api/credits/") == 3
    assert_nothing_raw(telegram_fake, chat)


def test_an_album_upload_failing_is_explained_and_can_be_sent_again(bot, telegram_fake, nemo):
    chat = telegram_fake.private_chat(language_code="en")
    nemo.fail_next("POST", "/api/upload-video/nemo_agent/me/", status=503)
    photos = [jpeg_bytes(320, 240, color) for color in ("red", "green", "blue")]
    chat.send_album(photos)
    failure = telegram_fake.wait_for_message_sync(chat, contains="NemoVideo", timeout=30)
    assert "try again" in failure["text"]
    assert not [m for m in telegram_fake.bot_messages(chat) if "✅" in m.get("text", "")]
    chat.send_album(photos)
    ack = telegram_fake.wait_for_message_sync(chat, contains="✅", timeout=30)
    assert "3" in ack["text"]
    assert_nothing_raw(telegram_fake, chat)


def test_credits_failing_for_good_are_explained_then_work_again(bot, telegram_fake, nemo):
    chat = telegram_fake.private_chat(language_code="en")
    nemo.fail_next("GET", "/api/credits/", status=503, times=READ_ATTEMPTS)
    chat.send_text("/credits")
    assert next_reply(telegram_fake, chat, after=0) == NOT_ANSWERING
    assert nemo.count("GET", "/api/credits/") == READ_ATTEMPTS
    chat.send_text("/credits")
    assert next_reply(telegram_fake, chat, after=1).startswith(
        "💳 The NemoVideo account I work with has 100 credits"
    )
    assert_nothing_raw(telegram_fake, chat)


def test_status_failing_for_good_is_explained_not_shown_as_empty(bot, telegram_fake, nemo):
    chat = telegram_fake.private_chat(language_code="en")
    make_video(telegram_fake, nemo, chat, "Roma")
    nemo.fail_next("GET", "/api/state/", status=503, times=READ_ATTEMPTS)
    chat.send_text("/status")
    assert next_reply(telegram_fake, chat, after=1) == NOT_ANSWERING
    chat.send_text("/status")
    assert "1. Video: Roma (0–6s)" in next_reply(telegram_fake, chat, after=2)
    assert_nothing_raw(telegram_fake, chat)


def test_export_survives_a_transient_fault_at_every_step(bot, telegram_fake, nemo):
    """503s on the render polls and on the MP4 download, then a Telegram 429 on sendVideo."""
    chat = telegram_fake.private_chat(language_code="en")
    make_video(telegram_fake, nemo, chat)
    nemo.fail_next("GET", "/api/render/proxy/lambda/", status=503, times=2)
    nemo.fail_next("GET", "/cdn/", status=503, times=2)
    telegram_fake.fail_next("sendVideo", status=429, retry_after=1)
    chat.send_text("/export")
    video = wait_for_video(telegram_fake, chat)
    assert telegram_fake.file_bytes(video["video"]["file_id"]) == SAMPLE_MP4
    assert "Your video is ready!" in video["caption"]
    assert send_video_statuses(telegram_fake, 2) == [429, 200]
    assert len(videos(telegram_fake, chat)) == 1
    assert nemo.count("GET", "/cdn/") == 3
    assert nemo.count("POST", "/api/render/proxy/lambda") == 1
    assert_nothing_raw(telegram_fake, chat)


def test_download_failing_for_good_is_explained_and_delivered_after_restart(
    start_bot, telegram_fake, nemo
):
    running = start_bot()
    chat = telegram_fake.private_chat(language_code="en")
    make_video(telegram_fake, nemo, chat)
    nemo.fail_next("GET", "/cdn/", status=503, times=READ_ATTEMPTS)
    chat.send_text("/export")
    assert next_reply(telegram_fake, chat, after=1) == NOT_ANSWERING
    assert videos(telegram_fake, chat) == []
    assert_nothing_raw(telegram_fake, chat)
    # Nothing is lost: the finished render is still on record and reaches the chat.
    running.stop()
    start_bot()
    wait_for_video(telegram_fake, chat)
    assert send_video_statuses(telegram_fake, 1) == [200]
    assert nemo.count("POST", "/api/render/proxy/lambda") == 1


# --- 2. a stream that drops ------------------------------------------------------------------


def test_dropped_stream_reports_the_timeline_and_is_not_resent(bot, telegram_fake, nemo):
    nemo.script_turn(
        steps.add_video_track("mare", 6000), steps.text("Working on the sea…"), steps.drop()
    )
    chat = telegram_fake.private_chat(language_code="en")
    chat.send_text("make a video of the sea")
    notice = telegram_fake.wait_for_message_sync(chat, contains="stopped before finishing")
    assert "1. Video: mare (0–6s)" in notice["text"]
    assert "Working on the sea…" in replies(telegram_fake, chat)
    assert nemo.count("POST", "/run_sse") == 1
    [session] = nemo.sessions.values()
    assert session.messages == ["make a video of the sea"]
    assert_nothing_raw(telegram_fake, chat)


# --- 3. 1001: the token expires ---------------------------------------------------------------


def test_expired_token_before_upload_turn_and_export_is_renewed_once_each(
    bot, telegram_fake, nemo
):
    chat = telegram_fake.private_chat(language_code="en")
    make_video(telegram_fake, nemo, chat)
    assert nemo.tokens_issued == 1

    nemo.expire_tokens()
    chat.send_photo(jpeg_bytes(320, 240, "red"))
    telegram_fake.wait_for_message_sync(chat, contains="added")
    assert nemo.tokens_issued == 2
    [upload] = [r for r in nemo.requests_to("POST", "/api/upload-video") if r.files]
    assert upload.files[0].filename.endswith(".jpg")

    nemo.expire_tokens()
    nemo.script_turn(steps.text("Title added."))
    chat.send_text("add the title Estate")
    telegram_fake.wait_for_message_sync(chat, contains="Title added.")
    assert nemo.tokens_issued == 3

    nemo.expire_tokens()
    chat.send_text("/export")
    wait_for_video(telegram_fake, chat)
    assert nemo.tokens_issued == 4

    asked = nemo.requests_to("POST", "/api/auth/anonymous-token")
    assert len(asked) == 4
    assert len({request.headers["x-client-id"] for request in asked}) == 1
    [session] = nemo.sessions.values()
    assert session.messages == ["make a video called gita", "add the title Estate"]
    assert len(videos(telegram_fake, chat)) == 1


# --- 4. 1002: the session is gone -------------------------------------------------------------


def test_lost_session_is_replaced_and_the_refused_message_sent_once_more(bot, telegram_fake, nemo):
    chat = telegram_fake.private_chat(language_code="en")
    make_video(telegram_fake, nemo, chat)
    [old] = nemo.sessions
    nemo.forget_session(old)
    nemo.script_turn(steps.text("A new start."))
    chat.send_text("add a title")
    telegram_fake.wait_for_message_sync(chat, contains="A new start.")
    [new] = [sid for sid in nemo.sessions if sid != old]
    assert nemo.sessions[new].messages == ["add a title"]
    assert nemo.sessions[new].language == "en"
    assert nemo.sessions[old].messages == ["make a video called gita"]
    assert nemo.count("POST", "/run_sse") == 3
    assert replies(telegram_fake, chat).count("A new start.") == 1


# --- 5. 429 from NemoVideo --------------------------------------------------------------------


def test_nemo_rate_limit_is_waited_out_and_retried_once(bot, telegram_fake, nemo):
    nemo.fail_next("POST", "/run_sse", status=429, retry_after=1)
    nemo.script_turn(steps.text("Slideshow done."))
    chat = telegram_fake.private_chat(language_code="en")
    chat.send_text("make a slideshow")
    telegram_fake.wait_for_message_sync(chat, contains="Slideshow done.")
    refused, accepted = nemo.requests_to("POST", "/run_sse")
    assert accepted.time - refused.time >= 0.9  # Retry-After was honoured (a lower bound only)
    [session] = nemo.sessions.values()
    assert session.messages == ["make a slideshow"]

    nemo.fail_next("GET", "/api/credits/", status=429, retry_after=1)
    chat.send_text("/credits")
    telegram_fake.wait_for_message_sync(chat, contains="💳")
    assert nemo.count("GET", "/api/credits/") == 2
    assert_nothing_raw(telegram_fake, chat)


# --- 6. Telegram 429 and 5xx ------------------------------------------------------------------


def test_telegram_429_on_send_message_still_delivers_the_reply_once(bot, telegram_fake, nemo):
    chat = telegram_fake.private_chat(language_code="en")
    telegram_fake.fail_next("sendMessage", status=429, retry_after=1)
    chat.send_text("/credits")
    telegram_fake.wait_for_message_sync(chat, contains="💳")
    assert [m.splitlines()[0] for m in replies(telegram_fake, chat) if "💳" in m] == [
        "💳 The NemoVideo account I work with has 100 credits left."
    ]
    telegram_fake.wait_for_sync(lambda: len(calls_in(telegram_fake, "sendMessage", chat)) >= 2)
    assert [c.status for c in calls_in(telegram_fake, "sendMessage", chat)] == [429, 200]


def test_telegram_5xx_on_send_message_still_delivers_the_agent_reply(
    start_bot, telegram_fake, nemo
):
    start_bot(STILL_WORKING_SECONDS="600")  # no status message: the reply is the first send
    nemo.script_turn(steps.add_video_track("mare"), steps.text("Your sea video is ready."))
    chat = telegram_fake.private_chat(language_code="en")
    telegram_fake.fail_next("sendMessage", status=502)
    chat.send_text("make a video of the sea")
    assert next_reply(telegram_fake, chat, after=0) == "Your sea video is ready."
    assert replies(telegram_fake, chat).count("Your sea video is ready.") == 1
    assert nemo.count("POST", "/run_sse") == 1


# --- 7. Telegram timeouts on send -------------------------------------------------------------

# Bot API calls give up after 2 s instead of 30; a stalled call answers only after 10 s.
SHORT_TIMEOUTS = {"TELEGRAM_TIMEOUT_SECONDS": "2", "TELEGRAM_MEDIA_TIMEOUT_SECONDS": "2"}
STALL = 10.0
LINK_INSTEAD = "Telegram didn't accept the file in time. Download it here: "


def test_timed_out_reply_is_not_resent_and_the_chat_is_served_after(
    start_bot, telegram_fake, nemo, caplog
):
    start_bot(STILL_WORKING_SECONDS="600", **SHORT_TIMEOUTS)  # the reply is the first send
    nemo.script_turn(steps.add_video_track("mare"), steps.text("Your sea video is ready."))
    nemo.script_turn(steps.text("Title added."))
    chat = telegram_fake.private_chat(language_code="en")
    telegram_fake.stall("sendMessage", seconds=STALL)
    chat.send_text("make a video of the sea")
    telegram_fake.wait_for_sync(lambda: calls_in(telegram_fake, "sendMessage", chat))
    chat.send_text("add the title Estate")  # waits behind the stalled turn, then is answered
    assert next_reply(telegram_fake, chat, after=0) == "Title added."
    # A call is recorded just after the message shows.
    telegram_fake.wait_for_sync(lambda: "Title added." in texts(telegram_fake, chat))
    # Sent once, never again, and no apology for a reply that may have arrived.
    answers = [text for text in texts(telegram_fake, chat) if not text.startswith("⏳")]
    assert answers == ["Your sea video is ready.", "Title added."]
    assert calls_in(telegram_fake, "sendMessage", chat)[0].status == 504
    [session] = nemo.sessions.values()
    assert session.messages == ["make a video of the sea", "add the title Estate"]
    assert any("timed out" in r.getMessage() for r in caplog.records if r.name.startswith("bot"))
    assert telegram_fake.token not in caplog.text
    assert_nothing_raw(telegram_fake, chat)


def test_video_upload_timing_out_once_arrives_on_the_retry(start_bot, telegram_fake, nemo):
    start_bot(**SHORT_TIMEOUTS)
    chat = telegram_fake.private_chat(language_code="en")
    make_video(telegram_fake, nemo, chat)
    telegram_fake.stall("sendVideo", seconds=STALL)
    chat.send_text("/export")
    video = wait_for_video(telegram_fake, chat)
    assert telegram_fake.file_bytes(video["video"]["file_id"]) == SAMPLE_MP4
    assert "Your video is ready!" in video["caption"]
    assert send_video_statuses(telegram_fake, 2) == [504, 200]
    assert len(videos(telegram_fake, chat)) == 1
    assert not any(LINK_INSTEAD in text for text in texts(telegram_fake, chat))
    assert nemo.count("POST", "/api/render/proxy/lambda") == 1
    assert nemo.count("GET", "/cdn/") == 1
    assert_nothing_raw(telegram_fake, chat)


def test_video_upload_timing_out_twice_sends_the_link_and_counts_as_delivered(
    start_bot, telegram_fake, nemo, database_url
):
    running = start_bot(**SHORT_TIMEOUTS)
    chat = telegram_fake.private_chat(language_code="en")
    make_video(telegram_fake, nemo, chat)
    telegram_fake.stall("sendVideo", seconds=STALL, times=2)
    chat.send_text("/export")
    notice = telegram_fake.wait_for_message_sync(chat, contains=LINK_INSTEAD, timeout=30)
    assert send_video_statuses(telegram_fake, 2) == [504, 504]
    assert videos(telegram_fake, chat) == []
    # The link gives the person the very video that did not go through.
    url = re.search(re.escape(LINK_INSTEAD) + r"(\S+)", notice["text"]).group(1)
    assert httpx.get(url).content == SAMPLE_MP4
    assert "Open the project in NemoVideo: https://nemovideo.example" in notice["text"]
    assert_nothing_raw(telegram_fake, chat)
    running.stop()  # the grace period lets the delivery finish; raises if the bot died
    # Delivered once: nothing is left for a restart to resume and send again.
    assert undelivered_renders(database_url) == []
    assert nemo.count("POST", "/api/render/proxy/lambda") == 1


# --- 8. Forbidden: the person blocked the bot -------------------------------------------------


def test_blocked_at_delivery_other_chats_are_served_and_the_render_is_given_up(
    start_bot, telegram_fake, nemo
):
    running = start_bot()
    blocked = telegram_fake.private_chat(language_code="en")
    other = telegram_fake.private_chat(language_code="en")
    make_video(telegram_fake, nemo, blocked)
    telegram_fake.fail_next("sendVideo", status=403)
    blocked.send_text("/export")
    telegram_fake.wait_for_sync(lambda: telegram_fake.calls_to("sendVideo"))
    other.send_text("/credits")
    telegram_fake.wait_for_message_sync(other, contains="💳")
    assert [c.status for c in telegram_fake.calls_to("sendVideo")] == [403]  # no retry loop
    assert videos(telegram_fake, blocked) == []
    running.stop()  # raises if the application died
    # Blocked is final (issue #12): the next start neither polls nor sends it again.
    start_bot()
    other.send_text("/credits")
    telegram_fake.wait_for_sync(
        lambda: (
            len([m for m in telegram_fake.bot_messages(other) if "💳" in m.get("text", "")]) == 2
        )
    )
    assert [c.status for c in telegram_fake.calls_to("sendVideo")] == [403]
    assert nemo.count("POST", "/api/render/proxy/lambda") == 1
    assert_nothing_raw(telegram_fake, blocked)


def test_a_chat_that_blocked_the_bot_does_not_stop_other_renders_resuming(
    telegram_fake, nemo, tmp_path, database_url
):
    nemo.render_seconds = 4
    env = bot_env(telegram_fake, nemo, database_url)
    waiting = telegram_fake.private_chat(language_code="en")
    blocked = telegram_fake.private_chat(language_code="en")
    first = python_m_bot(env, tmp_path / "bot.log")
    try:
        nemo.script_turn(steps.add_video_track("gita"), steps.text("Ready."))
        waiting.send_text("make the trip video")
        telegram_fake.wait_for_message_sync(waiting, contains="Ready.", timeout=30)
        waiting.send_text("/export")
        until_sync(lambda: nemo.count("GET", "/api/render/proxy/lambda/"))
        nemo.script_turn(steps.add_video_track("mare"), steps.heartbeats(300, interval=0.1))
        blocked.send_text("make a long video of the sea")
        until_sync(lambda: nemo.count("POST", "/run_sse") == 2)
        telegram_fake.wait_for_sync(lambda: not telegram_fake.pending_updates())
    finally:
        kill(first)
    # The blocked chat's "I was restarted" notice is the first message sent after the restart.
    telegram_fake.fail_next("sendMessage", status=403)
    second = python_m_bot(env, tmp_path / "bot.log")
    try:
        telegram_fake.wait_for_sync(
            lambda: [c for c in telegram_fake.calls_to("sendMessage") if c.status == 403],
            timeout=30,
        )
        video = wait_for_video(telegram_fake, waiting, timeout=6)
    finally:
        stop(second)
    assert video["chat"]["id"] == waiting.id
    assert nemo.count("POST", "/api/render/proxy/lambda") == 1


# --- 9. a second export while the first renders -----------------------------------------------


def test_second_export_during_a_render_is_not_rendered_twice(bot, telegram_fake, nemo):
    chat = telegram_fake.private_chat(language_code="en")
    make_video(telegram_fake, nemo, chat)
    chat.send_text("/export")
    until_sync(lambda: nemo.count("GET", "/api/render/proxy/lambda/"))
    chat.send_text("/export")
    telegram_fake.wait_for_message_sync(chat, contains="already being made")
    wait_for_video(telegram_fake, chat)
    # A later export, with nothing changed, is a deliberate one: it renders again. The
    # pause is the person's, looking at the video; without it the request can arrive
    # while the bot is still finishing the delivery, and count as the same export.
    time.sleep(1)
    chat.send_text("/export")
    telegram_fake.wait_for_sync(lambda: len(videos(telegram_fake, chat)) == 2, timeout=20)
    assert nemo.count("POST", "/api/render/proxy/lambda") == 2
    assert_nothing_raw(telegram_fake, chat)
