"""Turn the /run_sse event stream into AgentEvent values.

The contract lists several forms and nobody has seen the live service, so the
parser accepts all of them and never raises: ADK events (`content.parts` with
`text`, `functionCall`, `functionResponse`), the older `{"type": ...}` events,
four spellings of a heartbeat (JSON, the bare word, empty data, an SSE comment)
and three spellings of an error. Anything else is noise and counts as a heartbeat.
"""

import json
import logging
from collections.abc import AsyncGenerator, AsyncIterable
from typing import Any

from bot.nemo.models import AgentError, AgentEvent, AgentText, Heartbeat, ToolCall, ToolResult

logger = logging.getLogger(__name__)

_HEARTBEAT_TYPES = frozenset({"heartbeat", "ping", "keepalive", "keep-alive"})


async def iter_events(lines: AsyncIterable[str]) -> AsyncGenerator[AgentEvent, None]:
    """Decode SSE lines (without line endings) into events, comments included as heartbeats.

    Written by hand rather than with httpx-sse because a comment line must reach the
    caller: it is how some servers keep a long turn alive.
    """
    data: list[str] = []
    async for line in lines:
        if not line:
            if data:
                for event in parse_data("\n".join(data)):
                    yield event
                data = []
            continue
        if line.startswith(":"):
            yield Heartbeat()
            continue
        field, _, value = line.partition(":")
        if field == "data":
            data.append(value.removeprefix(" "))
        elif field.strip().lower() == "heartbeat":
            yield Heartbeat()
    if data:
        # The server closed without the final blank line; the event is still whole.
        for event in parse_data("\n".join(data)):
            yield event


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
