"""parse_data and the SSE line decoder accept every form of the contract and never raise."""

import json

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.nemo import AgentError, AgentText, Heartbeat, ToolCall, ToolResult, parse_data
from bot.nemo.models import AgentEvent
from bot.nemo.sse import iter_events

ADK_TEXT = {
    "content": {"role": "model", "parts": [{"text": "Ecco il tuo slideshow"}]},
    "author": "nemo_agent",
    "invocationId": "e-1",
    "id": "x",
    "timestamp": 1773423613.6,
}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(json.dumps(ADK_TEXT), [AgentText("Ecco il tuo slideshow")], id="adk-text"),
        pytest.param(json.dumps({**ADK_TEXT, "partial": True}), [], id="adk-partial-text-skipped"),
        pytest.param(
            json.dumps(
                {
                    "content": {
                        "parts": [
                            {"functionCall": {"id": "1", "name": "cut", "args": {"at": 3}}},
                            {"text": "Tagliato."},
                        ]
                    }
                }
            ),
            [ToolCall("cut", {"at": 3}), AgentText("Tagliato.")],
            id="adk-call-and-text",
        ),
        pytest.param(
            json.dumps(
                {
                    "content": {
                        "role": "user",
                        "parts": [{"functionResponse": {"name": "cut", "response": {"ok": True}}}],
                    }
                }
            ),
            [ToolResult("cut", {"ok": True})],
            id="adk-function-response",
        ),
        pytest.param(
            json.dumps({"content": {"parts": [{"text": "hmm", "thought": True}]}}),
            [],
            id="adk-thought-hidden",
        ),
        pytest.param(
            json.dumps({"type": "text", "content": "Ciao"}), [AgentText("Ciao")], id="legacy-text"
        ),
        pytest.param(
            json.dumps({"type": "tool_call", "name": "music", "args": {"genre": "lofi"}}),
            [ToolCall("music", {"genre": "lofi"})],
            id="legacy-tool-call",
        ),
        pytest.param(
            json.dumps({"type": "tool_result", "name": "music", "result": "ok"}),
            [ToolResult("music", "ok")],
            id="legacy-tool-result",
        ),
        pytest.param(json.dumps({"type": "heartbeat"}), [Heartbeat()], id="heartbeat-json"),
        pytest.param("heartbeat", [Heartbeat()], id="heartbeat-word"),
        pytest.param("", [Heartbeat()], id="heartbeat-empty"),
        pytest.param(
            json.dumps({"error": "quota exceeded"}),
            [AgentError("quota exceeded", None)],
            id="error",
        ),
        pytest.param(
            json.dumps({"error": "no credits", "code": 2001}),
            [AgentError("no credits", 2001)],
            id="error-with-code",
        ),
        pytest.param(
            json.dumps(
                {**ADK_TEXT, "errorCode": "MALFORMED_FUNCTION_CALL", "errorMessage": "bad"}
            ),
            [AgentError("bad", "MALFORMED_FUNCTION_CALL")],
            id="adk-error-code",
        ),
        pytest.param(
            json.dumps({"type": "error", "message": "boom"}),
            [AgentError("boom", None)],
            id="legacy-error",
        ),
        pytest.param("<html>502 Bad Gateway</html>", [Heartbeat()], id="garbage"),
        pytest.param("[1, 2]", [Heartbeat()], id="json-not-an-object"),
        pytest.param(json.dumps({"type": "mystery"}), [], id="unknown-type"),
        pytest.param(json.dumps({"actions": {"stateDelta": {}}}), [], id="adk-no-content"),
    ],
)
def test_parse_data(data, expected):
    assert parse_data(data) == expected


def _stream(body: str, content_type: str = "text/event-stream") -> httpx.Response:
    async def chunks():
        yield body.encode()

    return httpx.Response(200, headers={"content-type": content_type}, content=chunks())


async def _decode(body: str, content_type: str = "text/event-stream") -> list[AgentEvent]:
    return [event async for event in iter_events(_stream(body, content_type))]


async def test_comments_are_not_events():
    # The turn's idle limit is time-based, so keep-alive comments need not be seen.
    assert await _decode(": keep-alive\n\n:\n\n") == []


async def test_a_field_other_than_data_is_not_an_event():
    assert await _decode("heartbeat\n\n") == []


async def test_data_lines_of_one_event_are_joined():
    body = 'data: {"type": "text",\ndata: "content": "Ciao"}\n\n'

    assert await _decode(body) == [AgentText("Ciao")]


async def test_other_fields_are_ignored_and_data_without_space_is_read():
    body = 'event: message\nid: 7\nretry: 1000\ndata:{"type":"text","content":"A"}\n\n'

    assert await _decode(body) == [AgentText("A")]


@pytest.mark.parametrize("end", ["\r\n", "\r", "\n"], ids=["crlf", "cr", "lf"])
async def test_every_line_end_of_the_sse_specification_is_read(end):
    body = f'data: {{"type": "text",{end}data: "content": "B"}}{end}{end}'

    assert await _decode(body) == [AgentText("B")]


@pytest.mark.parametrize("end", ["", "\n", "\r", "\r\n", "\n\n", "\r\n\r\n"], ids=repr)
async def test_an_event_cut_short_by_a_clean_close_is_read_once(end):
    # The id makes every further blank line dispatch one more (empty) event.
    body = f'id: 1\ndata: {{"type": "text", "content": "fine"}}{end}'

    assert await _decode(body) == [AgentText("fine")]


async def test_a_stream_not_labelled_as_one_is_still_read():
    assert await _decode('data: {"type": "text", "content": "x"}\n\n', "text/plain") == [
        AgentText("x")
    ]


async def test_an_empty_data_line_is_a_heartbeat():
    assert await _decode("data:\n\n") == [Heartbeat()]


EVENT_TYPES = (AgentText, ToolCall, ToolResult, Heartbeat, AgentError)


@given(st.text())
def test_parse_data_never_raises_on_any_text(data):
    assert all(isinstance(event, EVENT_TYPES) for event in parse_data(data))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "content",
                    "parts",
                    "text",
                    "type",
                    "error",
                    "errorCode",
                    "errorMessage",
                    "code",
                    "functionCall",
                    "functionResponse",
                    "name",
                    "args",
                    "response",
                    "partial",
                    "role",
                    "author",
                    "message",
                    "result",
                    "thought",
                ]
            )
            | st.text(max_size=5),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@given(JSON)
def test_parse_data_never_raises_on_any_json(payload):
    assert all(isinstance(event, EVENT_TYPES) for event in parse_data(json.dumps(payload)))
