"""When to poll a render next.

Backing off alone (2 s, 3 s, 4.5 s ... up to 30 s) keeps the load low but can
notice a 30-second render fifteen seconds late. Once the render reports
progress, the rate of that progress says when it should end, so the schedule
aims there instead, never closer together than the first interval.
"""

from bot.nemo.models import RenderPhase, RenderStatus


class PollSchedule:
    """Delays between the polls of one render."""

    def __init__(self, *, first: float, growth: float, maximum: float) -> None:
        self._first = first
        self._growth = growth
        self._maximum = maximum
        self._backoff = first
        self._origin: tuple[float, float] | None = None  # (time, progress) first seen

    def next_delay(self, status: RenderStatus | None, now: float) -> float:
        """The wait before the next poll, given the latest answer (None if the poll failed)."""
        delay = self._backoff
        self._backoff = min(self._backoff * self._growth, self._maximum)
        remaining = self._expected_remaining(status, now)
        if remaining is not None:
            delay = min(delay, max(self._first, remaining))
        return delay

    def _expected_remaining(self, status: RenderStatus | None, now: float) -> float | None:
        if status is None or status.phase is not RenderPhase.PROCESSING:
            return None
        progress = status.progress
        if progress is None:
            return None
        if self._origin is None or progress < self._origin[1]:
            self._origin = (now, progress)
            return None
        elapsed, gained = now - self._origin[0], progress - self._origin[1]
        if elapsed <= 0 or gained <= 0:
            return None
        return (100.0 - progress) * elapsed / gained
