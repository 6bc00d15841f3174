"""What TelegramOutput does when a send fails, against a bot that fails on cue."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.core.notices import AgentReply, VideoReady, VideoTooBig
from bot.core.ports import ChatRef, ChatUnreachable
from bot.i18n import Catalogs
from bot.telegram.output import Fallback, TelegramOutput, upload_fallback

CHAT_ID = 42
URL = "https://cdn.example/render-1.mp4"
PROJECT = "https://nemovideo.example/project/1"
LINK_INSTEAD = "Telegram didn't accept the file in time. Download it here: " + URL


class ScriptedBot:
    """Raises the scripted errors in turn for each method, then succeeds; records calls."""

    local_mode = False

    def __init__(self, **failures: list[Exception]) -> None:
        self.failures = failures
        self.calls: list[tuple[str, Any]] = []

    async def send_video(self, chat_id: int, video: Any, **kwargs: Any) -> SimpleNamespace:
        self.calls.append(("send_video", kwargs["caption"]))
        return self._answer("send_video")

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> SimpleNamespace:
        self.calls.append(("send_message", text))
        return self._answer("send_message")

    def _answer(self, method: str) -> SimpleNamespace:
        if self.failures.get(method):
            raise self.failures[method].pop(0)
        return SimpleNamespace(message_id=len(self.calls))


def output(bot: ScriptedBot) -> TelegramOutput:
    return TelegramOutput(bot, ChatRef(CHAT_ID, "en"), Catalogs())


@pytest.fixture
def video(tmp_path: Path) -> VideoReady:
    path = tmp_path / "render-1.mp4"
    path.write_bytes(b"mp4")
    return VideoReady(path, 3, 320, 240, 6.0, project_link=PROJECT, download_url=URL)


@pytest.mark.parametrize(
    ("error", "fallback"),
    [
        (NetworkError("Request Entity Too Large (413)"), Fallback.TOO_BIG),
        (TimedOut(), Fallback.UNDELIVERED),
        (NetworkError("Bad Gateway"), Fallback.UNDELIVERED),
        (NetworkError("httpx.ConnectError: All connection attempts failed"), Fallback.UNDELIVERED),
        (BadRequest("Wrong file identifier"), None),
    ],
)
def test_which_upload_failures_become_a_link(error: NetworkError, fallback: Fallback | None):
    assert upload_fallback(error) is fallback


async def test_a_video_upload_timing_out_once_is_sent_again(video: VideoReady):
    bot = ScriptedBot(send_video=[TimedOut()])
    await output(bot).show(video)
    assert [method for method, _ in bot.calls] == ["send_video", "send_video"]


async def test_a_video_upload_timing_out_twice_becomes_the_link(video: VideoReady):
    bot = ScriptedBot(send_video=[TimedOut(), TimedOut()])
    await output(bot).show(video)
    *uploads, (method, text) = bot.calls
    assert [m for m, _ in uploads] == ["send_video", "send_video"]
    assert method == "send_message"
    assert LINK_INSTEAD in text
    assert PROJECT in text


async def test_a_server_error_on_the_retry_also_becomes_the_link(video: VideoReady):
    bot = ScriptedBot(send_video=[TimedOut(), NetworkError("Bad Gateway")])
    await output(bot).show(video)
    assert LINK_INSTEAD in bot.calls[-1][1]


async def test_413_after_a_timeout_is_explained_as_too_big(video: VideoReady):
    bot = ScriptedBot(send_video=[TimedOut(), NetworkError("Request Entity Too Large (413)")])
    await output(bot).show(video)
    assert "too big to send on Telegram" in bot.calls[-1][1]


async def test_without_a_link_the_timeout_is_raised_so_the_render_stays_undelivered(
    video: VideoReady,
):
    bot = ScriptedBot(send_video=[TimedOut(), TimedOut()])
    with pytest.raises(TimedOut):
        await output(bot).show(replace(video, download_url=None))
    assert len(bot.calls) == 2


async def test_other_refusals_are_raised_without_a_retry(video: VideoReady):
    bot = ScriptedBot(send_video=[BadRequest("Wrong file")])
    with pytest.raises(BadRequest):
        await output(bot).show(video)
    assert len(bot.calls) == 1


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(Forbidden("Forbidden: bot was blocked by the user"), id="blocked"),
        pytest.param(Forbidden("Forbidden: bot was kicked from the group chat"), id="kicked"),
        pytest.param(BadRequest("Bad Request: chat not found"), id="chat-not-found"),
    ],
)
@pytest.mark.parametrize("method", ["send_video", "send_message"])
async def test_a_chat_that_can_never_be_reached_is_final(
    video: VideoReady, error: Exception, method: str
):
    bot = ScriptedBot(**{method: [error]})
    notice = video if method == "send_video" else VideoTooBig(URL, 10**9, PROJECT)
    with pytest.raises(ChatUnreachable) as raised:
        await output(bot).show(notice)
    assert raised.value.chat_id == CHAT_ID
    assert raised.value.__cause__ is error
    assert len(bot.calls) == 1


async def test_a_reply_that_times_out_is_logged_and_not_resent(caplog: pytest.LogCaptureFixture):
    bot = ScriptedBot(send_message=[TimedOut()])
    with caplog.at_level(logging.WARNING, logger="bot.telegram.output"):
        await output(bot).show(AgentReply("Ecco il video."))
    assert bot.calls == [("send_message", "Ecco il video.")]
    assert any("timed out" in record.getMessage() for record in caplog.records)


async def test_a_long_reply_keeps_its_other_parts_when_one_times_out():
    bot = ScriptedBot(send_message=[TimedOut()])
    await output(bot).say("a" * 4000 + "\n" + "b" * 200)
    assert [text[0] for _, text in bot.calls] == ["a", "b"]


async def test_a_link_that_is_the_video_is_raised_on_timeout_not_dropped():
    bot = ScriptedBot(send_message=[TimedOut()])
    with pytest.raises(TimedOut):
        await output(bot).show(VideoTooBig(URL, 80_000_000, PROJECT))


class RecordingRequest(BaseRequest):
    """Answers every Bot API call with success and keeps what PTB handed to the network."""

    def __init__(self) -> None:
        self.sent: list[RequestData | None] = []

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    @property
    def read_timeout(self) -> float:
        return 1.0

    async def do_request(self, url: str, method: str, request_data=None, **_: Any):
        self.sent.append(request_data)
        result: dict[str, Any] = {
            "message_id": 1,
            "date": 0,
            "chat": {"id": CHAT_ID, "type": "private"},
        }
        if url.endswith("/getMe"):
            result = {"id": 1, "is_bot": True, "first_name": "bot", "username": "bot"}
        return 200, json.dumps({"ok": True, "result": result}).encode()


async def send_video_with(video: VideoReady, *, local_mode: bool) -> RequestData:
    request = RecordingRequest()
    bot = Bot("1:token", request=request, get_updates_request=request, local_mode=local_mode)
    await output(bot).show(video)
    [*_, sent] = request.sent
    assert sent is not None
    return sent


async def test_in_local_mode_the_video_goes_by_its_path(video: VideoReady):
    sent = await send_video_with(video, local_mode=True)

    assert sent.parameters["video"] == video.path.absolute().as_uri()
    assert not sent.multipart_data


async def test_otherwise_the_video_streams_from_its_file_unread(video: VideoReady):
    sent = await send_video_with(video, local_mode=False)

    _, content, mime = sent.multipart_data["video"]
    assert hasattr(content, "read"), "the whole file was read into memory"
    assert mime == "video/mp4"
