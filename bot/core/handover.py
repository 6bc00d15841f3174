"""The moment a request's work is held by a durable record, not by its message.

The messenger layer keeps each incoming message until it is handled, so a restart can
handle what a crash or a shutdown cut off. Some work must not be redone that way: an
agent turn already sent would be charged twice, and a render already submitted is
resumed from its own record. The core calls `handed_over()` as soon as such a record
exists; whoever keeps the message is then told to let it go.

Why a ContextVar and not a parameter: the moment comes several calls below the
handler (dispatcher → turn runner or exporter), in code that knows nothing of
messages. Threading a ``release`` argument through each of those signatures would put
a messenger concern into every core call, and one forgotten pass would silently keep
a message that must go. The ContextVar's scope is exactly the right one: the task
handling that update (an album's task sets its own), and nothing else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Release = Callable[[], Awaitable[None]]

_release: ContextVar[Release | None] = ContextVar("release_request", default=None)


@contextmanager
def releasing(release: Release) -> Iterator[None]:
    """Within the body, `handed_over()` calls ``release``."""
    token = _release.set(release)
    try:
        yield
    finally:
        _release.reset(token)


async def handed_over() -> None:
    """Say that a durable record now holds the current request's work."""
    release = _release.get()
    if release is not None:
        await release()
