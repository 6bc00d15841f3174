"""The scripting DSL for NemoVideo turns: each step emits SSE bytes and may edit the draft.

    nemo.script_turn(text("Ciao!"), heartbeats(3, form="comment"), add_video_track())

A turn the test did not script plays ``default_turn()``.
"""

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from tests.fakes.nemo.records import FakeSession
from tests.fakes.server_thread import quiet_uvicorn_errors

DEFAULT_REPLY = "Ecco fatto: ho messo le tue foto in un video di 5 secondi."


class Step(Protocol):
    """One piece of a scripted turn: emits SSE bytes and may act on the session."""

    def frames(self, session: FakeSession) -> AsyncIterator[bytes]: ...


class _DroppedOnPurpose(Exception):
    """Raised inside a stream so uvicorn aborts the connection without a clean end."""


quiet_uvicorn_errors(_DroppedOnPurpose)


@dataclass(frozen=True)
class _Frames:
    chunks: tuple[bytes, ...]
    interval: float = 0.0

    async def frames(self, session: FakeSession) -> AsyncIterator[bytes]:
        for index, chunk in enumerate(self.chunks):
            if index and self.interval:
                await asyncio.sleep(self.interval)
            yield chunk


@dataclass(frozen=True)
class _Delay:
    seconds: float

    async def frames(self, session: FakeSession) -> AsyncIterator[bytes]:
        await asyncio.sleep(self.seconds)
        yield b""  # an empty chunk puts nothing on the wire


@dataclass(frozen=True)
class _Drop:
    async def frames(self, session: FakeSession) -> AsyncIterator[bytes]:
        yield b""
        raise _DroppedOnPurpose


@dataclass(frozen=True)
class _DraftChange:
    change: Callable[[dict[str, Any]], None]

    async def frames(self, session: FakeSession) -> AsyncIterator[bytes]:
        self.change(session.draft)
        yield b""


def _frame(payload: Any) -> bytes:
    return f"data: {json.dumps(payload)}\n\n".encode()


def _adk(parts: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "content": {"role": "model", "parts": parts},
        "author": "nemo_agent",
        "invocationId": "e-1",
        "id": uuid.uuid4().hex,
        "timestamp": time.time(),
        **extra,
    }


def text(message: str) -> Step:
    """Agent text as an ADK event."""
    return _Frames((_frame(_adk([{"text": message}])),))


def legacy_text(message: str) -> Step:
    """Agent text in the older `{"type": "text"}` form."""
    return _Frames((_frame({"type": "text", "content": message}),))


def partial_text(message: str) -> Step:
    """A `partial: true` ADK text chunk (the whole event is expected to follow)."""
    return _Frames((_frame(_adk([{"text": message}], partial=True)),))


def tool_call(name: str, args: dict[str, Any] | None = None, *, legacy: bool = False) -> Step:
    """A tool call, as an ADK functionCall part or in the older form."""
    args = args or {}
    if legacy:
        return _Frames((_frame({"type": "tool_call", "name": name, "args": args}),))
    call = {"id": uuid.uuid4().hex, "name": name, "args": args}
    return _Frames((_frame(_adk([{"functionCall": call}])),))


def tool_result(name: str, response: Any = None, *, legacy: bool = False) -> Step:
    """A tool result, as an ADK functionResponse part or in the older form."""
    if legacy:
        return _Frames((_frame({"type": "tool_result", "name": name, "result": response}),))
    reply = {"id": uuid.uuid4().hex, "name": name, "response": response}
    return _Frames((_frame(_adk([{"functionResponse": reply}])),))


HeartbeatForm = Literal["json", "word", "empty", "comment"]


def heartbeats(n: int, *, interval: float = 0.0, form: HeartbeatForm = "json") -> Step:
    """`n` heartbeats `interval` seconds apart, all in one of the four documented forms."""
    chunk = {
        "json": _frame({"type": "heartbeat"}),
        "word": b"data: heartbeat\n\n",
        "empty": b"data:\n\n",
        "comment": b": keep-alive\n\n",
    }[form]
    return _Frames((chunk,) * n, interval)


