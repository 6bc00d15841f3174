"""The /run_sse decoder: no payload and no line sequence makes it raise, and text survives."""

from __future__ import annotations

import asyncio
import json

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nemo import AgentError, AgentText, Heartbeat, ToolCall, ToolResult, parse_data
from bot.nemo.models import AgentEvent
from bot.nemo.sse import events_from_payload, iter_events
from tests.property.strategies import json_values

EVENT_TYPES = (AgentText, ToolCall, ToolResult, Heartbeat, AgentError)
EVENT_KEYS = st.sampled_from(
    [
        *("content", "parts", "text", "type", "error", "errorCode", "errorMessage", "code"),
        *("functionCall", "function_call", "functionResponse", "function_response", "name"),
        *("args", "response", "partial", "role", "author", "message", "msg", "result"),
        *("thought", "tool", "tool_name", "input", "output", "arguments", "parameters"),
    ]
)
EVENT_JSON = json_values(EVENT_KEYS)
TYPES = st.sampled_from(["text", "tool_call", "tool_result", "error", "heartbeat", "ping", "x"])
FAST = settings(max_examples=150, deadline=None)


def _decode(lines: list[str]) -> list[AgentEvent]:
    async def feed():
        for line in lines:
            yield f"{line}\n".encode()

    async def collect() -> list[AgentEvent]:
        stream = httpx.Response(200, headers={"content-type": "text/event-stream"}, content=feed())
        return [event async for event in iter_events(stream)]

    return asyncio.run(collect())


@FAST
@given(st.text())
def test_any_text_is_events(data):
    assert all(isinstance(event, EVENT_TYPES) for event in parse_data(data))


@FAST
@given(EVENT_JSON)
def test_any_json_is_events(payload):
    events = parse_data(json.dumps(payload))
    assert all(isinstance(event, EVENT_TYPES) for event in events)
    assert events_from_payload(payload) == events


@FAST
@given(TYPES, EVENT_JSON, EVENT_JSON)
def test_any_legacy_event_is_events(kind, first, second):
    payload = {"type": kind, "content": first, "name": second, "args": first, "result": second}
    assert all(isinstance(event, EVENT_TYPES) for event in events_from_payload(payload))


@FAST
@given(st.integers(min_value=1, max_value=5000))
def test_deeply_nested_json_is_not_an_error(depth):
    assert all(isinstance(e, EVENT_TYPES) for e in parse_data("[" * depth + "]" * depth))
    nested = '{"content": ' * depth + "1" + "}" * depth
    assert all(isinstance(e, EVENT_TYPES) for e in parse_data(nested))


@FAST
@given(st.lists(st.text().map(lambda s: s.replace("\r", "").replace("\n", "")), max_size=12))
def test_any_line_sequence_is_events(lines):
    assert all(isinstance(event, EVENT_TYPES) for event in _decode(lines))


@FAST
@given(
    st.lists(st.text(min_size=1).filter(str.strip), min_size=1, max_size=4),
    st.lists(st.sampled_from(["", "data:", ": ping", "data: heartbeat", "data: <b>"]), max_size=4),
)
def test_agent_text_survives_any_junk_around_it(texts, junk):
    """Each ADK text event comes out whole, in order, whatever noise the stream adds."""
    lines: list[str] = []
    for index, text in enumerate(texts):
        event = {"content": {"role": "model", "parts": [{"text": text}]}, "author": "nemo_agent"}
        noise = junk[index % len(junk)] if junk else ""
        lines += [noise, "", f"data: {json.dumps(event)}", ""]
    lines += junk
    said = [event.text for event in _decode(lines) if isinstance(event, AgentText)]
    assert said == texts
