"""Renders: submitting one, polling it as it progresses, and downloading the video."""

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from tests.fakes.nemo.contract import ATTRIBUTION, render_problem
from tests.fakes.nemo.records import FakeRender, RecordedRequest
from tests.fakes.nemo.state import NemoState
from tests.fakes.nemo.wire import json_body

SAMPLE_MP4 = Path(__file__).parents[1] / "assets" / "sample.mp4"
_CHUNK = 1024 * 1024


async def submit_render(
    state: NemoState, request: Request, record: RecordedRequest, user: str | None
) -> Response:
    body = record.json = await json_body(request)
    if any(not request.headers.get(h) for h in ATTRIBUTION):
        return JSONResponse({"success": False, "error": "Export not allowed"}, 402)
    problem = render_problem(body, state.render_ids)
    if problem:
        state.violate(f"render: {problem}")
        return JSONResponse({"success": False, "error": problem}, 400)
    state.render_ids.add(body["id"])
    session = state.session(body["sessionId"])
    if session is None:
        return JSONResponse({"success": False, "error": "Session not found", "code": 1002})
    if not any(track.get("sg") for track in body["draft"].get("t") or []):
        return JSONResponse({"success": False, "error": "Nothing to render"}, 400)
    _start_render(state, body["id"], session.session_id)
    return JSONResponse({"success": True, "data": {"id": body["id"], "status": "pending"}})


def _start_render(state: NemoState, render_id: str, session_id: str) -> None:
    with state.lock:
        failure = state.failing_renders.pop(0) if state.failing_renders else None
    render = FakeRender(
        render_id=render_id,
        session_id=session_id,
        submitted_at=time.monotonic(),
        seconds=state.render_seconds,
        failure=failure,
        with_url=not state.render_without_url,
    )
    state.renders[render_id] = render

    def finish() -> None:
        render.finished = True
        if failure is None:
            state.mark_completed_at[render_id] = time.monotonic()

    asyncio.get_running_loop().call_later(render.seconds, finish)


async def render_status(
    state: NemoState, request: Request, record: RecordedRequest, user: str | None
) -> Response:
    render = state.renders.get(request.path_params["rid"])
    if render is None:
        return JSONResponse({"success": False, "error": "Render not found"}, 404)
    status = _render_view(state, render)
    if state.render_shape == "flat":
        return JSONResponse(status)
    return JSONResponse({"success": True, "data": status})


def _render_view(state: NemoState, render: FakeRender) -> dict[str, Any]:
    """The poll answer, in the shape selected by `render_shape`."""
    elapsed = time.monotonic() - render.submitted_at
    view: dict[str, Any] = {"id": render.render_id}
    if render.finished and render.failure:
        return view | {"status": "failed", "error": render.failure}
    if not render.finished:
        if elapsed < render.seconds * 0.2:
            return view | {"status": "pending"}
        progress = min(99, int(100 * elapsed / render.seconds))
        return view | {"status": "processing", "progress": progress}
    view |= {"status": "completed", "progress": 100}
    url = f"http://{state.cdn_host}:{state.port}/cdn/{render.render_id}.mp4"
    if state.render_shape == "flat":
        output = {"duration": 1.5, "size": _video_size(state)}
        return view | {"output": output | ({"url": url} if render.with_url else {})}
    return view | ({"outputUrl": url} if render.with_url else {})


async def proxy_download(
    state: NemoState, request: Request, record: RecordedRequest, user: str | None
) -> Response:
    render = state.renders.get(request.path_params["rid"])
    if render is None or not render.finished or render.failure:
        return JSONResponse({"success": False, "error": "Render not ready"}, 404)
    return _video_response(state)


async def cdn(
    state: NemoState, request: Request, record: RecordedRequest, user: str | None
) -> Response:
    render = state.renders.get(request.path_params["name"].removesuffix(".mp4"))
    if render is None or not render.finished or render.failure:
        return Response("Not Found", 404, media_type="text/plain")
    return _video_response(state)


def _video_size(state: NemoState) -> int:
    return max(state.video_size_override or 0, SAMPLE_MP4.stat().st_size)


def _video_response(state: NemoState) -> Response:
    size = _video_size(state)
    return StreamingResponse(
        _video_bytes(state, size),
        media_type="video/mp4",
        headers={} if state.video_without_length else {"content-length": str(size)},
    )


async def _video_bytes(state: NemoState, size: int) -> AsyncIterator[bytes]:
    """The sample MP4, padded with zeros up to `size` (for "too big to send" tests)."""
    sample = SAMPLE_MP4.read_bytes()
    state.video_bytes_sent += len(sample)
    yield sample
    left = size - len(sample)
    while left > 0:
        await asyncio.sleep(state.video_chunk_seconds)
        state.video_bytes_sent += min(left, _CHUNK)
        yield bytes(min(left, _CHUNK))
        left -= _CHUNK
