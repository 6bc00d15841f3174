"""Errors raised by bot.nemo.

* NemoError                  base of everything below
  + NemoUnavailable          network failure, timeout, 5xx or a non-JSON 2xx after retries
    - StreamDropped          the event stream broke in the middle of a turn
  + NemoAPIError             the service answered with an error (.code, .status)
    - TokenExpired           1001 / 1010 / 1011, HTTP 401
    - SessionNotFound        1002, HTTP 404 on /run_sse
    - OutOfCredits           2001
    - UnsupportedFile        4001
    - FileTooLarge           4002
    - ExportNotAllowed       HTTP 402
    - RateLimited            HTTP 429 (.retry_after)
    - ClientIdRequired       HTTP 400 on the anonymous-token call
  + TurnFailed               the event stream carried an error event (.message, .code)
  + TurnTimedOut             the turn ran past its overall or heartbeats-only limit
  + RenderFailed             the render ended with status failed (.reason)

Messages never contain a token: `redact` scrubs anything the service echoes.
"""

import re
from collections.abc import Mapping

_TOKEN_PATTERN = re.compile(r"nmv_[A-Za-z]+_[A-Za-z0-9_\-.]+")


def redact(text: str) -> str:
    """Replace anything shaped like a NemoVideo token, so it cannot reach a log or a chat."""
    return _TOKEN_PATTERN.sub("nmv_[redacted]", text)


class NemoError(Exception):
    """Something went wrong while talking to NemoVideo."""


class NemoUnavailable(NemoError):
    """The service could not be reached, timed out, or kept failing with 5xx or garbled 2xx."""


class StreamDropped(NemoUnavailable):
    """The event stream of an accepted turn broke before the server closed it."""


class NemoAPIError(NemoError):
    """The service answered, and the answer is an error."""

    def __init__(self, message: str, *, code: int | None, status: int) -> None:
        super().__init__(redact(message))
        self.code = code
        self.status = status


class TokenExpired(NemoAPIError):
    """The token is missing, wrong or expired."""


class SessionNotFound(NemoAPIError):
    """The session does not exist (any more) for this token."""


class OutOfCredits(NemoAPIError):
    """The account has no credits left for this operation."""


class UnsupportedFile(NemoAPIError):
    """The service does not accept this kind of file."""


class FileTooLarge(NemoAPIError):
    """The file is larger than the service accepts."""


class ExportNotAllowed(NemoAPIError):
    """The plan does not allow exporting (not a matter of credits)."""


class RateLimited(NemoAPIError):
    """Too many requests; `retry_after` says how many seconds to wait, when known."""

    def __init__(
        self, message: str, *, code: int | None, status: int, retry_after: float | None
    ) -> None:
        super().__init__(message, code=code, status=status)
        self.retry_after = retry_after


class ClientIdRequired(NemoAPIError):
    """The anonymous-token call was refused for a missing or malformed X-Client-Id."""


class TurnFailed(NemoError):
    """The agent ended the turn with an error event."""

    def __init__(self, message: str, *, code: int | str | None) -> None:
        super().__init__(redact(message))
        self.message = redact(message)
        self.code = code


class TurnTimedOut(NemoError):
    """The turn ran past its overall limit, or carried only heartbeats for too long."""

    def __init__(self, message: str, *, limit_seconds: float, heartbeats_only: bool) -> None:
        super().__init__(message)
        self.limit_seconds = limit_seconds
        self.heartbeats_only = heartbeats_only


class RenderFailed(NemoError):
    """The render finished with status failed."""

    def __init__(self, render_id: str, reason: str | None) -> None:
        super().__init__(f"render {render_id} failed: {redact(reason or 'no reason given')}")
        self.render_id = render_id
        self.reason = redact(reason) if reason else None


ERRORS_BY_CODE: Mapping[int, type[NemoAPIError]] = {
    1001: TokenExpired,
    1010: TokenExpired,
    1011: TokenExpired,
    1002: SessionNotFound,
    2001: OutOfCredits,
    4001: UnsupportedFile,
    4002: FileTooLarge,
}
"""Body codes of the contract; a code wins over the HTTP status."""

ERRORS_BY_STATUS: Mapping[int, type[NemoAPIError]] = {
    401: TokenExpired,
    402: ExportNotAllowed,
}
"""HTTP statuses that mean the same on every endpoint (429 is built apart for retry_after)."""


def api_error(
    message: str,
    *,
    code: int | None,
    status: int,
    retry_after: float | None = None,
    by_status: Mapping[int, type[NemoAPIError]] | None = None,
) -> NemoAPIError:
    """Build the most specific error for a code and status.

    `by_status` adds statuses whose meaning depends on the endpoint, such as 404 on
    /run_sse (SessionNotFound) or 400 on the anonymous-token call (ClientIdRequired).
    """
    if status == 429:
        return RateLimited(message, code=code, status=status, retry_after=retry_after)
    cls = ERRORS_BY_CODE.get(code) if code is not None else None
    cls = cls or (by_status or {}).get(status) or ERRORS_BY_STATUS.get(status) or NemoAPIError
    return cls(message, code=code, status=status)
