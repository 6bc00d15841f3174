"""Why a request failed, in the person's terms rather than the cloud client's.

The messenger explains a ``Failure`` without knowing NemoVideo's exception classes:
``failure_of`` is the one place they are read, and a test checks that every class of
``bot.nemo.errors`` lands on a reason of its own or on a deliberate parent's.
"""

from __future__ import annotations

from enum import StrEnum

from bot.nemo import (
    ExportNotAllowed,
    FileTooLarge,
    NemoError,
    NemoUnavailable,
    OutOfCredits,
    RateLimited,
    RenderFailed,
    SessionNotFound,
    TokenExpired,
    TurnFailed,
    TurnTimedOut,
    UnsupportedFile,
)


class Failure(StrEnum):
    """What went wrong, named by what the person can do about it."""

    OUT_OF_CREDITS = "out_of_credits"
    EXPORT_NOT_IN_PLAN = "export_not_in_plan"
    FILE_NOT_USABLE = "file_not_usable"
    FILE_TOO_BIG = "file_too_big"
    ACCESS_EXPIRED = "access_expired"
    PROJECT_LOST = "project_lost"
    BUSY = "busy"
    REQUEST_NOT_DONE = "request_not_done"
    REQUEST_TOO_SLOW = "request_too_slow"
    RENDER_FAILED = "render_failed"
    UNREACHABLE = "unreachable"
    UNKNOWN = "unknown"


# Most specific first: StreamDropped is a NemoUnavailable, every API error a NemoError.
_REASONS: tuple[tuple[type[NemoError], Failure], ...] = (
    (OutOfCredits, Failure.OUT_OF_CREDITS),
    (ExportNotAllowed, Failure.EXPORT_NOT_IN_PLAN),
    (UnsupportedFile, Failure.FILE_NOT_USABLE),
    (FileTooLarge, Failure.FILE_TOO_BIG),
    (TokenExpired, Failure.ACCESS_EXPIRED),
    (SessionNotFound, Failure.PROJECT_LOST),
    (RateLimited, Failure.BUSY),
    (TurnFailed, Failure.REQUEST_NOT_DONE),
    (TurnTimedOut, Failure.REQUEST_TOO_SLOW),
    (RenderFailed, Failure.RENDER_FAILED),
    (NemoUnavailable, Failure.UNREACHABLE),
)


def failure_of(error: NemoError) -> Failure:
    """The reason a cloud error stands for; UNKNOWN for one nobody planned for."""
    for kind, reason in _REASONS:
        if isinstance(error, kind):
            return reason
    return Failure.UNKNOWN
