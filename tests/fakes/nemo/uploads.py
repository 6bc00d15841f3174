"""Uploads, as files streamed in a multipart body or as URLs the service fetches."""

import uuid
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlparse

from python_multipart.multipart import parse_options_header
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from tests.fakes.nemo.contract import SUPPORTED_EXTENSIONS, extension
from tests.fakes.nemo.multipart import PartCounter
from tests.fakes.nemo.records import RecordedRequest
from tests.fakes.nemo.state import NemoState
from tests.fakes.nemo.wire import bad_request, drain, error, json_body, ok


async def upload(
    state: NemoState, request: Request, record: RecordedRequest, user: str | None
) -> Response:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        outcome = await _receive_files(state, request, record)
    elif content_type.startswith("application/json"):
        outcome = await _receive_urls(state, request, record)
    else:
        await drain(request, record)
        outcome = bad_request(state, f"upload: unexpected content type {content_type!r}")
    if isinstance(outcome, Response):
        return outcome
    session = state.session(request.path_params["sid"])
    if session is None:
        return error(200, 1002, "Session not found")
    session.uploads.extend(outcome)
    return ok({"files": outcome, "session_state_applied": True})


async def _receive_files(
    state: NemoState, request: Request, record: RecordedRequest
) -> list[dict[str, Any]] | Response:
    _, params = parse_options_header(request.headers.get("content-type"))
    counter = PartCounter(params.get(b"boundary", b""))
    try:
        async for chunk in request.stream():
            counter.feed(chunk)
    except ClientDisconnect:
        return Response(status_code=499)  # the client gave up; nobody reads this
    except Exception as exc:
        return bad_request(state, f"upload: malformed multipart body ({exc})")
    record.files = counter.parts
    if not counter.ended or not counter.parts:
        return bad_request(state, "upload: multipart body without parts or closing boundary")
    if any(part.field != "files" for part in counter.parts):
        return bad_request(state, "upload: multipart field must be 'files'")
    for part in counter.parts:
        if extension(part.filename) not in SUPPORTED_EXTENSIONS:
            return error(200, 4001, f"Unsupported file type: {part.filename}")
        if part.size > state.max_upload_bytes:
            return error(200, 4002, f"File too large: {part.filename}")
    return [_file_entry(part.filename, state.url) for part in counter.parts]


async def _receive_urls(
    state: NemoState, request: Request, record: RecordedRequest
) -> list[dict[str, Any]] | Response:
    body = record.json = await json_body(request)
    urls = body.get("urls") if isinstance(body, dict) else None
    if (
        not isinstance(urls, list)
        or not urls
        or not all(isinstance(u, str) for u in urls)
        or body.get("source_type") != "url"
        or set(body) != {"urls", "source_type"}
    ):
        return bad_request(state, 'upload: JSON body must be {"urls": [...], "source_type"}')
    for url in urls:
        if extension(urlparse(url).path) not in SUPPORTED_EXTENSIONS:
            return error(200, 4001, f"Unsupported file type: {url}")
    return [_file_entry(PurePosixPath(urlparse(u).path).name, state.url) for u in urls]


def _file_entry(filename: str, root: str) -> dict[str, Any]:
    suffix = extension(filename)
    kind = "image" if suffix in {"jpg", "png", "gif", "webp"} else "video"
    if suffix in {"mp3", "wav", "m4a", "aac"}:
        kind = "audio"
    return {
        "filename": filename,
        "file_type": kind,
        "cdn_url": f"{root}/cdn/uploads/{uuid.uuid4().hex}.{suffix}",
        "width": 1080 if kind != "audio" else 0,
        "height": 1350 if kind != "audio" else 0,
        "duration": 0 if kind == "image" else 5,
    }
