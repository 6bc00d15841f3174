"""The video the bot makes itself when the cloud cannot: offered, always, and after a kill.

Each test decodes the MP4 that reached sendVideo with PyAV. Renders are small (180 or
360 pixels across) and short, so the whole file stays within seconds on two cores.
"""

from __future__ import annotations

import io
import signal
import sqlite3
from pathlib import Path

import av

from tests.e2e.harness import bot_env, python_m_bot
from tests.fakes.nemo import steps
from tests.fakes.telegram.files import jpeg_bytes, voice_bytes
from tests.waiting import until_sync

_COLOURS = ((200, 40, 40), (40, 160, 60), (40, 60, 200))
_RENDER_SUBMIT = ("POST", "/api/render/proxy/lambda")


def _photos(chat, telegram_fake, count: int = 3) -> None:
    """An album of ``count`` photos, acknowledged."""
    chat.send_album([jpeg_bytes(640, 480, colour) for colour in _COLOURS[:count]])
    telegram_fake.wait_for_message_sync(chat, contains="✅", timeout=30)


def _video(telegram_fake, chat, timeout: float = 60) -> dict:
    return telegram_fake.wait_for_sync(
        lambda: next((m for m in telegram_fake.bot_messages(chat) if "video" in m), None),
        timeout=timeout,
    )


def _decoded(telegram_fake, message: dict) -> tuple[float, int, int, str, str, str]:
    """Seconds of video, width, height, video codec and profile, audio codec."""
    data = telegram_fake.file_bytes(message["video"]["file_id"])
    with av.open(io.BytesIO(data)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0]
        seconds = float(video.duration * video.time_base)
        return (
            seconds,
            video.codec_context.width,
            video.codec_context.height,
            video.codec_context.name,
            video.codec_context.profile or "",
            audio.codec_context.name,
        )


def test_out_of_credits_offers_a_local_video_and_the_tap_delivers_it(
    start_bot, telegram_fake, nemo
):
    start_bot(LOCAL_RENDER_SHORT_SIDE="180")
    chat = telegram_fake.private_chat(language_code="en")
    _photos(chat, telegram_fake)
    chat.send_voice(voice_bytes(2.0))
    telegram_fake.wait_for_sync(lambda: nemo.count("POST", "/api/upload-video") == 4, timeout=30)
    nemo.script_turn(steps.add_video_track("trip"), steps.text("Ready."))
    chat.send_text("make a video of the trip")
    telegram_fake.wait_for_message_sync(chat, contains="Ready.", timeout=30)
    nemo.fail_next(*_RENDER_SUBMIT, status=200, code=2001, message="insufficient credits")
    chat.send_text("/export vertical, 2 seconds per photo")

    offer = telegram_fake.wait_for_message_sync(chat, contains="button below", timeout=30)
    assert "credits" in offer["text"]
    assert "insufficient" not in offer["text"]
    buttons = [b for row in offer["reply_markup"]["inline_keyboard"] for b in row]
    assert [(b["text"], b["callback_data"]) for b in buttons] == [
        ("🎞️ Free simple video", "next:local_video")
    ]
    assert telegram_fake.calls_to("sendVideo") == []
    chat.press_button(offer, "next:local_video")

    video = _video(telegram_fake, chat)
    seconds, width, height, codec, profile, audio = _decoded(telegram_fake, video)
    # The export's words chose the options: vertical, two seconds for each of three photos.
    assert abs(seconds - 6.0) <= 0.2
    assert (width, height) == (180, 320)
    assert (codec, audio) == ("h264", "aac")
    assert profile == "High"
    assert len(telegram_fake.calls_to("sendVideo")) == 1
    assert nemo.count(*_RENDER_SUBMIT) == 1


def test_always_renders_every_export_here_and_never_in_the_cloud(start_bot, telegram_fake, nemo):
    start_bot(LOCAL_RENDER="always", LOCAL_RENDER_SHORT_SIDE="180")
    chat = telegram_fake.private_chat(language_code="it")
    _photos(chat, telegram_fake, count=2)
    chat.send_text("/esporta")

    video = _video(telegram_fake, chat)
    seconds, width, height, codec, _, audio = _decoded(telegram_fake, video)
    assert abs(seconds - 6.0) <= 0.2  # two photos, three seconds each by default
    assert (width, height, codec, audio) == (320, 180, "h264", "aac")
    assert nemo.count(*_RENDER_SUBMIT) == 0
    assert nemo.count("GET", "/api/render") == 0


def test_no_uploads_is_told_in_words_not_rendered(start_bot, telegram_fake, nemo):
    start_bot(LOCAL_RENDER="always")
    chat = telegram_fake.private_chat(language_code="en")
    chat.send_text("/export")
    telegram_fake.wait_for_message_sync(chat, contains="nothing", timeout=30)
    assert telegram_fake.calls_to("sendVideo") == []


def _render_status(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT source, status FROM renders").fetchall()


def test_a_local_render_cut_by_a_kill_is_made_again_and_delivered_once(
    telegram_fake, nemo, tmp_path
):
    database = tmp_path / "bot.sqlite3"
    env = bot_env(
        telegram_fake, nemo, database, LOCAL_RENDER="always", LOCAL_RENDER_SHORT_SIDE="360"
    )
    first = python_m_bot(env, tmp_path / "bot.log")
    chat = telegram_fake.private_chat(language_code="en")
    try:
        _photos(chat, telegram_fake)
        chat.send_text("/export 4 seconds per photo")
        # Recorded and handed to the worker, which takes seconds to start and render.
        until_sync(lambda: _render_status(database) == [("local", "rendering")], timeout=30)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    assert telegram_fake.calls_to("sendVideo") == []

    second = python_m_bot(env, tmp_path / "bot.log")
    try:
        video = _video(telegram_fake, chat, timeout=90)
        until_sync(lambda: _delivered(database), timeout=30)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    seconds, width, height, *_ = _decoded(telegram_fake, video)
    assert abs(seconds - 12.0) <= 0.2
    assert (width, height) == (640, 360)
    assert len(telegram_fake.calls_to("sendVideo")) == 1
    assert nemo.count(*_RENDER_SUBMIT) == 0


def _delivered(database: Path) -> bool:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT delivered_at IS NOT NULL FROM renders").fetchall() == [(1,)]
