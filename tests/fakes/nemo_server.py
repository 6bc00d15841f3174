"""A loopback NemoVideo that checks what the real service checks.

`NemoFake` serves the contract of shared/docs/nemovideo-api.md with Starlette and
uvicorn on 127.0.0.1 (a free port), in a thread with its own event loop, so sync
tests, async tests, a bot process and the benchmarks can all point at `nemo.url`:

    with NemoFake() as nemo:
        nemo.script_turn(text("Ciao!"), heartbeats(3, form="comment"), add_video_track())
        ...  # drive a client at nemo.url
        assert nemo.count("POST", "/run_sse") == 1

It records every request (`nemo.requests`) and every breach of the contract
(`nemo.violations`: a missing attribution header, a wrong body shape, an unknown
path); the `nemo` fixture fails a test whose client broke the contract. Uploads
are parsed as they stream in, counted and hashed, never stored.
"""

import asyncio
import hashlib
import json
import secrets
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any, Literal, Protocol, Self
from urllib.parse import urlparse

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.fakes.server_thread import ServerThread, quiet_uvicorn_errors

SAMPLE_MP4 = Path(__file__).parent / "assets" / "sample.mp4"
# The contract's list, strictly: ".jpeg" or ".heic" names are refused as the service would.
SUPPORTED_EXTENSIONS = frozenset(
    {"mp4", "mov", "avi", "webm", "mkv", "jpg", "png", "gif", "webp", "mp3", "wav", "m4a", "aac"}
)
ATTRIBUTION = ("x-skill-source", "x-skill-version", "x-skill-platform")
LANGUAGES = frozenset({"it", "en", "zh"})
DEFAULT_REPLY = "Ecco fatto: ho messo le tue foto in un video di 5 secondi."
_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
_CHUNK = 1024 * 1024


# --- what the fake records -------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedPart:
    """One multipart part as it streamed past: counted and hashed, not kept."""

    field: str
    filename: str
    content_type: str
    size: int
    sha256: str


@dataclass
class RecordedRequest:
    """A request as the fake saw it (headers with lower-case names)."""

    method: str
    path: str
    host: str
    headers: dict[str, str]
    time: float  # time.monotonic() on arrival
    json: Any = None
    files: list[UploadedPart] = field(default_factory=list)


@dataclass
class FakeSession:
    """A session's timeline and what was sent to it."""

    session_id: str
    task_id: str
    user_id: str
    language: str
    draft: dict[str, Any] = field(default_factory=lambda: {"t": [], "d": 0})
    uploads: list[dict[str, Any]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


@dataclass
class FakeRender:
    """A render job; `failure` set means it ends failed with that reason."""

    render_id: str
    session_id: str
    submitted_at: float
    seconds: float
    failure: str | None
    with_url: bool
    finished: bool = False


@dataclass
class _Injection:
    method: str
    path_prefix: str
    delay: float
    status: int | None  # None: only delay, then answer normally
    code: int | None
    message: str
    retry_after: float | None
    times: int


# --- turn scripts ----------------------------------------------------------------------------


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


def default_turn() -> tuple[Step, ...]:
    """What an unscripted turn does: generate a video, then say so in Italian."""
    return (
        tool_call("generate_video", {"style": "slideshow"}),
        heartbeats(2),
        add_video_track(),
        tool_result("generate_video", {"status": "ok"}),
        text(DEFAULT_REPLY),
    )


# --- multipart, streamed ---------------------------------------------------------------------


class _PartCounter:
    """Parses a multipart body chunk by chunk, keeping only sizes and hashes."""

    def __init__(self, boundary: bytes) -> None:
        self.parts: list[UploadedPart] = []
        self.ended = False
        self._headers: dict[str, bytes] = {}
        self._name = self._value = b""
        self._size = 0
        self._hash = hashlib.sha256()
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._begin,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value,
                "on_header_end": self._header_end,
                "on_part_data": self._data,
                "on_part_end": self._end,
                "on_end": self._finished,
            },
        )

    def feed(self, chunk: bytes) -> None:
        self._parser.write(chunk)

    def _begin(self) -> None:
        self._headers, self._size, self._hash = {}, 0, hashlib.sha256()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._name += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._name.decode("latin-1").lower()] = self._value
        self._name = self._value = b""

    def _data(self, data: bytes, start: int, end: int) -> None:
        self._size += end - start
        self._hash.update(memoryview(data)[start:end])

    def _end(self) -> None:
        _, params = parse_options_header(self._headers.get("content-disposition", b""))
        part = UploadedPart(
            field=params.get(b"name", b"").decode(),
            filename=params.get(b"filename", b"").decode(),
            content_type=self._headers.get("content-type", b"").decode(),
            size=self._size,
            sha256=self._hash.hexdigest(),
        )
        self.parts.append(part)

    def _finished(self) -> None:
        self.ended = True


