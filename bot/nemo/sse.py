"""Turn the /run_sse event stream into AgentEvent values.

httpx-sse splits the stream into events; this module reads their data. The
contract lists several forms and nobody has seen the live service, so the
reader accepts all of them and never raises: ADK events (`content.parts` with
`text`, `functionCall`, `functionResponse`), the older `{"type": ...}` events,
heartbeats as JSON, as the bare word or as empty data, and three spellings of an
error. Anything else is noise and counts as a heartbeat.

The fourth heartbeat of the contract, an SSE comment (`: keep-alive`), never
becomes an event: httpx-sse drops comments, as the SSE specification says. Nothing
is lost by it, because a turn is judged stuck by the time since its last text or
tool event (`bot.nemo.turns`), never by counting heartbeats.
"""

import contextlib
import json
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import httpx
from httpx_sse import EventSource

from bot.nemo.models import AgentError, AgentEvent, AgentText, Heartbeat, ToolCall, ToolResult

logger = logging.getLogger(__name__)

_HEARTBEAT_TYPES = frozenset({"heartbeat", "ping", "keepalive", "keep-alive"})


async def iter_events(response: httpx.Response) -> AsyncGenerator[AgentEvent, None]:
    """Decode an open /run_sse answer into events; the caller closes the response."""
    async with contextlib.aclosing(_with_final_blank_line(response)) as body:
        source = EventSource(
            httpx.Response(
                response.status_code,
                # Any 2xx answer that is not JSON is read as a stream, as before there was a
                # contract; httpx-sse would refuse one that is not labelled text/event-stream.
                headers={"content-type": f"text/event-stream; charset={response.encoding}"},
                content=body,
            )
        )
        async with contextlib.aclosing(source.aiter_sse()) as stream:
            async for sse in stream:
                for event in parse_data(sse.data):
                    yield event


async def _with_final_blank_line(response: httpx.Response) -> AsyncIterator[bytes]:
    """The body, ended by a blank line if it was not.

    A server that closes right after its last `data:` line has sent a whole event,
    often the agent's answer; the SSE specification (and so httpx-sse) would drop it
    for want of the blank line that dispatches it. Only the missing line ends are
    added: each extra blank line would dispatch one more (empty) event once an `id:`
    was seen, since the last event id is kept from event to event.
    """
    tail = b""
    async for chunk in response.aiter_bytes():
        tail = (tail + chunk)[-4:]
        yield chunk
    lines = tail.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    line_ends = len(lines) - len(lines.rstrip(b"\n"))
    # CRLF, not LF: an LF after a final CR would only complete that CR's line end.
    yield b"\r\n" * max(0, 2 - line_ends)


def parse_data(data: str) -> list[AgentEvent]:
    """Return the events in one SSE `data` payload; never raises, whatever the payload."""
    text = data.strip()
    if not text or text.lower() == "heartbeat":
        return [Heartbeat()]
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        logger.debug("ignoring a non-JSON event of %d characters", len(text))
        return [Heartbeat()]
    return events_from_payload(payload)


def events_from_payload(payload: Any) -> list[AgentEvent]:
    """Return the events in one decoded JSON payload; never raises."""
    if not isinstance(payload, dict):
        logger.debug("ignoring a JSON event that is not an object")
        return [Heartbeat()]
    error = _error_of(payload)
    if error is not None:
        return [error]
    kind = payload.get("type")
    if isinstance(kind, str):
        return _legacy_event(kind.lower(), payload)
    return _adk_event(payload)


def _error_of(payload: dict[str, Any]) -> AgentError | None:
    """Find an error in any of its spellings: `error`, `errorCode`/`errorMessage`, a code."""
    error = payload.get("error")
    if error:
        if isinstance(error, dict):
            message = error.get("message") or error.get("msg") or "error"
            return AgentError(str(message), _code(error.get("code") or payload.get("code")))
        return AgentError(str(error), _code(payload.get("code") or payload.get("errorCode")))
    if payload.get("errorCode") is not None or payload.get("errorMessage") is not None:
        message = payload.get("errorMessage") or payload.get("errorCode")
        return AgentError(str(message), _code(payload.get("errorCode")))
    code = _code(payload.get("code"))
    if code not in (None, 0) and "content" not in payload and "type" not in payload:
        # A gateway envelope in the middle of the stream: `{"code": 2001, "message": ...}`.
        return AgentError(str(payload.get("message") or "error"), code)
    return None


def _legacy_event(kind: str, payload: dict[str, Any]) -> list[AgentEvent]:
    """Read the older `{"type": ...}` form."""
    if kind in _HEARTBEAT_TYPES:
        return [Heartbeat()]
    if kind == "text":
        text = _first(payload, "content", "text")
        if isinstance(text, str) and text.strip() and payload.get("partial") is not True:
            return [AgentText(text)]
        return []
    if kind == "tool_call":
        args = _first(payload, "args", "arguments", "input", "parameters")
        name = _first(payload, "name", "tool", "tool_name")
        return [ToolCall(str(name or ""), args if isinstance(args, dict) else {})]
    if kind == "tool_result":
        name = _first(payload, "name", "tool", "tool_name")
        return [ToolResult(str(name or ""), _first(payload, "response", "result", "output"))]
    if kind == "error":
        message = _first(payload, "message", "content", "text") or "error"
        return [AgentError(str(message), _code(payload.get("code")))]
    logger.debug("ignoring an event of unknown type %r", kind[:40])
    return []


def _adk_event(payload: dict[str, Any]) -> list[AgentEvent]:
    """Read a Google ADK event; partial events are skipped because the whole one follows."""
    if payload.get("partial") is True:
        return []
    content = payload.get("content")
    parts = content.get("parts") if isinstance(content, dict) else None
    if not isinstance(parts, list):
        return []
    from_user = payload.get("author") == "user"
    events: list[AgentEvent] = []
    for part in parts:
        if isinstance(part, dict):
            events.extend(_adk_part(part, from_user=from_user))
    return events


def _adk_part(part: dict[str, Any], *, from_user: bool) -> list[AgentEvent]:
    """Read one part: text (not the model's thoughts, not an echo of the user), a call, a reply."""
    text = part.get("text")
    if isinstance(text, str) and text.strip() and not part.get("thought") and not from_user:
        return [AgentText(text)]
    call = _first(part, "functionCall", "function_call")
    if isinstance(call, dict):
        args = call.get("args")
        return [ToolCall(str(call.get("name") or ""), args if isinstance(args, dict) else {})]
    reply = _first(part, "functionResponse", "function_response")
    if isinstance(reply, dict):
        return [ToolResult(str(reply.get("name") or ""), reply.get("response"))]
    return []


def _first(mapping: dict[str, Any], *keys: str) -> Any:
    """The value of the first key that is present and not None."""
    for key in keys:
        value = mapping.get(key)
        if value is not None:
            return value
    return None


def _code(value: Any) -> int | str | None:
    """An error code as an int when it is numeric, else as short text."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip():
        short = value.strip()[:64]
        return int(short) if short.isascii() and short.isdigit() else short
    return None
