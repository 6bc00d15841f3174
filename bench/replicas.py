"""The bot as several replicas on one database, for the benchmarks that load it.

``--database sqlite`` is a file in a temporary folder; ``--database postgresql`` a
throwaway server from the machine's binaries (tests/postgres.py, as the tests use it).
Replicas poll: the first to start holds the poller's lease and does the work, the
others stand by (bot.telegram.leadership), as a deployment of several pollers runs.
"""

import contextlib
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Self

from bench.support import PeakRss, Subject
from tests.fakes.telegram import TelegramFake
from tests.postgres import SKIP_REASON, PostgresServer, find_bindir
from tests.waiting import until_sync

DATABASES = ("sqlite", "postgresql")


@contextlib.contextmanager
def database_url(kind: str, folder: Path) -> Iterator[str]:
    """DATABASE_URL of a fresh database of ``kind``, removed at the end."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'bot.db'}"
        return
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit(SKIP_REASON)
    with PostgresServer(bindir) as server:
        yield server.url(server.create_database())


class Standby(Subject):
    """A replica that starts while another polls: it is ready once it says it stands by."""

    def __enter__(self) -> Self:
        self.started = time.monotonic()
        self._process = self._spawn()
        until_sync(lambda: "standing by" in self.log(), 60, what="standing by")
        return self


class Replicas:
    """``count`` bot processes on one database; the first polls, the others stand by."""

    def __init__(self, env: Mapping[str, str], telegram: TelegramFake, count: int) -> None:
        self.members = [Subject.bot(env, telegram)]
        self.members += [Standby.bot(env, telegram) for _ in range(count - 1)]
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> Self:
        with self._stack as stack:
            for member in self.members:
                stack.enter_context(member)
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()

    @property
    def pids(self) -> list[int]:
        return [member.pid for member in self.members]

    def errors(self) -> list[str]:
        """Every replica's ERROR lines."""
        return [line for member in self.members for line in member.errors()]


class PeakRssEach:
    """``PeakRss`` of every replica over a ``with`` block."""

    def __init__(self, pids: list[int]) -> None:
        self.each = [PeakRss(pid) for pid in pids]

    def __enter__(self) -> Self:
        for rss in self.each:
            rss.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        for rss in self.each:
            rss.__exit__()

    @property
    def peak(self) -> int:
        """The highest of the replicas' peaks: the target holds for each process."""
        return max(rss.peak for rss in self.each)
