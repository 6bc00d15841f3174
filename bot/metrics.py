"""What an operator graphs and alerts on, recorded in one place for ``GET /metrics``.

Each layer calls one function here at the few places that matter (an update handled, a
turn or a render ended, a file uploaded, a 429 from Telegram), so no module knows of
Prometheus. The values live in prometheus-client's default registry, which also
carries the process's memory, CPU and open files.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

# A `_created` series beside every counter doubles the output and tells nothing here.
disable_created_metrics()

# The Content-Type /metrics answers with: the text format's version is part of it.
CONTENT_TYPE = CONTENT_TYPE_LATEST

_UPDATES = Counter("bot_updates_handled", "Telegram updates handled to the end")
_TURNS = Counter("bot_agent_turns", "Agent turns, by how they ended", ["outcome"])
_OPEN_TURNS = Gauge("bot_agent_turns_open", "Agent turns in flight")
_RENDERS = Counter("bot_renders", "Renders followed to an end, by outcome", ["outcome"])
_RENDER_SECONDS = Histogram(
    "bot_render_duration_seconds",
    "From submission (or resumption after a restart) to delivery or failure",
    buckets=(5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600),
)
_UPLOADS = Counter("bot_uploads", "Files uploaded to NemoVideo")
_UPLOAD_BYTES = Counter("bot_upload_bytes", "Bytes of the files uploaded to NemoVideo")
_RETRY_AFTER = Counter(
    "bot_telegram_retry_after", "Bot API calls Telegram answered with 429 RetryAfter"
)
_INBOX = Gauge("bot_inbox_depth", "Updates received and not yet handled")
# Wall-clock time, as Prometheus compares it with time(); 0 until the first one.
_last_updates: float | None = None
Gauge(
    "bot_telegram_last_updates_timestamp_seconds",
    "When getUpdates last answered, or the webhook last received an update",
).set_function(lambda: _last_updates or 0.0)


class Outcome:
    """How a tracked piece of work ended; the body may set ``value`` before it ends."""

    def __init__(self, value: str) -> None:
        self.value = value


def update_handled() -> None:
    """An update's handlers ran to the end (or failed: either way it is done)."""
    _UPDATES.inc()


def updates_received() -> None:
    """getUpdates answered, or the webhook received an update: Telegram reaches us."""
    global _last_updates
    _last_updates = time.time()


def last_updates_received() -> float | None:
    """Wall-clock time of the last ``updates_received``; None before the first."""
    return _last_updates


def set_inbox_depth(depth: Callable[[], float]) -> None:
    """Read the inbox's depth from ``depth`` at each scrape, never stored twice."""
    _INBOX.set_function(depth)


@contextlib.contextmanager
def agent_turn() -> Iterator[Outcome]:
    """Count an agent turn as open while the body runs, then by its outcome.

    ``complete`` unless the body says otherwise; ``failed`` on an error, ``cut`` when
    the bot's shutdown cancelled it.
    """
    outcome = Outcome("complete")
    _OPEN_TURNS.inc()
    try:
        with _ended(outcome):
            yield outcome
    finally:
        _OPEN_TURNS.dec()
        _TURNS.labels(outcome.value).inc()


@contextlib.contextmanager
def render() -> Iterator[Outcome]:
    """Time a render followed to its end and count it by outcome (``delivered`` unless set)."""
    outcome = Outcome("delivered")
    started = time.monotonic()
    try:
        with _ended(outcome):
            yield outcome
    finally:
        _RENDERS.labels(outcome.value).inc()
        if outcome.value != "cut":
            _RENDER_SECONDS.observe(time.monotonic() - started)


def telegram_retry_after() -> None:
    """Telegram answered a call with 429: the bot is sending faster than allowed."""
    _RETRY_AFTER.inc()


def upload(size: int | None) -> None:
    """A file went up to NemoVideo; ``size`` bytes, when known (a stream may not say)."""
    _UPLOADS.inc()
    if size:
        _UPLOAD_BYTES.inc(size)


def text() -> bytes:
    """Every metric in Prometheus's text exposition format."""
    return generate_latest()


@contextlib.contextmanager
def _ended(outcome: Outcome) -> Iterator[None]:
    try:
        yield
    except asyncio.CancelledError:
        outcome.value = "cut"
        raise
    except BaseException:
        outcome.value = "failed"
        raise
