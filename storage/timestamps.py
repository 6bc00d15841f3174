"""How moments are stored: fixed-width ISO 8601 text in UTC.

Fixed width (always microseconds, always `+00:00`) makes text order equal time order,
so `ORDER BY created_at` is chronological.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """Return the current moment, timezone-aware, in UTC."""
    return datetime.now(UTC)


def to_text(moment: datetime) -> str:
    """Return `moment` as stored text; a naive datetime is refused, its zone is unknowable."""
    if moment.tzinfo is None:
        raise ValueError("storage keeps timezone-aware datetimes only, got a naive one")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    """Return the aware UTC datetime stored as `text`."""
    return datetime.fromisoformat(text).astimezone(UTC)


def from_optional_text(text: str | None) -> datetime | None:
    """Return the stored datetime, or None where none was stored."""
    return None if text is None else from_text(text)
