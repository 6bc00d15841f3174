"""Chat turns over /run_sse: every event form, the limits, and the no-resend rule."""

import pytest

from bot.nemo import (
    AgentText,
    Heartbeat,
    NemoUnavailable,
    OutOfCredits,
    SessionNotFound,
    StreamDropped,
    ToolCall,
    ToolResult,
    TurnFailed,
    TurnTimedOut,
)
from tests.fakes.nemo.steps import (
    DEFAULT_REPLY,
    add_video_track,
    delay,
    drop,
    error_event,
    heartbeats,
    legacy_text,
    partial_text,
    raw,
    text,
    tool_call,
    tool_result,
)
from tests.nemo.support import collect, collect_until_error, make_client


async def test_an_unscripted_turn_answers_in_italian_and_fills_the_timeline(nemo, client, session):
    events = await collect(client, session.session_id, "crea un video con le foto")

    assert [e for e in events if isinstance(e, AgentText)] == [AgentText(DEFAULT_REPLY)]
    assert any(isinstance(e, ToolCall) for e in events)
    assert (await client.state(session.session_id)).has_segments
    body = nemo.requests_to("POST", "/run_sse")[0].json
    assert body == {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": session.session_id,
        "new_message": {"parts": [{"text": "crea un video con le foto"}]},
    }


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        pytest.param([text("Ciao")], [AgentText("Ciao")], id="adk-text"),
        pytest.param([legacy_text("Ciao")], [AgentText("Ciao")], id="legacy-text"),
        pytest.param(
            [partial_text("Cia"), text("Ciao!")], [AgentText("Ciao!")], id="partial-skipped"
        ),
        pytest.param(
            [tool_call("add_music", {"genre": "lofi"}), tool_result("add_music", {"ok": True})],
            [ToolCall("add_music", {"genre": "lofi"}), ToolResult("add_music", {"ok": True})],
            id="adk-tools",
        ),
        pytest.param(
            [tool_call("trim", {"s": 3}, legacy=True), tool_result("trim", "ok", legacy=True)],
            [ToolCall("trim", {"s": 3}), ToolResult("trim", "ok")],
            id="legacy-tools",
        ),
        pytest.param([heartbeats(3, form="json")], [Heartbeat()] * 3, id="heartbeat-json"),
        pytest.param([heartbeats(3, form="word")], [Heartbeat()] * 3, id="heartbeat-word"),
        pytest.param([heartbeats(3, form="empty")], [Heartbeat()] * 3, id="heartbeat-empty"),
        # Comments keep the connection open but are no events: idle time is what counts.
        pytest.param([heartbeats(3, form="comment")], [], id="heartbeat-comment"),
        pytest.param([raw("data: <html>oops</html>\n\n")], [Heartbeat()], id="garbage"),
        pytest.param(
            [text("Fatto."), text("I encountered a temporary issue. Please try again.")],
            [AgentText("Fatto.")],
            id="trailing-apology-dropped",
        ),
        pytest.param(
            [text("I encountered a temporary issue.")],
            [AgentText("I encountered a temporary issue.")],
            id="lone-apology-kept",
        ),
        pytest.param([], [], id="silent"),
    ],
)
async def test_every_event_form_reaches_the_caller(nemo, client, session, steps, expected):
    nemo.script_turn(*steps)

    assert await collect(client, session.session_id, "ciao") == expected


async def test_a_silent_edit_changes_the_state(nemo, client, session):
    nemo.script_turn(tool_call("add_clip"), add_video_track("Spiaggia", 8000))

    events = await collect(client, session.session_id, "aggiungi la spiaggia")

    assert not [e for e in events if isinstance(e, AgentText)]
    state = await client.state(session.session_id)
    assert state.has_segments and state.draft["t"][0]["m"]["name"] == "Spiaggia"


