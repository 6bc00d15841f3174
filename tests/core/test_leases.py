"""The lease keeper: renewals on time, a late one said in the log, a lost lease reported."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from bot.core.leases import RENEWALS, LeaseKeeper
from storage import Taken
from tests.waiting import until


class Leases:
    """The two calls the keeper makes, in memory; ``taken_away`` plays another replica."""

    def __init__(self) -> None:
        self.renewals = 0
        self.taken_away: set[str] = set()
        self.held: set[str] = set()

    async def take(self, name: str, holder: str, seconds: float) -> Taken | None:
        self.held.add(name)
        return Taken.FREE

    async def renew(self, holder: str, seconds: float) -> set[str]:
        self.renewals += 1
        return self.held - self.taken_away


def keeper(leases: Leases, seconds: float) -> LeaseKeeper:
    return LeaseKeeper(leases, seconds=seconds, holder="here")  # type: ignore[arg-type]


async def test_a_renewal_after_the_loop_was_held_says_so(caplog: pytest.LogCaptureFixture):
    leases = Leases()
    running = asyncio.create_task(keeper(leases, seconds=0.5).run())
    await until(lambda: leases.renewals >= 1, timeout=5, interval=0.01)
    with caplog.at_level(logging.WARNING, logger="bot.core.leases"):
        time.sleep(3 * 0.5 / RENEWALS)  # noqa: ASYNC251 (the blocking work being tested)
        await until(lambda: "late" in caplog.text, timeout=5, interval=0.01)
    running.cancel()


async def test_a_lease_another_replica_took_is_reported_and_dropped():
    leases = Leases()
    held = keeper(leases, seconds=0.5)
    await held.take("poller")
    lost: list[set[str]] = []
    held.when_lost(lost.append)
    running = asyncio.create_task(held.run())
    leases.taken_away.add("poller")
    await until(lambda: lost == [{"poller"}], timeout=5, interval=0.01)
    assert not held.holds("poller")
    running.cancel()
