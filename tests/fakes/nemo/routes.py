"""The NemoVideo endpoints, and what every request goes through before its handler.

Each request is recorded and its headers checked; then an injected fault may answer
instead, then the Bearer token must be valid, and only then does the handler run.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.fakes.nemo import renders, sessions, uploads
from tests.fakes.nemo.contract import header_violations
from tests.fakes.nemo.faults import fault_answer, take_fault
from tests.fakes.nemo.records import RecordedRequest
from tests.fakes.nemo.state import NemoState
from tests.fakes.nemo.wire import drain, error

Handler = Callable[[NemoState, Request, RecordedRequest, str | None], Awaitable[Response]]

_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def app(state: NemoState) -> Starlette:
    """The service as the contract describes it; any other path is a violation."""

    def route(method: str, path: str, handler: Handler, *, bearer: bool = True) -> Route:
        return Route(path, _endpoint(state, handler, bearer=bearer), methods=[method])

    async def unknown(request: Request) -> Response:
        _record(state, request)
        state.violate(f"unknown endpoint {request.method} {request.url.path}")
        return error(404, 404, "Not Found")

    routes = [
        route("POST", "/api/auth/anonymous-token", sessions.anonymous_token, bearer=False),
        route("POST", "/api/tasks/me/with-session/nemo_agent", sessions.create_session),
        route("POST", "/api/auth/claim-token", sessions.claim_token),
        route("POST", "/run_sse", sessions.run_sse),
        route("POST", "/api/upload-video/nemo_agent/me/{sid}", uploads.upload),
        route("GET", "/api/credits/balance/simple", sessions.balance),
        route("GET", "/api/state/nemo_agent/me/{sid}/latest", sessions.latest_state),
        route("POST", "/api/render/proxy/lambda", renders.submit_render),
        route("GET", "/api/render/proxy/lambda/{rid}", renders.render_status),
        route("GET", "/api/render/proxy/{rid}/download", renders.proxy_download),
        route("GET", "/cdn/{name}", renders.cdn, bearer=False),
        Route("/{path:path}", unknown, methods=_ALL_METHODS),
    ]
    return Starlette(routes=routes)


def _endpoint(
    state: NemoState, handler: Handler, *, bearer: bool
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        record = _record(state, request)
        for violation in header_violations(
            request, bearer=bearer, own_host=f"127.0.0.1:{state.port}"
        ):
            state.violate(violation)
        with state.lock:
            fault = take_fault(state.faults, request.method, request.url.path)
        if fault is not None:
            await asyncio.sleep(fault.delay)
            if fault.status is not None:
                await drain(request, record)
                return fault_answer(request.url.path, fault)
        user = None
        if bearer:
            user = _authenticate(state, request)
            if user is None:
                await drain(request, record)
                return error(401, 1001, "Invalid or expired token")
        return await handler(state, request, record, user)

    return endpoint


def _record(state: NemoState, request: Request) -> RecordedRequest:
    record = RecordedRequest(
        method=request.method,
        path=request.url.path,
        host=request.headers.get("host", ""),
        headers={k.lower(): v for k, v in request.headers.items()},
        time=time.monotonic(),
    )
    state.requests.append(record)
    return record


def _authenticate(state: NemoState, request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme != "Bearer" or token in state.expired_tokens:
        return None
    return state.tokens.get(token)
