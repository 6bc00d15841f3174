"""Open the two answer envelopes of the service, turning errors into typed exceptions.

Gateway: `{"code": 0, "message": "...", "data": {...}}`, where a code other than 0
is an error even with HTTP 200. Render proxy: `{"success": true, "data": {...}}`
or `{"success": false, "error": "..."}`. Some answers (one render-poll shape) come
with no envelope at all and are returned as they are.
"""

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from bot.nemo.errors import NemoAPIError, api_error

_SUCCESS_CODES = (0, 200)  # 200 is not in the contract, but it never means an error


def decode_json(body: bytes) -> Any:
    """The JSON value of a body, or None when it is empty or not JSON."""
    try:
        return json.loads(body) if body.strip() else None
    except (ValueError, RecursionError):
        return None


def unwrap(
    status: int,
    payload: Any,
    *,
    retry_after: float | None = None,
    by_status: Mapping[int, type[NemoAPIError]] | None = None,
) -> Any:
    """Return the useful part of an answer, or raise the NemoAPIError it stands for."""
    if not 200 <= status < 300:
        message = _message(payload) or f"HTTP {status}"
        raise api_error(
            message,
            code=_code(payload),
            status=status,
            retry_after=retry_after,
            by_status=by_status,
        )
    if not isinstance(payload, dict):
        return payload
    code = _code(payload)
    if (code is not None and code not in _SUCCESS_CODES) or payload.get("success") is False:
        message = _message(payload) or f"error code {code}"
        raise api_error(message, code=code, status=status, by_status=by_status)
    if "code" in payload or "success" in payload:
        return payload.get("data")
    return payload


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (a number or an HTTP date), if any."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _message(payload: Any) -> str | None:
    if not isinstance(payload, dict):
        return None
    for key in ("message", "msg", "errorMessage", "error", "detail"):
        value = payload.get(key)
        if isinstance(value, dict):
            value = value.get("message") or value.get("msg")
        if isinstance(value, str) and value.strip():
            return value.strip()[:500]
    return None


def _code(payload: Any) -> int | None:
    if not isinstance(payload, dict):
        return None
    error = payload.get("error")
    candidates = (
        payload.get("code"),
        error.get("code") if isinstance(error, dict) else None,
        payload.get("errorCode"),
    )
    for value in candidates:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            return int(value.strip()[:18])
    return None