def error_event(
    message: str, *, code: int | str | None = None, form: Literal["error", "adk"] = "error"
) -> Step:
    """An error event: `{"error": ...}` or ADK `errorCode`/`errorMessage`."""
    if form == "adk":
        payload = _adk([], errorCode=code or "INTERNAL", errorMessage=message)
    else:
        payload = {"error": message, **({"code": code} if code is not None else {})}
    return _Frames((_frame(payload),))


def raw(chunk: str) -> Step:
    """Bytes written to the stream as they are (garbage, odd framing)."""
    return _Frames((chunk.encode(),))


def delay(seconds: float) -> Step:
    """Say nothing for a while."""
    return _Delay(seconds)


def drop() -> Step:
    """Abort the connection here, without the end a clean close would send."""
    return _Drop()


def change_draft(change: Callable[[dict[str, Any]], None]) -> Step:
    """Apply `change` to the session's draft at this point of the turn."""
    return _DraftChange(change)


def add_video_track(name: str = "Foto", duration_ms: int = 5000) -> Step:
    """Add a video track with one segment, which makes the draft exportable."""

    def change(draft: dict[str, Any]) -> None:
        segment = {"d": duration_ms, "m": {"name": name}}
        draft.setdefault("t", []).append({"tt": 0, "sg": [segment], "m": {"name": name}})
        draft["d"] = max(int(draft.get("d") or 0), duration_ms)

    return _DraftChange(change)


@dataclass(frozen=True)
class _SessionChange:
    change: Callable[[FakeSession], None]

    async def frames(self, session: FakeSession) -> AsyncIterator[bytes]:
        self.change(session)
        yield b""


def place_uploads(seconds: Sequence[float], order: Sequence[int] | None = None) -> Step:
    """A video track of the session's pictures and clips, as the agent would cut them.

    ``order`` picks them by their place among the pictures and clips uploaded so far
    (all of them in upload order by default); each is shown for its ``seconds``. Each
    segment names its file the way the service's upload answer did (file name and CDN
    address), back to back from the start.
    """

    def change(session: FakeSession) -> None:
        shown = [item for item in session.uploads if item["file_type"] in {"image", "video"}]
        picked = [shown[index] for index in (order if order is not None else range(len(shown)))]
        if len(picked) != len(seconds):
            raise ValueError(f"{len(picked)} uploads placed, {len(seconds)} lengths given")
        segments, start = [], 0
        for item, length in zip(picked, seconds, strict=True):
            duration = round(length * 1000)
            meta = {"n": item["filename"], "src": item["cdn_url"], "ft": item["file_type"]}
            segments.append({"id": uuid.uuid4().hex[:8], "st": start, "d": duration, "m": meta})
            start += duration
        session.draft.setdefault("t", []).append({"tt": 0, "sg": segments, "d": start})
        session.draft["d"] = max(int(session.draft.get("d") or 0), start)

    return _SessionChange(change)


def add_text(text: str, start_ms: int, duration_ms: int) -> Step:
    """A text track with one caption, shown from ``start_ms`` for ``duration_ms``."""

    def change(draft: dict[str, Any]) -> None:
        segment = {"st": start_ms, "d": duration_ms, "m": {"text": text}}
        draft.setdefault("t", []).append({"tt": 7, "sg": [segment], "d": duration_ms})

    return _DraftChange(change)


def default_turn() -> tuple[Step, ...]:
    """What an unscripted turn does: generate a video, then say so in Italian."""
    return (
        tool_call("generate_video", {"style": "slideshow"}),
        heartbeats(2),
        add_video_track(),
        tool_result("generate_video", {"status": "ok"}),
        text(DEFAULT_REPLY),
    )


async def play(steps: tuple[Step, ...], session: FakeSession) -> AsyncIterator[bytes]:
    """The bytes of a whole turn, step after step."""
    for step in steps:
        async for chunk in step.frames(session):
            yield chunk
