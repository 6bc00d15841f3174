"""Every documented error maps to its class; envelopes are opened as the contract says."""

import inspect
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

import bot.nemo
from bot.nemo import errors
from bot.nemo.envelope import parse_retry_after, unwrap
from bot.nemo.errors import (
    ClientIdRequired,
    ExportNotAllowed,
    FileTooLarge,
    NemoAPIError,
    NemoError,
    NemoUnavailable,
    OutOfCredits,
    RateLimited,
    SessionNotFound,
    StreamDropped,
    TokenExpired,
    UnsupportedFile,
    api_error,
)

RUN_SSE = {404: SessionNotFound}
ANONYMOUS_TOKEN = {400: ClientIdRequired}


@pytest.mark.parametrize(
    ("code", "status", "by_status", "expected"),
    [
        pytest.param(1001, 200, None, TokenExpired, id="1001"),
        pytest.param(1010, 200, None, TokenExpired, id="1010"),
        pytest.param(1011, 200, None, TokenExpired, id="1011"),
        pytest.param(None, 401, None, TokenExpired, id="http-401"),
        pytest.param(1002, 200, None, SessionNotFound, id="1002"),
        pytest.param(None, 404, RUN_SSE, SessionNotFound, id="http-404-run-sse"),
        pytest.param(2001, 200, None, OutOfCredits, id="2001"),
        pytest.param(4001, 200, None, UnsupportedFile, id="4001"),
        pytest.param(4002, 200, None, FileTooLarge, id="4002"),
        pytest.param(None, 400, ANONYMOUS_TOKEN, ClientIdRequired, id="http-400-client-id"),
        pytest.param(None, 402, None, ExportNotAllowed, id="http-402"),
        pytest.param(None, 429, None, RateLimited, id="http-429"),
        pytest.param(None, 404, None, NemoAPIError, id="http-404-elsewhere"),
        pytest.param(9999, 200, None, NemoAPIError, id="unknown-code"),
    ],
)
def test_every_documented_error_maps_to_its_class(code, status, by_status, expected):
    error = api_error("boom", code=code, status=status, by_status=by_status)

    assert type(error) is expected
    assert (error.code, error.status) == (code, status)


def test_a_body_code_wins_over_the_status():
    assert type(api_error("x", code=2001, status=403)) is OutOfCredits


def test_the_hierarchy_is_the_documented_one():
    assert issubclass(StreamDropped, NemoUnavailable)
    api_errors = [
        TokenExpired,
        SessionNotFound,
        OutOfCredits,
        UnsupportedFile,
        FileTooLarge,
        ExportNotAllowed,
        RateLimited,
        ClientIdRequired,
    ]
    assert all(issubclass(cls, NemoAPIError) for cls in api_errors)
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass) if c is not NemoError]
    assert all(issubclass(cls, NemoError) for cls in classes if cls.__module__ == errors.__name__)


def test_every_error_class_is_documented_and_exported():
    for name, cls in inspect.getmembers(errors, inspect.isclass):
        if cls.__module__ == errors.__name__:
            assert cls.__doc__ and name in errors.__doc__
            assert name in bot.nemo.__all__


def test_the_export_list_is_sorted_and_importable():
    assert bot.nemo.__all__ == sorted(bot.nemo.__all__)
    assert all(hasattr(bot.nemo, name) for name in bot.nemo.__all__)


def test_rate_limited_keeps_retry_after():
    error = api_error("slow down", code=None, status=429, retry_after=12.0)

    assert isinstance(error, RateLimited) and error.retry_after == 12.0


def test_a_token_echoed_by_the_service_is_redacted():
    error = api_error("bad token nmv_usr_abc123secret", code=1001, status=401)

    assert "abc123secret" not in str(error)


@pytest.mark.parametrize(
    ("status", "payload", "expected"),
    [
        pytest.param(200, {"code": 0, "message": "ok", "data": {"a": 1}}, {"a": 1}, id="gateway"),
        pytest.param(200, {"success": True, "data": {"a": 1}}, {"a": 1}, id="render-proxy"),
        pytest.param(200, {"status": "completed"}, {"status": "completed"}, id="no-envelope"),
        pytest.param(201, {"code": "0", "data": 5}, 5, id="code-as-text"),
    ],
)
def test_unwrap_returns_the_data(status, payload, expected):
    assert unwrap(status, payload) == expected


@pytest.mark.parametrize(
    ("status", "payload", "expected", "code"),
    [
        pytest.param(200, {"code": 2001, "message": "no credits"}, OutOfCredits, 2001, id="200"),
        pytest.param(200, {"success": False, "error": "nope"}, NemoAPIError, None, id="success"),
        pytest.param(
            200,
            {"success": False, "error": {"code": 1002, "message": "gone"}},
            SessionNotFound,
            1002,
            id="nested-error",
        ),
        pytest.param(401, None, TokenExpired, None, id="401-no-body"),
        pytest.param(403, {"code": 4002, "msg": "big"}, FileTooLarge, 4002, id="403-with-code"),
    ],
)
def test_unwrap_raises_the_error_an_answer_stands_for(status, payload, expected, code):
    with pytest.raises(expected) as caught:
        unwrap(status, payload)

    assert caught.value.code == code and caught.value.status == status


def test_unwrap_takes_the_message_from_the_body():
    with pytest.raises(NemoAPIError, match="Session not found"):
        unwrap(200, {"code": 1002, "message": "Session not found"})


def test_retry_after_in_seconds_and_as_a_date():
    later = datetime.now(UTC) + timedelta(seconds=120)

    assert parse_retry_after("7") == 7.0
    assert 100 < (parse_retry_after(format_datetime(later, usegmt=True)) or 0) <= 120
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
