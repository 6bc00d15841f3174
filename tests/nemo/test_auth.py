"""Tokens: asked for once, stored, reused across restarts, replaced when rejected."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from bot import __version__
from bot.nemo import ClientIdRequired, StoredCredentials, TokenExpired
from tests.nemo.support import BytesSource, MemoryStore, collect, make_client


def _bearers(nemo):
    return {
        r.headers.get("authorization")
        for r in nemo.requests
        if r.path != "/api/auth/anonymous-token"
    }


async def test_concurrent_first_calls_ask_for_one_token(nemo, client, store):
    await asyncio.gather(*(client.credits() for _ in range(5)))

    assert nemo.tokens_issued == 1
    assert nemo.count("POST", "/api/auth/anonymous-token") == 1
    assert _bearers(nemo) == {f"Bearer {store.saved.token}"}


async def test_the_token_is_reused_after_a_restart(nemo, store):
    async with make_client(nemo, store) as first:
        await first.credits()
    async with make_client(nemo, store) as second:
        await second.credits()

    assert nemo.count("POST", "/api/auth/anonymous-token") == 1
    assert nemo.count("GET", "/api/credits/balance/simple") == 2


async def test_the_client_id_is_stored_before_the_token_is_asked_for(nemo, client, store):
    await client.credits()

    first, last = store.saves[0], store.saves[-1]
    assert first.token is None and uuid.UUID(first.client_id)
    assert last.client_id == first.client_id
    assert last.token.startswith("nmv_usr_") and last.user_id.startswith("anon_")
    assert last.expires_at > datetime.now(UTC) + timedelta(days=6)
    assert nemo.requests_to("POST", "/api/auth/")[0].headers["x-client-id"] == first.client_id


async def test_headers_on_every_call(nemo, store):
    async with make_client(nemo, store, skill_platform="telegram-test") as client:
        session = await client.create_session("en")
        await client.state(session.session_id)

    for request in nemo.requests:
        assert request.headers["x-skill-source"] == "italiano-photo-video-maker"
        assert request.headers["x-skill-version"] == __version__
        assert request.headers["x-skill-platform"] == "telegram-test"
    token_call, *others = nemo.requests
    assert "authorization" not in token_call.headers and "x-client-id" in token_call.headers
    assert all("x-client-id" not in r.headers for r in others)
    assert all(r.headers["authorization"].startswith("Bearer nmv_usr_") for r in others)


async def test_a_configured_client_id_is_used(nemo, store):
    async with make_client(nemo, store, client_id="my-bot-client") as client:
        await client.credits()

    assert nemo.requests[0].headers["x-client-id"] == "my-bot-client"
    assert store.saved.client_id == "my-bot-client"


async def test_a_stored_token_past_its_expiry_is_replaced(nemo):
    expired = StoredCredentials("cid-1", "nmv_usr_old", "anon_x", datetime.now(UTC))
    store = MemoryStore(expired)
    async with make_client(nemo, store) as client:
        await client.credits()

    assert nemo.tokens_issued == 1
    assert nemo.requests[0].headers["x-client-id"] == "cid-1"
    assert store.saved.token != "nmv_usr_old"


@pytest.mark.parametrize(
    "reject",
    [
        pytest.param(lambda nemo: nemo.expire_tokens(), id="expired-1001-http-401"),
        pytest.param(lambda nemo: nemo.fail_next("GET", "/api/credits", code=1001), id="1001"),
        pytest.param(lambda nemo: nemo.fail_next("GET", "/api/credits", code=1010), id="1010"),
        pytest.param(lambda nemo: nemo.fail_next("GET", "/api/credits", code=1011), id="1011"),
        pytest.param(lambda nemo: nemo.fail_next("GET", "/api/credits", status=401), id="401"),
    ],
)
async def test_a_rejected_token_is_renewed_and_the_call_made_once_more(
    nemo, client, store, reject
):
    await client.credits()
    client_id = store.saved.client_id
    reject(nemo)

    credits = await client.credits()

    assert credits.available == 100
    assert nemo.count("GET", "/api/credits") == 3
    token_calls = nemo.requests_to("POST", "/api/auth/anonymous-token")
    assert [r.headers["x-client-id"] for r in token_calls] == [client_id, client_id]


async def test_a_token_is_renewed_only_once_per_call(nemo, client):
    await client.credits()
    nemo.fail_next("GET", "/api/credits", code=1001, times=2)

    with pytest.raises(TokenExpired):
        await client.credits()

    assert nemo.count("GET", "/api/credits") == 3
    assert nemo.count("POST", "/api/auth/anonymous-token") == 2


async def test_an_upload_after_a_renewal_reopens_its_sources(nemo, client, session):
    photo = BytesSource("mare.jpg", b"\xff\xd8" + bytes(150_000), chunk=10_000)
    nemo.expire_tokens()

    result = await client.upload_files(session.session_id, [photo.source()])

    assert photo.opens == 2
    assert [f.filename for f in result.files] == ["mare.jpg"]
    accepted = nemo.requests_to("POST", "/api/upload-video")[-1]
    assert [(p.size, p.sha256) for p in accepted.files] == [(len(photo.content), photo.sha256)]


async def test_a_message_rejected_for_its_token_is_sent_again(nemo, client, session):
    nemo.expire_tokens()

    events = await collect(client, session.session_id, "crea un video")

    assert events
    assert nemo.count("POST", "/run_sse") == 2
    assert nemo.sessions[session.session_id].messages == ["crea un video"]


async def test_a_configured_token_is_never_replaced(nemo, store):
    token = nemo.add_token()
    async with make_client(nemo, store, static_token=token) as client:
        assert await client.anonymous_user_id() is None
        await client.credits()
        nemo.fail_next("GET", "/api/credits", code=1001)
        with pytest.raises(TokenExpired) as caught:
            await client.credits()

    assert token not in str(caught.value)
    assert nemo.count("POST", "/api/auth/anonymous-token") == 0
    assert store.saves == []
    assert {r.headers["authorization"] for r in nemo.requests} == {f"Bearer {token}"}


async def test_anonymous_user_id_comes_from_the_stored_token(nemo, client, store):
    await client.credits()

    assert nemo.count("POST", "/api/auth/anonymous-token") == 1
    assert _bearers(nemo) == {f"Bearer {store.saved.token}"}
    assert await client.anonymous_user_id() == store.saved.user_id
    assert store.saved.user_id.startswith("anon_")


async def test_a_refused_client_id_is_replaced_once(nemo, store):
    async with make_client(nemo, store, client_id="x" * 65) as client:
        await client.credits()

    ids = [r.headers["x-client-id"] for r in nemo.requests_to("POST", "/api/auth/")]
    assert ids[0] == "x" * 65 and uuid.UUID(ids[1])
    assert store.saved.client_id == ids[1]


async def test_a_client_id_refused_twice_raises(nemo, client):
    nemo.fail_next("POST", "/api/auth/anonymous-token", status=400, times=2)

    with pytest.raises(ClientIdRequired):
        await client.credits()

    assert nemo.count("GET", "/api/credits") == 0
