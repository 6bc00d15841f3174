"""The render poll schedule, on a simulated clock: backs off, then aims at the expected end."""

import pytest

from bot.nemo import RenderPhase, RenderStatus
from bot.nemo.polling import PollSchedule


def _render_at(t: float, *, ends_at: float, reports_progress: bool) -> RenderStatus:
    """A render that is pending for 10 % of its time, then progresses linearly."""
    if t >= ends_at:
        return RenderStatus("r", RenderPhase.COMPLETED, 100, "u", None, None, None)
    if t < ends_at * 0.1:
        return RenderStatus("r", RenderPhase.PENDING, None, None, None, None, None)
    progress = int(100 * t / ends_at) if reports_progress else None
    return RenderStatus("r", RenderPhase.PROCESSING, progress, None, None, None, None)


def _poll(ends_at: float, *, reports_progress: bool) -> tuple[int, float]:
    """Poll a simulated render with the default knobs; returns (polls, lateness)."""
    schedule = PollSchedule(first=2.0, growth=1.5, maximum=30.0)
    now, polls = 0.0, 0
    while True:
        polls += 1
        status = _render_at(now, ends_at=ends_at, reports_progress=reports_progress)
        if status.phase is RenderPhase.COMPLETED:
            return polls, now - ends_at
        now += schedule.next_delay(status, now)


@pytest.mark.parametrize("ends_at", [10.0, 30.0, 45.0, 120.0])
def test_progress_lets_completion_be_noticed_within_the_first_interval(ends_at):
    polls, lateness = _poll(ends_at, reports_progress=True)

    assert lateness <= 2.0
    assert polls <= 4 + ends_at / 10


def test_without_progress_the_schedule_only_backs_off():
    _, lateness = _poll(30.0, reports_progress=False)

    # 0, 2, 5, 9.5, 16.25, 26.4, 41.6: the 30-second render is seen 11.6 s late.
    assert lateness == pytest.approx(11.5625)


def test_back_off_grows_by_the_factor_up_to_the_maximum():
    schedule = PollSchedule(first=2.0, growth=1.5, maximum=30.0)

    delays = [schedule.next_delay(None, float(i)) for i in range(10)]

    assert delays[:4] == [2.0, 3.0, 4.5, 6.75]
    assert max(delays) == 30.0 and delays[-1] == 30.0


def test_a_stalled_progress_does_not_shorten_the_wait():
    schedule = PollSchedule(first=2.0, growth=1.5, maximum=30.0)
    stalled = RenderStatus("r", RenderPhase.PROCESSING, 40, None, None, None, None)

    delays = [schedule.next_delay(stalled, t) for t in (0.0, 2.0, 5.0)]

    assert delays == [2.0, 3.0, 4.5]
