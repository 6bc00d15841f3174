"""The answer envelopes: any status and any body end as data or as a typed NemoError.

Both layers are checked: ``unwrap`` on decoded payloads, and the whole client (channel,
envelope, parsing) on raw HTTP answers served by an in-process transport.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import __version__
from bot.nemo import Credits, NemoAPIError, NemoClient, NemoError, NemoTimeouts, RateLimited
from bot.nemo.envelope import decode_json, parse_retry_after, unwrap
from bot.nemo.errors import ERRORS_BY_CODE
from tests.nemo.support import MemoryStore
from tests.property.strategies import json_values

ENVELOPE_KEYS = st.sampled_from(
    ["code", "message", "msg", "data", "success", "error", "errorCode", "errorMessage", "detail"]
)
ENVELOPE_JSON = json_values(ENVELOPE_KEYS)
STATUSES = st.integers(min_value=100, max_value=599)
FAST = settings(max_examples=150, deadline=None)
# No waiting between attempts: the property is about outcomes, not about timing.
NO_WAITING = dataclasses.replace(
    NemoTimeouts(), read_retries=1, retry_backoff=0, rate_limit_default_wait=0, read=5
)


@FAST
@given(st.binary())
def test_any_body_decodes_or_is_none(body):
    decode_json(body)


@FAST
@given(STATUSES, ENVELOPE_JSON)
def test_any_answer_is_data_or_an_api_error(status, payload):
    try:
        unwrap(status, payload)
    except NemoAPIError as error:
        assert error.status == status
        assert error.code is None or isinstance(error.code, int)
    else:
        assert 200 <= status < 300


@FAST
@given(st.sampled_from(sorted(ERRORS_BY_CODE)), ENVELOPE_JSON, st.integers(200, 299))
def test_a_documented_code_raises_its_class_even_with_http_200(code, data, status):
    try:
        unwrap(status, {"code": code, "message": "x", "data": data})
    except NemoAPIError as error:
        assert type(error) is ERRORS_BY_CODE[code]
    else:
        raise AssertionError(f"code {code} was taken for success")


@FAST
@given(st.text() | st.none())
def test_any_retry_after_is_none_or_a_wait(value):
    wait = parse_retry_after(value)
    assert wait is None or wait >= 0


_BODIES = (
    st.binary(max_size=200)
    | ENVELOPE_JSON.map(lambda value: json.dumps(value).encode())
    | st.builds(
        lambda code, data: json.dumps({"code": code, "message": "m", "data": data}).encode(),
        st.integers(-5, 5000),
        json_values(st.sampled_from(["available", "frozen", "total"])),
    )
)
_CONTENT_TYPES = st.sampled_from(["application/json", "text/html", "text/plain", ""])


def _credits_answered_with(status: int, content_type: str, body: bytes) -> Credits | NemoError:
    def answer(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": content_type} if content_type else {}
        return httpx.Response(status, headers=headers, content=body)

    async def ask() -> Credits | NemoError:
        client = NemoClient(
            base_url="http://nemo.invalid",
            skill_version=__version__,
            credentials=MemoryStore(),
            static_token="nmv_usr_property",
            timeouts=NO_WAITING,
            transport=httpx.MockTransport(answer),
        )
        async with client:
            try:
                return await client.credits()
            except NemoError as error:
                return error

    return asyncio.run(ask())


@settings(max_examples=100, deadline=None)
@given(STATUSES, _CONTENT_TYPES, _BODIES)
def test_any_credits_answer_is_a_balance_or_a_nemo_error(status, content_type, body):
    outcome = _credits_answered_with(status, content_type, body)
    if isinstance(outcome, Credits):
        assert 200 <= status < 300
        payload = decode_json(body)
        assert isinstance(payload, dict), "a balance read from a body that is not an object"
        data = payload.get("data") if "code" in payload or "success" in payload else payload
        assert isinstance(data, dict), "a balance read from an envelope without one"
    else:
        assert isinstance(outcome, NemoError)
        assert not isinstance(outcome, RateLimited) or status == 429
