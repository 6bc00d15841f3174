"""NemoClient: the one object the bot uses to talk to the NemoVideo cloud.

One method per endpoint of the contract, plus the two loops built on them
(waiting for a render, downloading it). Recovery from errors lives in
`Channel`, the rules of a chat turn in `turns`.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

import httpx

from bot.nemo import parsing
from bot.nemo.channel import SKILL_SOURCE, Call, Channel, describe
from bot.nemo.credentials import CredentialStore
from bot.nemo.errors import (
    NemoAPIError,
    NemoError,
    NemoUnavailable,
    RenderFailed,
    SessionNotFound,
)
from bot.nemo.models import (
    AgentEvent,
    Credits,
    RenderPhase,
    RenderStatus,
    Session,
    SessionState,
    UploadResult,
    UploadSource,
)
from bot.nemo.multipart import StreamingMultipart
from bot.nemo.polling import PollSchedule
from bot.nemo.sse import events_from_payload, iter_events
from bot.nemo.timeouts import NemoTimeouts
from bot.nemo.turns import events_of, guard_turn

logger = logging.getLogger(__name__)

_DOWNLOAD_CHUNK = 64 * 1024
_MAX_REDIRECTS = 5


class NemoClient:
    """An async client for the NemoVideo cloud API; use it as an async context manager.

    ```python
    async with NemoClient(base_url=url, skill_version=__version__, credentials=store) as nemo:
        session = await nemo.create_session("it")
        async with contextlib.aclosing(nemo.chat(session.session_id, "Ciao")) as events:
            async for event in events:
                ...
    ```
    """

    def __init__(
        self,
        *,
        base_url: str,
        skill_version: str,
        skill_platform: str = "telegram",
        credentials: CredentialStore,
        static_token: str | None = None,
        client_id: str | None = None,
        timeouts: NemoTimeouts = NemoTimeouts(),  # noqa: B008 - frozen, safe to share
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._timeouts = timeouts
        self._channel = Channel(
            base_url=base_url,
            attribution={
                "X-Skill-Source": SKILL_SOURCE,
                "X-Skill-Version": skill_version,
                "X-Skill-Platform": skill_platform,
            },
            credentials=credentials,
            static_token=static_token,
            client_id=client_id,
            timeouts=timeouts,
            transport=transport,
        )
        self._last_render_ms = 0

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool; the client cannot be used afterwards."""
        await self._channel.aclose()

    async def anonymous_user_id(self) -> str | None:
        """The anonymous user id (for the register link), None with a configured token."""
        return await self._channel.tokens.user_id()

    async def credits(self) -> Credits:
        """Return the credit balance. Raises TokenExpired or NemoUnavailable."""
        call = Call("GET", "/api/credits/balance/simple", idempotent=True)
        return parsing.credits_from(await self._channel.json(call))

    async def create_session(self, language: str) -> Session:
        """Create an editing session that answers in `language` (it, en or zh).

        Raises OutOfCredits, TokenExpired (configured token) or NemoUnavailable.
        """
        body = {"task_name": "project", "language": language}
        call = Call("POST", "/api/tasks/me/with-session/nemo_agent", json=body)
        return parsing.session_from(await self._channel.json(call))

    async def claim_token(self, session: Session) -> str:
        """Return a claim token for the link that opens the project in the browser.

        Raises SessionNotFound, TokenExpired (configured token) or NemoUnavailable.
        """
        body = {"task_id": session.task_id, "session_id": session.session_id}
        call = Call("POST", "/api/auth/claim-token", json=body)
        return parsing.claim_token_from(await self._channel.json(call))

    async def chat(self, session_id: str, text: str) -> AsyncIterator[AgentEvent]:
        """Send one message to the agent and yield its events, heartbeats included.

        The message goes out when iteration starts, and never twice: once the server
        accepted it, a broken stream raises StreamDropped (read the state to see what
        happened). Raises SessionNotFound, OutOfCredits, NemoUnavailable, TurnFailed,
        TurnTimedOut.
        Close the iterator (contextlib.aclosing) if you stop early.
        """
        body = {
            "app_name": "nemo_agent",
            "user_id": "me",
            "session_id": session_id,
            "new_message": {"parts": [{"text": text}]},
        }
        t = self._timeouts
        call = Call(
            "POST",
            "/run_sse",
            json=body,
            headers={"Accept": "text/event-stream"},
            stream=True,
            by_status={404: SessionNotFound},
            # The turn's own limits rule the stream once accepted; until then, `answer_within`.
            timeout=httpx.Timeout(connect=t.connect, read=None, write=t.read, pool=t.connect),
            answer_within=t.read,
        )
        reply = await self._channel.send(call)
        if reply.response is None:
            events = events_of(events_from_payload(reply.data))
        else:
            events = iter_events(reply.response)
        turn_events = guard_turn(events, total=t.turn_total, idle=t.turn_idle)
        try:
            async with contextlib.aclosing(turn_events) as turn:
                async for event in turn:
                    yield event
        finally:
            if reply.response is not None:
                await reply.response.aclose()

    async def upload_files(self, session_id: str, sources: Sequence[UploadSource]) -> UploadResult:
        """Upload files into the session, streamed from their sources (never held whole).

        Raises UnsupportedFile, FileTooLarge, SessionNotFound, OutOfCredits or
        NemoUnavailable; ValueError if a source yields a size other than declared.
        """
        if not sources:
            raise ValueError("upload_files needs at least one source")
        body = StreamingMultipart("files", sources)
        t = self._timeouts
        call = Call(
            "POST",
            f"/api/upload-video/nemo_agent/me/{_segment(session_id)}",
            body=body,
            timeout=httpx.Timeout(t.upload_read, connect=t.connect),
        )
        return parsing.upload_result_from(await self._channel.json(call))

    async def upload_urls(self, session_id: str, urls: Sequence[str]) -> UploadResult:
        """Ask the service to fetch media from links into the session.

        Raises UnsupportedFile, FileTooLarge, SessionNotFound or NemoUnavailable.
        """
        body = {"urls": list(urls), "source_type": "url"}
        t = self._timeouts
        call = Call(
            "POST",
            f"/api/upload-video/nemo_agent/me/{_segment(session_id)}",
            json=body,
            timeout=httpx.Timeout(t.upload_read, connect=t.connect),
        )
        return parsing.upload_result_from(await self._channel.json(call))

    async def state(self, session_id: str) -> SessionState:
        """Return the session's latest state (its draft).

        Raises SessionNotFound or NemoUnavailable.
        """
        call = Call(
            "GET", f"/api/state/nemo_agent/me/{_segment(session_id)}/latest", idempotent=True
        )
        return parsing.state_from(session_id, await self._channel.json(call))

    async def submit_render(self, session_id: str, draft: dict[str, Any]) -> str:
        """Start exporting `draft` as an MP4 and return the new render id.

        A failed submission is tried once more under a new id. Raises
        ExportNotAllowed, SessionNotFound, NemoAPIError or NemoUnavailable.
        """
        try:
            return await self._submit_render_once(session_id, draft)
        except (NemoUnavailable, NemoAPIError) as exc:
            if type(exc) not in (NemoUnavailable, NemoAPIError):
                raise  # a specific answer (402, 1002, ...) will not change on a retry
            logger.warning("render submission failed (%s); retrying once under a new id", exc)
            return await self._submit_render_once(session_id, draft)

    async def render_status(self, render_id: str) -> RenderStatus:
        """Poll a render once. Raises NemoAPIError (unknown id) or NemoUnavailable."""
        call = Call("GET", f"/api/render/proxy/lambda/{_segment(render_id)}", idempotent=True)
        return parsing.render_status_from(render_id, await self._channel.json(call))

    async def wait_for_render(
        self,
        render_id: str,
        on_progress: Callable[[RenderStatus], Awaitable[None]] | None = None,
    ) -> RenderStatus:
        """Poll until the render completes, calling `on_progress` whenever its status changes.

        Failed polls are retried on the same id. Raises RenderFailed, or NemoUnavailable
        after too many failed polls in a row or past the overall render limit.
        """
        t = self._timeouts
        loop = asyncio.get_running_loop()
        deadline = loop.time() + t.render_total
        schedule = PollSchedule(
            first=t.render_poll_first, growth=t.render_poll_growth, maximum=t.render_poll_max
        )
        failures, last = 0, None
        while True:
            status = await self._poll_tolerantly(render_id, failures)
            if status is None:
                failures += 1
            else:
                failures = 0
                if status != last and on_progress is not None:
                    await on_progress(status)
                last = status
                if status.phase is RenderPhase.COMPLETED:
                    return status
                if status.phase is RenderPhase.FAILED:
                    raise RenderFailed(render_id, status.error)
            delay = schedule.next_delay(status, loop.time())
            if loop.time() + delay > deadline:
                raise NemoUnavailable(f"render {render_id} unfinished after {t.render_total:g} s")
            await asyncio.sleep(delay)

    async def download(
        self,
        url: str | None,
        render_id: str,
        destination: Path,
        *,
        max_bytes: int | None = None,
    ) -> int:
        """Stream a rendered video to `destination` and return its size in bytes.

        Without a URL the render proxy serves the file. Our headers go only to the
        NemoVideo host, never to a CDN. With `max_bytes`, a video that proves bigger (by
        its Content-Length, or by the bytes counted when none is announced) is not kept:
        the size returned is over `max_bytes` and no file is left, so the caller can
        send the link without first fetching what it cannot send. The whole download,
        retries included, gets `download_total` seconds. Raises NemoAPIError or
        NemoUnavailable.
        """
        target = url or f"/api/render/proxy/{_segment(render_id)}/download"
        failures = 0
        try:
            async with asyncio.timeout(self._timeouts.download_total):
                while True:
                    try:
                        return await self._download_once(target, destination, max_bytes)
                    except NemoUnavailable as exc:
                        failures += 1
                        if failures > self._timeouts.read_retries:
                            raise
                        logger.warning("download of %s failed (%s); retrying", render_id, exc)
                        await asyncio.sleep(self._channel.backoff(failures - 1))
        except TimeoutError as exc:
            await asyncio.to_thread(destination.unlink, missing_ok=True)
            total = self._timeouts.download_total
            raise NemoUnavailable(f"download of {render_id} took over {total:.0f} s") from exc
        except NemoError:
            await asyncio.to_thread(destination.unlink, missing_ok=True)
            raise

    async def _submit_render_once(self, session_id: str, draft: dict[str, Any]) -> str:
        render_id = self._new_render_id()
        body = {
            "id": render_id,
            "sessionId": session_id,
            "draft": draft,
            "output": {"format": "mp4", "quality": "high"},
        }
        await self._channel.json(Call("POST", "/api/render/proxy/lambda", json=body))
        return render_id

    def _new_render_id(self) -> str:
        """`render_<unix ms>`, strictly increasing so two exports in one ms differ."""
        self._last_render_ms = max(time.time_ns() // 1_000_000, self._last_render_ms + 1)
        return f"render_{self._last_render_ms}"

    async def _poll_tolerantly(self, render_id: str, failures: int) -> RenderStatus | None:
        """One poll; None if it failed and more failures are still tolerated."""
        try:
            return await self.render_status(render_id)
        except NemoUnavailable as exc:
            if failures + 1 >= self._timeouts.render_poll_failures:
                raise
            logger.warning("render poll of %s failed (%s); will poll again", render_id, exc)
            return None

    async def _download_once(self, target: str, destination: Path, max_bytes: int | None) -> int:
        for _ in range(_MAX_REDIRECTS + 1):
            foreign = not self._channel.is_nemo_host(target)
            call = Call(
                "GET", target, bearer=not foreign, foreign=foreign, stream=True, redirects=True
            )
            reply = await self._channel.send(call)
            response = reply.response
            if response is None:
                raise NemoAPIError("expected a video, got a JSON answer", code=None, status=200)
            try:
                if not response.is_redirect:
                    return await _save(response, destination, max_bytes)
                target = str(response.url.join(response.headers.get("location", "")))
            finally:
                await response.aclose()
        raise NemoAPIError("the download redirected too many times", code=None, status=302)


async def _save(response: httpx.Response, destination: Path, max_bytes: int | None) -> int:
    """Write a response body to disk as it arrives; returns the bytes written.

    Past `max_bytes` it stops and removes the file, returning the size announced or
    counted, which is then over `max_bytes`.
    """
    announced = response.headers.get("content-length", "")
    if max_bytes is not None and announced.isdigit() and int(announced) > max_bytes:
        return int(announced)
    written = 0
    handle = await asyncio.to_thread(destination.open, "wb")
    try:
        async for chunk in response.aiter_bytes(_DOWNLOAD_CHUNK):
            await asyncio.to_thread(handle.write, chunk)
            written += len(chunk)
            if max_bytes is not None and written > max_bytes:
                break
    except httpx.HTTPError as exc:
        raise NemoUnavailable(f"download broke after {written} bytes: {describe(exc)}") from exc
    finally:
        await asyncio.to_thread(handle.close)
    if max_bytes is not None and written > max_bytes:
        await asyncio.to_thread(destination.unlink)
    return written


def _segment(value: str) -> str:
    return quote(value, safe="")