@pytest.mark.parametrize(
    ("step", "message", "code"),
    [
        pytest.param(error_event("boom"), "boom", None, id="error"),
        pytest.param(error_event("no credits", code=2001), "no credits", 2001, id="error-code"),
        pytest.param(
            error_event("bad call", code="MALFORMED", form="adk"),
            "bad call",
            "MALFORMED",
            id="adk-error",
        ),
    ],
)
async def test_an_error_event_fails_the_turn(nemo, client, session, step, message, code):
    nemo.script_turn(text("Inizio..."), step, text("never seen"))
    seen = []

    with pytest.raises(TurnFailed) as caught:
        await collect_until_error(client, session.session_id, "vai", seen)

    assert seen == [AgentText("Inizio...")]
    assert (caught.value.message, caught.value.code) == (message, code)


async def test_a_dropped_stream_raises_and_is_not_resent(nemo, client, session):
    nemo.script_turn(text("Sto lavorando"), heartbeats(2), drop())
    seen = []

    with pytest.raises(StreamDropped):
        await collect_until_error(client, session.session_id, "crea", seen)

    assert seen == [AgentText("Sto lavorando"), Heartbeat(), Heartbeat()]
    assert nemo.count("POST", "/run_sse") == 1


async def test_a_stream_dropped_before_any_event(nemo, client, session):
    nemo.script_turn(drop())

    with pytest.raises(StreamDropped):
        await collect(client, session.session_id, "crea")

    assert nemo.count("POST", "/run_sse") == 1


async def test_heartbeats_only_for_too_long_times_out(nemo, store, session):
    nemo.script_turn(text("Genero il video"), heartbeats(200, interval=0.02, form="comment"))
    seen = []
    async with make_client(nemo, store, timeouts={"turn_idle": 0.3}) as client:
        with pytest.raises(TurnTimedOut) as caught:
            await collect_until_error(client, session.session_id, "crea", seen)

    assert caught.value.heartbeats_only and caught.value.limit_seconds == 0.3
    assert seen == [AgentText("Genero il video")]
    assert nemo.count("POST", "/run_sse") == 1


async def test_a_turn_that_never_ends_times_out(nemo, store, session):
    nemo.script_turn(*[step for _ in range(100) for step in (text("ancora"), delay(0.02))])
    async with make_client(nemo, store, timeouts={"turn_total": 0.3}) as client:
        with pytest.raises(TurnTimedOut) as caught:
            await collect(client, session.session_id, "crea")

    assert not caught.value.heartbeats_only and caught.value.limit_seconds == 0.3


async def test_silence_counts_as_heartbeats_only(nemo, store, session):
    nemo.script_turn(delay(5))
    async with make_client(nemo, store, timeouts={"turn_idle": 0.2}) as client:
        with pytest.raises(TurnTimedOut):
            await collect(client, session.session_id, "crea")


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_a_5xx_before_acceptance_is_not_resent(nemo, client, session, status):
    nemo.fail_next("POST", "/run_sse", status=status)

    with pytest.raises(NemoUnavailable):
        await collect(client, session.session_id, "crea")

    assert nemo.count("POST", "/run_sse") == 1


async def test_no_answer_before_acceptance_is_not_resent(nemo, store, session):
    nemo.delay_next("POST", "/run_sse", 1.0)
    async with make_client(nemo, store, timeouts={"read": 0.2}) as client:
        with pytest.raises(NemoUnavailable, match="no answer"):
            await collect(client, session.session_id, "crea")

    assert nemo.count("POST", "/run_sse") == 1


async def test_a_forgotten_session_is_reported(nemo, client, session):
    nemo.forget_session(session.session_id)

    with pytest.raises(SessionNotFound) as caught:
        await collect(client, session.session_id, "crea")

    assert caught.value.status == 404
    assert nemo.count("POST", "/run_sse") == 1


async def test_1002_in_the_body_is_a_forgotten_session(nemo, client, session):
    nemo.fail_next("POST", "/run_sse", code=1002, message="Session not found")

    with pytest.raises(SessionNotFound):
        await collect(client, session.session_id, "crea")


async def test_no_credits_for_a_turn(nemo, client, session, store):
    nemo.credits[store.saved.user_id] = 0

    with pytest.raises(OutOfCredits):
        await collect(client, session.session_id, "crea")

    assert nemo.sessions[session.session_id].messages == []
