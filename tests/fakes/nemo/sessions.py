"""Tokens, sessions, chat turns, credits and the timeline: what a conversation goes through."""

import secrets
import uuid
from datetime import UTC, datetime, timedelta

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from tests.fakes.nemo.contract import LANGUAGES, run_sse_problem
from tests.fakes.nemo.records import FakeSession, RecordedRequest
from tests.fakes.nemo.state import NemoState
from tests.fakes.nemo.steps import default_turn, play
from tests.fakes.nemo.wire import bad_request, error, json_body, ok


async def anonymous_token(
    state: NemoState, request: Request, record: RecordedRequest, user: str | None
) -> Response:
    client_id = request.headers.get("x-client-id", "")
    if not client_id or len(client_id) > 64:
        return error(400, 400, "X-Client-Id header is required (at most 64 characters)")
    with state.lock:
        token = state.client_tokens.get(client_id)
        if token is None:
            token = f"nmv_usr_{secrets.token_hex(16)}"
            user_id = state.client_users.setdefault(client_id, f"anon_{secrets.token_hex(8)}")
            state.tokens[token] = user_id
            state.client_tokens[client_id] = token
            state.credits.setdefault(user_id, state.initial_credits)
            state.tokens_issued += 1
    user_id = state.tokens[token]
    expires = (datetime.now(UTC) + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    data = {
        "token": token,
        "user_id": user_id,
        "expires_at": expires,
        "credits": state.credits[user_id],
    }
    return ok(data)


async def create_session(
    state: NemoState, request: Request, record: RecordedRequest, user: str | None
) -> Response:
    body = record.json = await json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("task_name"), str):
        return bad_request(state, "session: body needs a task_name")
    if body.get("language") not in LANGUAGES:
        return bad_request(state, f"session: language {body.get('language')!r} not it/en/zh")
    session = FakeSession(
        session_id=str(secrets.randbelow(9 * 10**18) + 10**18),
        task_id=uuid.uuid4().hex,
        user_id=user or "",
        language=body["language"],
    )
    state.sessions[session.session_id] = session
    return ok({"task_id": session.task_id, "session_id": session.session_id, "user_id": user})


async def claim_token(
    state: NemoState, request: Request, record: RecordedRequest, user: str | None
) -> Response:
    body = record.json = await json_body(request)
    if not isinstance(body, dict) or set(body) != {"task_id", "session_id"}:
        return bad_request(state, "claim-token: body must be {task_id, session_id}")
    session = state.session(body["session_id"])
    if session is None or session.task_id != body["task_id"]:
        return error(200, 1002, "Session not found")
    return ok({"claim_token": f"clm_{secrets.token_hex(12)}", "expires_in": 604800})


async def run_sse(
    state: NemoState, request: Request, record: RecordedRequest, user: str | None
) -> Response:
    body = record.json = await json_body(request)
    problem = run_sse_problem(body)
    if problem:
        return bad_request(state, f"/run_sse: {problem}")
    session = state.session(body["session_id"])
    if session is None:
        return error(404, 1002, "Session not found")
    user_id = user or ""
    if state.credits.get(user_id, 0) < state.turn_cost:
        return error(200, 2001, "Insufficient credits")
    state.credits[user_id] -= state.turn_cost
    session.messages.append(body["new_message"]["parts"][0]["text"])
    with state.lock:
        steps = state.turns.pop(0) if state.turns else default_turn()
    return StreamingResponse(play(steps, session), media_type="text/event-stream")


async def balance(
    state: NemoState, request: Request, record: RecordedRequest, user: str | None
) -> Response:
    available = state.credits.get(user or "", 0)
    return ok({"available": available, "frozen": 0, "total": state.initial_credits})


async def latest_state(
    state: NemoState, request: Request, record: RecordedRequest, user: str | None
) -> Response:
    session = state.session(request.path_params["sid"])
    if session is None:
        return error(200, 1002, "Session not found")
    snapshot = {
        "draft": session.draft,
        "video_infos": [],
        "canvas_config": {},
        "generated_media": [],
    }
    return ok({"session_id": session.session_id, "task_id": session.task_id, "state": snapshot})
