"""Credits, sessions, claim tokens and state, and the contract's error table on them."""

import dataclasses
import socket

import pytest

from bot.nemo import (
    NemoAPIError,
    NemoClient,
    NemoUnavailable,
    OutOfCredits,
    RateLimited,
    SessionNotFound,
)
from tests.nemo.support import FAST, MemoryStore, collect, make_client


async def test_credits_reflect_what_turns_cost(nemo, client, session):
    before = await client.credits()
    await collect(client, session.session_id, "crea un video")
    after = await client.credits()

    assert (before.available, before.frozen, before.total) == (100, 0, 100)
    assert after.available == 100 - nemo.turn_cost


@pytest.mark.parametrize("language", ["it", "en", "zh"])
async def test_create_session_in_the_chat_language(nemo, client, language):
    session = await client.create_session(language)

    assert nemo.sessions[session.session_id].language == language
    assert nemo.sessions[session.session_id].task_id == session.task_id
    body = nemo.requests_to("POST", "/api/tasks/")[0].json
    assert body == {"task_name": "project", "language": language}


async def test_claim_token_for_the_browser_link(nemo, client, session):
    claim = await client.claim_token(session)

    assert claim.startswith("clm_")
    body = nemo.requests_to("POST", "/api/auth/claim-token")[0].json
    assert body == {"task_id": session.task_id, "session_id": session.session_id}


async def test_state_becomes_exportable_after_a_turn(client, session):
    empty = await client.state(session.session_id)
    await collect(client, session.session_id, "crea un video")
    full = await client.state(session.session_id)

    assert not empty.has_segments
    assert full.has_segments
    assert full.task_id == session.task_id
    assert full.raw["state"]["draft"] == full.draft


async def test_state_of_a_forgotten_session(nemo, client, session):
    nemo.forget_session(session.session_id)

    with pytest.raises(SessionNotFound):
        await client.state(session.session_id)


async def test_out_of_credits_on_a_new_session(nemo, client):
    nemo.fail_next("POST", "/api/tasks/", code=2001, message="Insufficient credits")

    with pytest.raises(OutOfCredits, match="Insufficient credits"):
        await client.create_session("it")


async def test_a_429_is_waited_out_and_retried_once(nemo, client):
    nemo.fail_next("GET", "/api/credits", status=429, retry_after=0.05)

    assert (await client.credits()).available == 100
    assert nemo.count("GET", "/api/credits") == 2


async def test_a_429_without_retry_after_waits_the_default(nemo, client):
    nemo.fail_next("POST", "/api/tasks/", status=429)

    await client.create_session("it")

    assert nemo.count("POST", "/api/tasks/") == 2


async def test_a_second_429_is_raised_with_its_retry_after(nemo, client):
    nemo.fail_next("GET", "/api/credits", status=429, retry_after=0.01, times=2)

    with pytest.raises(RateLimited) as caught:
        await client.credits()

    assert caught.value.retry_after == pytest.approx(0.01)
    assert nemo.count("GET", "/api/credits") == 2


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_reads_are_retried_on_5xx(nemo, client, session, status):
    nemo.fail_next("GET", "/api/state/", status=status, times=3)

    await client.state(session.session_id)

    assert nemo.count("GET", "/api/state/") == 4


async def test_reads_give_up_after_their_retries(nemo, client):
    nemo.fail_next("GET", "/api/credits", status=503, times=4)

    with pytest.raises(NemoUnavailable, match="HTTP 503"):
        await client.credits()

    assert nemo.count("GET", "/api/credits") == 4


async def test_reads_are_retried_after_a_timeout(nemo, store):
    async with make_client(nemo, store, timeouts={"read": 0.2}) as client:
        await client.credits()
        nemo.delay_next("GET", "/api/credits", 0.6)

        assert (await client.credits()).available == 100

    assert nemo.count("GET", "/api/credits") == 3


async def test_writes_are_not_retried_on_5xx(nemo, client):
    nemo.fail_next("POST", "/api/tasks/", status=502)

    with pytest.raises(NemoUnavailable):
        await client.create_session("it")

    assert nemo.count("POST", "/api/tasks/") == 1


async def test_an_unreachable_service_is_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    client = NemoClient(
        base_url=f"http://127.0.0.1:{closed_port}",
        skill_version="0.1.0",
        credentials=MemoryStore(),
        timeouts=dataclasses.replace(FAST, read_retries=1),
    )
    async with client:
        with pytest.raises(NemoUnavailable, match="ConnectError"):
            await client.credits()


async def test_an_unknown_code_with_http_200_is_an_error(nemo, client):
    nemo.fail_next("GET", "/api/credits", code=9999, message="strange")

    with pytest.raises(NemoAPIError) as caught:
        await client.credits()

    assert (caught.value.code, caught.value.status) == (9999, 200)


async def test_a_token_never_appears_in_an_error(nemo, client, store):
    await client.credits()
    token = store.saved.token
    nemo.fail_next("GET", "/api/credits", status=403, message=f"token {token} is not allowed")

    with pytest.raises(NemoAPIError) as caught:
        await client.credits()

    assert token not in str(caught.value)
    assert caught.value.status == 403
