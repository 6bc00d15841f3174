"""Reading request bodies and answering in the service's ``{code, message, data}`` envelope."""

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tests.fakes.nemo.records import RecordedRequest
from tests.fakes.nemo.state import NemoState


def ok(data: Any) -> Response:
    return JSONResponse({"code": 0, "message": "success", "data": data})


def error(status: int, code: int, message: str) -> Response:
    return JSONResponse({"code": code, "message": message, "data": None}, status)


def bad_request(state: NemoState, what: str) -> Response:
    """A 400 for a request the client should never have sent: also a violation."""
    state.violate(what)
    return error(400, 400, what)


async def json_body(request: Request) -> Any:
    body = await request.body()
    try:
        return json.loads(body)
    except ValueError:
        return None


async def drain(request: Request, record: RecordedRequest) -> None:
    """Read a body the answer does not need, keeping it in the record when it is JSON."""
    if "json" in request.headers.get("content-type", ""):
        record.json = await json_body(request)
        return
    async for _ in request.stream():
        pass
