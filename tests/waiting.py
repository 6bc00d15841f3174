"""Waiting for a condition by polling it, for tests and benchmarks alike.

The NemoVideo fake, a bot subprocess and the objects a unit test drives announce no
changes, so whoever waits on them polls. (The Telegram fake does announce them: prefer its
``wait_for``.) One deadline rule everywhere means a wait that never ends fails the same way
everywhere: TimeoutError naming what stayed false, after a bounded time.
"""

import asyncio
import time
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["until", "until_sync"]

T = TypeVar("T")


class _Deadline(Generic[T]):
    """One check of the condition, and the verdict once time is up."""

    def __init__(self, condition: Callable[[], T], timeout: float, what: str) -> None:
        self._condition = condition
        self._timeout = timeout
        self._what = what or repr(condition)
        self._end = time.monotonic() + timeout

    def check(self) -> T | None:
        """The condition's value if truthy, None to poll again; TimeoutError once too late."""
        if result := self._condition():
            return result
        if time.monotonic() >= self._end:
            raise TimeoutError(f"after {self._timeout:g} s: {self._what} stayed false")
        return None


def until_sync(
    condition: Callable[[], T], timeout: float = 30.0, *, interval: float = 0.02, what: str = ""
) -> T:
    """Block until ``condition()`` is truthy and return its value.

    For code off any event loop: an end-to-end test watching a bot subprocess, a benchmark.
    A benchmark polls rather than using a fake's own wait so that it keeps off the fake's
    lock while the fake serves: its times come from the fake's stamps, not from when it looked.
    """
    deadline = _Deadline(condition, timeout, what)
    while not (result := deadline.check()):
        time.sleep(interval)
    return result


async def until(
    condition: Callable[[], T],
    timeout: float = 10.0,  # noqa: ASYNC109 (a polling deadline, as in until_sync)
    *,
    interval: float = 0.01,
    what: str = "",
) -> T:
    """Await until ``condition()`` is truthy and return its value.

    ``interval=0`` only lets the loop's other tasks run between checks: for a condition that
    must come true without any time passing.
    """
    deadline = _Deadline(condition, timeout, what)
    # Nothing announces the change, so there is no Event to wait on: only time.
    while not (result := deadline.check()):  # noqa: ASYNC110
        await asyncio.sleep(interval)
    return result
