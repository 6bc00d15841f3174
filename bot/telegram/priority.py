"""Who goes first under Telegram's 30-messages-a-second cap.

All chats share one budget. Served first come first served, a quick answer (/aiuto, a
button) waits behind every video and acknowledgement queued before it; under load that
is seconds. So requests wait in lanes: replies to an update that arrived moments ago
first, then results of longer work, then status messages and chat actions.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import time
from collections.abc import Iterator
from contextvars import ContextVar

from aiolimiter import AsyncLimiter

FRESH = 0
RESULT = 1
BACKGROUND = 2
# A reply sent within this long of its update arriving counts as a quick answer.
FRESH_SECONDS = 1.0

_update_arrived: ContextVar[float] = ContextVar("update_arrived", default=0.0)
_background: ContextVar[bool] = ContextVar("background", default=False)


def mark_update_arrived() -> None:
    """Note, for the requests this update's handling makes, when the update arrived."""
    _update_arrived.set(time.monotonic())


@contextlib.contextmanager
def in_background() -> Iterator[None]:
    """Requests made in the body are status traffic: they yield to everything else."""
    token = _background.set(True)
    try:
        yield
    finally:
        _background.reset(token)


def current_lane() -> int:
    """The lane of a request made now, from the context it is made in."""
    if _background.get():
        return BACKGROUND
    if time.monotonic() - _update_arrived.get() < FRESH_SECONDS:
        return FRESH
    return RESULT


class PriorityBucket:
    """A rate limit whose waiters are served by lane, then in arrival order."""

    def __init__(self, max_rate: float, time_period: float) -> None:
        self._limiter = AsyncLimiter(max_rate, time_period)
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._pump: asyncio.Task[None] | None = None

    async def acquire(self, lane: int) -> None:
        """Wait for a slot in the budget."""
        if not self._waiting and self._limiter.has_capacity():
            await self._limiter.acquire()
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (lane, next(self._order), turn))
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._serve())
        await turn

    async def _serve(self) -> None:
        while self._waiting:
            await self._limiter.acquire()
            while self._waiting:
                _, _, turn = heapq.heappop(self._waiting)
                if not turn.done():
                    turn.set_result(None)
                    break
