"""The video the bot makes itself when the cloud cannot: offered, always, and after a kill.

Each test decodes the MP4 that reached sendVideo with PyAV. Renders are small (180 or
360 pixels across) and short, so the whole file stays within seconds on two cores.
"""

from __future__ import annotations

import io

import av
import numpy as np

from tests.e2e.harness import bot_env, kill, python_m_bot, stop, undelivered_renders
from tests.fakes.nemo import steps
from tests.fakes.telegram.files import jpeg_bytes, voice_bytes
from tests.render.media import loudness, write_clip
from tests.waiting import until_sync

_COLOURS = ((200, 40, 40), (40, 160, 60), (40, 60, 200))
_RENDER_SUBMIT = ("POST", "/api/render/proxy/lambda")


def _photos(chat, telegram_fake, count: int = 3) -> None:
    """An album of ``count`` photos, acknowledged."""
    chat.send_album([jpeg_bytes(640, 480, colour) for colour in _COLOURS[:count]])
    telegram_fake.wait_for_message_sync(chat, contains="✅", timeout=30)


def _video(telegram_fake, chat, timeout: float = 60) -> dict:
    """The video message, once its sendVideo is recorded too: the fake shows the message
    while it is still answering the call, and records the call after."""
    video = telegram_fake.wait_for_sync(
        lambda: next((m for m in telegram_fake.bot_messages(chat) if "video" in m), None),
        timeout=timeout,
    )
    telegram_fake.wait_for_sync(lambda: telegram_fake.calls_to("sendVideo"), timeout=timeout)
    return video


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


def _undelivered(database_url: str) -> list[tuple[str, str]]:
    """Each render a next start would resume, as (source, status)."""
    return [(record.source, record.status) for record in undelivered_renders(database_url)]


def test_a_local_render_cut_by_a_kill_is_made_again_and_delivered_once(
    telegram_fake, nemo, tmp_path, database_url
):
    env = bot_env(
        telegram_fake, nemo, database_url, LOCAL_RENDER="always", LOCAL_RENDER_SHORT_SIDE="360"
    )
    first = python_m_bot(env, tmp_path / "bot.log")
    chat = telegram_fake.private_chat(language_code="en")
    try:
        _photos(chat, telegram_fake)
        chat.send_text("/export 4 seconds per photo")
        # Recorded and handed to the worker, which takes seconds to start and render.
        until_sync(lambda: _undelivered(database_url) == [("local", "rendering")], timeout=30)
    finally:
        kill(first)
    assert telegram_fake.calls_to("sendVideo") == []

    second = python_m_bot(env, tmp_path / "bot.log")
    try:
        video = _video(telegram_fake, chat, timeout=90)
        until_sync(lambda: _undelivered(database_url) == [], timeout=30)
    finally:
        stop(second)
    seconds, width, height, *_ = _decoded(telegram_fake, video)
    assert abs(seconds - 12.0) <= 0.2
    assert (width, height) == (640, 360)
    assert len(telegram_fake.calls_to("sendVideo")) == 1
    assert nemo.count(*_RENDER_SUBMIT) == 0


def _one_by_one(chat, nemo, sends) -> None:
    """Send each file once the one before is in the project, so the order is known."""
    for count, send in enumerate(sends, start=1):
        send()
        until_sync(lambda count=count: nemo.count("POST", "/api/upload-video") == count, 30)


def _frames_at(data: bytes, seconds: list[float]) -> list[np.ndarray]:
    """The decoded RGB frame showing at each of ``seconds``, in the order asked."""
    found: dict[float, np.ndarray] = {}
    with av.open(io.BytesIO(data)) as container:
        for frame in container.decode(video=0):
            due = [at for at in seconds if at not in found and frame.time >= at]
            for at in due:
                found[at] = frame.to_ndarray(format="rgb24")
    return [found[at] for at in seconds]


def _foot(frame: np.ndarray) -> np.ndarray:
    """The lowest third of the frame's pixels, as rows of (red, green, blue)."""
    return frame[frame.shape[0] * 2 // 3 :].reshape(-1, 3).astype(int)


def _colour(frame: np.ndarray) -> str:
    """Which of red, green and blue the top half of the frame is."""
    means = frame[: frame.shape[0] // 2].reshape(-1, 3).mean(axis=0)
    return ("red", "green", "blue")[int(np.argmax(means))]


def test_a_readable_draft_sets_the_order_timing_and_captions(start_bot, telegram_fake, nemo):
    start_bot(LOCAL_RENDER="always", LOCAL_RENDER_SHORT_SIDE="180")
    chat = telegram_fake.private_chat(language_code="it")
    _one_by_one(
        chat,
        nemo,
        [
            lambda colour=colour: chat.send_photo(jpeg_bytes(640, 480, colour))
            for colour in _COLOURS
        ],
    )
    # Sent red, green, blue; the draft cuts them blue 1.5 s, red 3 s, green 2 s, and
    # captions the red one from half a second into it for a second.
    nemo.script_turn(
        steps.place_uploads([1.5, 3.0, 2.0], order=[2, 0, 1]),
        steps.add_text("Città al mare", start_ms=2000, duration_ms=1000),
        steps.text("Pronto."),
    )
    chat.send_text("fai un video")
    telegram_fake.wait_for_message_sync(chat, contains="Pronto.", timeout=60)
    chat.send_text("/esporta")

    video = _video(telegram_fake, chat)
    seconds, *_ = _decoded(telegram_fake, video)
    assert abs(seconds - 6.5) <= 0.2  # the draft's lengths, not three seconds a photo
    data = telegram_fake.file_bytes(video["video"]["file_id"])
    first, second, third, captioned, plain = _frames_at(data, [0.7, 3.8, 5.8, 2.5, 4.2])
    assert [_colour(first), _colour(second), _colour(third)] == ["blue", "red", "green"]
    assert [_colour(captioned), _colour(plain)] == ["red", "red"]
    # A solid photo's foot is one colour; the caption puts white text on a dark band there.
    plain_foot, captioned_foot = (_foot(frame) for frame in (plain, captioned))
    assert plain_foot.std(axis=0).max() < 8
    assert captioned_foot.min(axis=1).max() > 200, "no white text"
    assert captioned_foot.max(axis=1).min() < 120, "no dark band"  # the red is at 199


def test_a_clip_keeps_its_own_sound_in_the_local_video(start_bot, telegram_fake, nemo, tmp_path):
    start_bot(LOCAL_RENDER="always", LOCAL_RENDER_SHORT_SIDE="180")
    chat = telegram_fake.private_chat(language_code="en")
    clip = write_clip(tmp_path / "clip.mp4", seconds=2.0, tone=1000.0).read_bytes()
    _one_by_one(
        chat,
        nemo,
        [
            lambda: chat.send_video(clip, duration=2, width=320, height=240),
            lambda: chat.send_photo(jpeg_bytes(640, 480)),
        ],
    )
    chat.send_text("/export")

    video = _video(telegram_fake, chat)
    seconds, *_, audio = _decoded(telegram_fake, video)
    assert abs(seconds - 5.0) <= 0.2  # the clip's 2 s, then the photo's 3 s
    assert audio == "aac"
    path = tmp_path / "video.mp4"
    path.write_bytes(telegram_fake.file_bytes(video["video"]["file_id"]))
    # Heard under the clip's pictures (a 0.3-peak tone: RMS about 0.21), silent after.
    under_clip, under_photo = loudness(path, [(0.2, 1.8), (2.7, 4.5)])
    assert under_clip > 0.1
    assert under_photo < 0.001