# --- the fake --------------------------------------------------------------------------------


class NemoFake:
    """The fake NemoVideo service; a context manager that starts and stops the server."""

    def __init__(
        self,
        *,
        max_upload_bytes: int = 200 * 1024 * 1024,
        initial_credits: float = 100,
        turn_cost: float = 10,
        render_seconds: float = 1.5,
    ) -> None:
        self.max_upload_bytes = max_upload_bytes
        self.initial_credits = initial_credits
        self.turn_cost = turn_cost
        self.render_seconds = render_seconds
        self.render_shape: Literal["gateway", "flat"] = "gateway"
        self.render_without_url = False
        self.video_size_override: int | None = None
        self.cdn_host = "127.0.0.1"  # "localhost" makes the CDN a foreign host
        self.requests: list[RecordedRequest] = []
        self.violations: list[str] = []
        self.sessions: dict[str, FakeSession] = {}
        self.renders: dict[str, FakeRender] = {}
        self.mark_completed_at: dict[str, float] = {}
        self.credits: dict[str, float] = {}
        self.tokens_issued = 0
        self._tokens: dict[str, str] = {}  # token -> user id
        self._expired: set[str] = set()
        self._client_tokens: dict[str, str] = {}
        self._client_users: dict[str, str] = {}
        self._forgotten: set[str] = set()
        self._render_ids: set[str] = set()
        self._failing_renders: list[str] = []
        self._turns: list[tuple[Step, ...]] = []
        self._injections: list[_Injection] = []
        self._lock = threading.Lock()
        self._server = ServerThread(self._app(), name="nemo-fake")

    # lifecycle

    def __enter__(self) -> Self:
        self._server.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.stop()

    @property
    def url(self) -> str:
        """The API root, e.g. http://127.0.0.1:41234."""
        return self._server.url

    # what tests call

    def script_turn(self, *steps: Step) -> None:
        """Queue the turn the next /run_sse plays; no steps is a silent turn."""
        with self._lock:
            self._turns.append(steps)

    def fail_next(
        self,
        method: str,
        path_prefix: str,
        *,
        status: int | None = None,
        code: int | None = None,
        message: str = "",
        retry_after: float | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` matching requests with an error instead.

        The status defaults to 200 when a `code` is given (an error envelope), else 500.
        """
        status = status if status is not None else (200 if code is not None else 500)
        injection = _Injection(method, path_prefix, 0.0, status, code, message, retry_after, times)
        with self._lock:
            self._injections.append(injection)

    def delay_next(self, method: str, path_prefix: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next `times` matching requests normally, but `seconds` late."""
        with self._lock:
            self._injections.append(
                _Injection(method, path_prefix, seconds, None, None, "", None, times)
            )

    def fail_next_render(self, reason: str = "encoder crashed") -> None:
        """Make the next submitted render end with status failed."""
        with self._lock:
            self._failing_renders.append(reason)

    def expire_tokens(self) -> None:
        """Make every token issued so far answer code 1001 (a new one is issued on request)."""
        with self._lock:
            self._expired.update(self._tokens)
            self._client_tokens.clear()

    def add_token(self, token: str | None = None, *, user_id: str = "user_registered") -> str:
        """Register a token as an operator's NEMO_TOKEN would be; returns it."""
        token = token or f"nmv_usr_{secrets.token_hex(12)}"
        with self._lock:
            self._tokens[token] = user_id
            self.credits.setdefault(user_id, self.initial_credits)
        return token

    def forget_session(self, session_id: str) -> None:
        """Make a session unknown, as if it had expired on the service."""
        self._forgotten.add(session_id)

    def requests_to(self, method: str, path_prefix: str) -> list[RecordedRequest]:
        """The recorded requests with this method whose path starts with `path_prefix`."""
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    def count(self, method: str, path_prefix: str) -> int:
        """How many requests matched `requests_to`."""
        return len(self.requests_to(method, path_prefix))

    # the ASGI application

    def _app(self) -> Starlette:
        routes = [
            self._route("POST", "/api/auth/anonymous-token", self._anonymous_token, bearer=False),
            self._route("POST", "/api/tasks/me/with-session/nemo_agent", self._create_session),
            self._route("POST", "/api/auth/claim-token", self._claim_token),
            self._route("POST", "/run_sse", self._run_sse),
            self._route("POST", "/api/upload-video/nemo_agent/me/{sid}", self._upload),
            self._route("GET", "/api/credits/balance/simple", self._credits),
            self._route("GET", "/api/state/nemo_agent/me/{sid}/latest", self._state),
            self._route("POST", "/api/render/proxy/lambda", self._submit_render),
            self._route("GET", "/api/render/proxy/lambda/{rid}", self._render_status),
            self._route("GET", "/api/render/proxy/{rid}/download", self._proxy_download),
            self._route("GET", "/cdn/{name}", self._cdn, bearer=False),
            Route("/{path:path}", self._unknown, methods=_ALL_METHODS),
        ]
        return Starlette(routes=routes)

    def _route(
        self,
        method: str,
        path: str,
        handler: Callable[[Request, RecordedRequest, str | None], Awaitable[Response]],
        *,
        bearer: bool = True,
    ) -> Route:
        async def endpoint(request: Request) -> Response:
            record = self._record(request)
            self._check_headers(request, bearer=bearer)
            injection = self._take_injection(request)
            if injection is not None:
                await asyncio.sleep(injection.delay)
                if injection.status is not None:
                    await _drain(request, record)
                    return _injected(request.url.path, injection)
            user = None
            if bearer:
                user = self._authenticate(request)
                if user is None:
                    await _drain(request, record)
                    return _error(401, 1001, "Invalid or expired token")
            return await handler(request, record, user)

        return Route(path, endpoint, methods=[method])

    def _record(self, request: Request) -> RecordedRequest:
        record = RecordedRequest(
            method=request.method,
            path=request.url.path,
            host=request.headers.get("host", ""),
            headers={k.lower(): v for k, v in request.headers.items()},
            time=time.monotonic(),
        )
        self.requests.append(record)
        return record

    def _violation(self, message: str) -> None:
        self.violations.append(message)

    def _check_headers(self, request: Request, *, bearer: bool) -> None:
        path, headers = request.url.path, request.headers
        if path.startswith("/cdn/"):
            if headers.get("host") != f"127.0.0.1:{self._server.port}":
                leaked = [h for h in ("authorization", *ATTRIBUTION) if h in headers]
                if leaked:
                    self._violation(f"GET {path}: sent {leaked} to a foreign CDN host")
            return
        missing = [h for h in ATTRIBUTION if not headers.get(h)]
        if missing and path != "/api/render/proxy/lambda":  # there: HTTP 402, like the service
            self._violation(f"{request.method} {path}: missing {missing}")
        if headers.get("x-skill-source", "italiano-photo-video-maker") != (
            "italiano-photo-video-maker"
        ):
            self._violation(f"{path}: X-Skill-Source is {headers.get('x-skill-source')!r}")
        if not bearer and "authorization" in headers:
            self._violation(f"{path}: sent a Bearer token where none belongs")
        if bearer and "x-client-id" in headers:
            self._violation(f"{path}: sent X-Client-Id outside the anonymous-token call")
        if path == "/run_sse" and "text/event-stream" not in headers.get("accept", ""):
            self._violation("/run_sse: no Accept: text/event-stream")

    def _take_injection(self, request: Request) -> _Injection | None:
        with self._lock:
            for injection in self._injections:
                if injection.method == request.method and request.url.path.startswith(
                    injection.path_prefix
                ):
                    injection.times -= 1
                    if injection.times <= 0:
                        self._injections.remove(injection)
                    return injection
        return None

    def _authenticate(self, request: Request) -> str | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme != "Bearer" or token in self._expired:
            return None
        return self._tokens.get(token)

    def _bad_request(self, what: str) -> Response:
        self._violation(what)
        return _error(400, 400, what)

    # handlers

    async def _anonymous_token(
        self, request: Request, record: RecordedRequest, user: str | None
    ) -> Response:
        client_id = request.headers.get("x-client-id", "")
        if not client_id or len(client_id) > 64:
            return _error(400, 400, "X-Client-Id header is required (at most 64 characters)")
        with self._lock:
            token = self._client_tokens.get(client_id)
            if token is None:
                token = f"nmv_usr_{secrets.token_hex(16)}"
                user_id = self._client_users.setdefault(client_id, f"anon_{secrets.token_hex(8)}")
                self._tokens[token] = user_id
                self._client_tokens[client_id] = token
                self.credits.setdefault(user_id, self.initial_credits)
                self.tokens_issued += 1
        user_id = self._tokens[token]
        expires = (datetime.now(UTC) + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
        data = {
            "token": token,
            "user_id": user_id,
            "expires_at": expires,
            "credits": self.credits[user_id],
        }
        return _ok(data)

    async def _create_session(
        self, request: Request, record: RecordedRequest, user: str | None
    ) -> Response:
        body = record.json = await _json_body(request)
        if not isinstance(body, dict) or not isinstance(body.get("task_name"), str):
            return self._bad_request("session: body needs a task_name")
        if body.get("language") not in LANGUAGES:
            return self._bad_request(f"session: language {body.get('language')!r} not it/en/zh")
        session = FakeSession(
            session_id=str(secrets.randbelow(9 * 10**18) + 10**18),
            task_id=uuid.uuid4().hex,
            user_id=user or "",
            language=body["language"],
        )
        self.sessions[session.session_id] = session
        return _ok({"task_id": session.task_id, "session_id": session.session_id, "user_id": user})

    async def _claim_token(
        self, request: Request, record: RecordedRequest, user: str | None
    ) -> Response:
        body = record.json = await _json_body(request)
        if not isinstance(body, dict) or set(body) != {"task_id", "session_id"}:
            return self._bad_request("claim-token: body must be {task_id, session_id}")
        session = self._session(body["session_id"])
        if session is None or session.task_id != body["task_id"]:
            return _error(200, 1002, "Session not found")
        return _ok({"claim_token": f"clm_{secrets.token_hex(12)}", "expires_in": 604800})

    async def _run_sse(
        self, request: Request, record: RecordedRequest, user: str | None
    ) -> Response:
        body = record.json = await _json_body(request)
        problem = _run_sse_problem(body)
        if problem:
            return self._bad_request(f"/run_sse: {problem}")
        session = self._session(body["session_id"])
        if session is None:
            return _error(404, 1002, "Session not found")
        user_id = user or ""
        if self.credits.get(user_id, 0) < self.turn_cost:
            return _error(200, 2001, "Insufficient credits")
        self.credits[user_id] -= self.turn_cost
        session.messages.append(body["new_message"]["parts"][0]["text"])
        with self._lock:
            steps = self._turns.pop(0) if self._turns else default_turn()
        return StreamingResponse(_play(steps, session), media_type="text/event-stream")

    async def _upload(
        self, request: Request, record: RecordedRequest, user: str | None
    ) -> Response:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):
            outcome = await self._receive_files(request, record)
        elif content_type.startswith("application/json"):
            outcome = await self._receive_urls(request, record)
        else:
            await _drain(request, record)
            outcome = self._bad_request(f"upload: unexpected content type {content_type!r}")
        if isinstance(outcome, Response):
            return outcome
        session = self._session(request.path_params["sid"])
        if session is None:
            return _error(200, 1002, "Session not found")
        session.uploads.extend(outcome)
        return _ok({"files": outcome, "session_state_applied": True})

    async def _receive_files(
        self, request: Request, record: RecordedRequest
    ) -> list[dict[str, Any]] | Response:
        _, params = parse_options_header(request.headers.get("content-type"))
        counter = _PartCounter(params.get(b"boundary", b""))
        try:
            async for chunk in request.stream():
                counter.feed(chunk)
        except ClientDisconnect:
            return Response(status_code=499)  # the client gave up; nobody reads this
        except Exception as exc:
            return self._bad_request(f"upload: malformed multipart body ({exc})")
        record.files = counter.parts
        if not counter.ended or not counter.parts:
            return self._bad_request("upload: multipart body without parts or closing boundary")
        if any(part.field != "files" for part in counter.parts):
            return self._bad_request("upload: multipart field must be 'files'")
        for part in counter.parts:
            if _extension(part.filename) not in SUPPORTED_EXTENSIONS:
                return _error(200, 4001, f"Unsupported file type: {part.filename}")
            if part.size > self.max_upload_bytes:
                return _error(200, 4002, f"File too large: {part.filename}")
        return [_file_entry(part.filename, self.url) for part in counter.parts]

    async def _receive_urls(
        self, request: Request, record: RecordedRequest
    ) -> list[dict[str, Any]] | Response:
        body = record.json = await _json_body(request)
        urls = body.get("urls") if isinstance(body, dict) else None
        if (
            not isinstance(urls, list)
            or not urls
            or not all(isinstance(u, str) for u in urls)
            or body.get("source_type") != "url"
            or set(body) != {"urls", "source_type"}
        ):
            return self._bad_request('upload: JSON body must be {"urls": [...], "source_type"}')
        for url in urls:
            if _extension(urlparse(url).path) not in SUPPORTED_EXTENSIONS:
                return _error(200, 4001, f"Unsupported file type: {url}")
        return [_file_entry(PurePosixPath(urlparse(u).path).name, self.url) for u in urls]

    async def _credits(
        self, request: Request, record: RecordedRequest, user: str | None
    ) -> Response:
        available = self.credits.get(user or "", 0)
        return _ok({"available": available, "frozen": 0, "total": self.initial_credits})

    async def _state(
        self, request: Request, record: RecordedRequest, user: str | None
    ) -> Response:
        session = self._session(request.path_params["sid"])
        if session is None:
            return _error(200, 1002, "Session not found")
        state = {
            "draft": session.draft,
            "video_infos": [],
            "canvas_config": {},
            "generated_media": [],
        }
        return _ok({"session_id": session.session_id, "task_id": session.task_id, "state": state})

    async def _submit_render(
        self, request: Request, record: RecordedRequest, user: str | None
    ) -> Response:
        body = record.json = await _json_body(request)
        if any(not request.headers.get(h) for h in ATTRIBUTION):
            return JSONResponse({"success": False, "error": "Export not allowed"}, 402)
        problem = _render_problem(body, self._render_ids)
        if problem:
            self._violation(f"render: {problem}")
            return JSONResponse({"success": False, "error": problem}, 400)
        self._render_ids.add(body["id"])
        session = self._session(body["sessionId"])
        if session is None:
            return JSONResponse({"success": False, "error": "Session not found", "code": 1002})
        if not any(track.get("sg") for track in body["draft"].get("t") or []):
            return JSONResponse({"success": False, "error": "Nothing to render"}, 400)
        self._start_render(body["id"], session.session_id)
        return JSONResponse({"success": True, "data": {"id": body["id"], "status": "pending"}})

    def _start_render(self, render_id: str, session_id: str) -> None:
        with self._lock:
            failure = self._failing_renders.pop(0) if self._failing_renders else None
        render = FakeRender(
            render_id=render_id,
            session_id=session_id,
            submitted_at=time.monotonic(),
            seconds=self.render_seconds,
            failure=failure,
            with_url=not self.render_without_url,
        )
        self.renders[render_id] = render

        def finish() -> None:
            render.finished = True
            if failure is None:
                self.mark_completed_at[render_id] = time.monotonic()

        asyncio.get_running_loop().call_later(render.seconds, finish)

    async def _render_status(
        self, request: Request, record: RecordedRequest, user: str | None
    ) -> Response:
        render = self.renders.get(request.path_params["rid"])
        if render is None:
            return JSONResponse({"success": False, "error": "Render not found"}, 404)
        status = self._render_view(render)
        if self.render_shape == "flat":
            return JSONResponse(status)
        return JSONResponse({"success": True, "data": status})

    def _render_view(self, render: FakeRender) -> dict[str, Any]:
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
        url = f"http://{self.cdn_host}:{self._server.port}/cdn/{render.render_id}.mp4"
        if self.render_shape == "flat":
            output = {"duration": 1.5, "size": self._video_size()}
            return view | {"output": output | ({"url": url} if render.with_url else {})}
        return view | ({"outputUrl": url} if render.with_url else {})

    async def _proxy_download(
        self, request: Request, record: RecordedRequest, user: str | None
    ) -> Response:
        render = self.renders.get(request.path_params["rid"])
        if render is None or not render.finished or render.failure:
            return JSONResponse({"success": False, "error": "Render not ready"}, 404)
        return self._video_response()

    async def _cdn(self, request: Request, record: RecordedRequest, user: str | None) -> Response:
        render = self.renders.get(request.path_params["name"].removesuffix(".mp4"))
        if render is None or not render.finished or render.failure:
            return Response("Not Found", 404, media_type="text/plain")
        return self._video_response()

    async def _unknown(self, request: Request) -> Response:
        self._record(request)
        self._violation(f"unknown endpoint {request.method} {request.url.path}")
        return _error(404, 404, "Not Found")

    # helpers

    def _session(self, session_id: Any) -> FakeSession | None:
        if session_id in self._forgotten:
            return None
        return self.sessions.get(session_id) if isinstance(session_id, str) else None

    def _video_size(self) -> int:
        return max(self.video_size_override or 0, SAMPLE_MP4.stat().st_size)

    def _video_response(self) -> Response:
        size = self._video_size()
        return StreamingResponse(
            _video_bytes(size),
            media_type="video/mp4",
            headers={"content-length": str(size)},
        )


# --- module helpers --------------------------------------------------------------------------


async def _play(steps: tuple[Step, ...], session: FakeSession) -> AsyncIterator[bytes]:
    for step in steps:
        async for chunk in step.frames(session):
            yield chunk


async def _video_bytes(size: int) -> AsyncIterator[bytes]:
    """The sample MP4, padded with zeros up to `size` (for "too big to send" tests)."""
    sample = SAMPLE_MP4.read_bytes()
    yield sample
    left = size - len(sample)
    while left > 0:
        yield bytes(min(left, _CHUNK))
        left -= _CHUNK


async def _drain(request: Request, record: RecordedRequest) -> None:
    """Read a body the answer does not need, keeping it in the record when it is JSON."""
    if "json" in request.headers.get("content-type", ""):
        record.json = await _json_body(request)
        return
    async for _ in request.stream():
        pass


async def _json_body(request: Request) -> Any:
    body = await request.body()
    try:
        return json.loads(body)
    except ValueError:
        return None


def _run_sse_problem(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "body is not a JSON object"
    if set(body) != {"app_name", "user_id", "session_id", "new_message"}:
        return f"body keys are {sorted(body)}"
    if body["app_name"] != "nemo_agent" or body["user_id"] != "me":
        return "app_name must be nemo_agent and user_id must be me"
    parts = body["new_message"].get("parts") if isinstance(body["new_message"], dict) else None
    if not isinstance(parts, list) or not parts or not isinstance(parts[0], dict):
        return "new_message.parts[0] is missing"
    if not isinstance(parts[0].get("text"), str) or not isinstance(body["session_id"], str):
        return "new_message.parts[0].text and session_id must be strings"
    return None


def _render_problem(body: Any, used_ids: set[str]) -> str | None:
    if not isinstance(body, dict):
        return "body is not a JSON object"
    if "session_id" in body:
        return "session_id must be spelled sessionId"
    render_id = body.get("id")
    if not isinstance(render_id, str) or not render_id.startswith("render_"):
        return f"id {render_id!r} must start with render_"
    if render_id in used_ids:
        return f"id {render_id} was used before"
    if not isinstance(body.get("sessionId"), str) or not isinstance(body.get("draft"), dict):
        return "sessionId and draft are required"
    output = body.get("output")
    if not isinstance(output, dict) or output.get("format") != "mp4":
        return "output.format must be mp4"
    if not isinstance(output.get("quality"), str):
        return "output.quality is required"
    return None


def _extension(name: str) -> str:
    return PurePosixPath(name).suffix.lower().removeprefix(".")


def _file_entry(filename: str, root: str) -> dict[str, Any]:
    extension = _extension(filename)
    kind = "image" if extension in {"jpg", "png", "gif", "webp"} else "video"
    if extension in {"mp3", "wav", "m4a", "aac"}:
        kind = "audio"
    return {
        "filename": filename,
        "file_type": kind,
        "cdn_url": f"{root}/cdn/uploads/{uuid.uuid4().hex}.{extension}",
        "width": 1080 if kind != "audio" else 0,
        "height": 1350 if kind != "audio" else 0,
        "duration": 0 if kind == "image" else 5,
    }


def _ok(data: Any) -> Response:
    return JSONResponse({"code": 0, "message": "success", "data": data})


def _error(status: int, code: int, message: str) -> Response:
    return JSONResponse({"code": code, "message": message, "data": None}, status)


def _injected(path: str, injection: _Injection) -> Response:
    headers = {}
    if injection.retry_after is not None:
        headers["retry-after"] = f"{injection.retry_after:g}"
    status = injection.status or 500
    message = injection.message or f"injected HTTP {status}"
    if path.startswith("/api/render/proxy"):
        body: dict[str, Any] = {"success": False, "error": message}
        if injection.code is not None:
            body["code"] = injection.code
    else:
        body = {"code": injection.code if injection.code is not None else status}
        body |= {"message": message, "data": None}
    return JSONResponse(body, status, headers=headers)
