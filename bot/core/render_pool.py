"""Local renders run in a worker process, one after another, in the order asked.

Encoding a video takes the CPU for seconds to minutes: in the bot's process it would
stall every chat. A pool of one worker, started with ``spawn`` (a fork would copy the
bot's threads and sockets), renders while the event loop keeps answering. The pool and
its worker start on the first local render, not with the bot: start-up stays quick and
a bot that never renders locally never pays for a worker.

Each chat has at most one render in line; the others wait their turn and are told their
place. Cancelling a waiting render drops it; cancelling the running one tells the worker,
which stops within a few frames and leaves no file behind.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import multiprocessing
import queue
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

from bot import render_worker

log = logging.getLogger(__name__)

# Nothing is cancelled while the shared value holds this: tokens start at 1.
_NOBODY = 0
_PROGRESS_POLL_SECONDS = 0.25


class RenderCancelled(Exception):
    """The render was cancelled, waiting or running; no video was made."""


class AlreadyRendering(Exception):
    """The chat has a local render in line already."""


class LocalRenderFailed(Exception):
    """The worker could not make the video; ``unreadable`` names a file it could not read.

    ``nothing`` is set when there was nothing to show (no photo, clip or title).
    """

    def __init__(
        self, message: str, *, unreadable: str | None = None, nothing: bool = False
    ) -> None:
        super().__init__(message)
        self.unreadable = unreadable
        self.nothing = nothing


@dataclass(frozen=True)
class LocalShot:
    """A file on disk to show, "photo" or "clip", for ``seconds`` if something says how long."""

    path: Path
    kind: str
    seconds: float | None = None


@dataclass(frozen=True)
class LocalCaption:
    """Text over the ``shot``-th item, from ``offset`` seconds into it, for ``seconds``."""

    text: str
    shot: int
    offset: float
    seconds: float


@dataclass(frozen=True)
class LocalJob:
    """What to render: the shots in order, the song, the words and the captions."""

    media: tuple[LocalShot, ...]
    output: Path
    music: Path | None
    instruction: str
    short_side: int
    captions: tuple[LocalCaption, ...] = ()


@dataclass(frozen=True)
class LocalVideo:
    """The finished file, with what sendVideo wants to know about it."""

    path: Path
    width: int
    height: int
    seconds: float


@dataclass(eq=False)
class _Ticket:
    key: int
    token: int
    moved: asyncio.Event = field(default_factory=asyncio.Event)
    cancelled: bool = False


OnQueued = Callable[[int], Awaitable[None]]
OnProgress = Callable[[float], Awaitable[None]]


class RenderPool:
    """The worker process and the line in front of it."""

    def __init__(self, *, workers: int = 1) -> None:
        self._workers = workers
        self._line: list[_Ticket] = []
        self._tokens = itertools.count(1)
        self._executor: ProcessPoolExecutor | None = None
        self._progress: Queue[tuple[int, int, int]] | None = None
        self._cancel: Synchronized[int] | None = None

    async def render(
        self, key: int, job: LocalJob, *, on_queued: OnQueued, on_progress: OnProgress
    ) -> LocalVideo:
        """Wait for a worker, then render; ``key`` (the chat) may have one render in line.

        ``on_queued`` hears the place in line (1: next) whenever it changes while
        waiting; ``on_progress`` the percent done while rendering. Raises
        AlreadyRendering, RenderCancelled or LocalRenderFailed.
        """
        if any(ticket.key == key for ticket in self._line):
            raise AlreadyRendering(f"chat {key} has a local render in line")
        ticket = _Ticket(key, next(self._tokens))
        self._line.append(ticket)
        try:
            await self._wait_turn(ticket, on_queued)
            return await self._run(ticket, job, on_progress)
        finally:
            self._line.remove(ticket)
            for other in self._line:
                other.moved.set()

    def cancel(self, key: int) -> bool:
        """Cancel the chat's render, waiting or running; False if it has none."""
        ticket = next((ticket for ticket in self._line if ticket.key == key), None)
        if ticket is None:
            return False
        ticket.cancelled = True
        ticket.moved.set()
        if self._cancel is not None and self._position(ticket) == 0:
            self._cancel.value = ticket.token
        return True

    def close(self) -> None:
        """Stop the worker without waiting: a render cut here is resumed after a restart."""
        if self._cancel is not None:
            for ticket in self._line:
                if self._position(ticket) == 0:
                    self._cancel.value = ticket.token
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def _position(self, ticket: _Ticket) -> int:
        """How many renders wait before this one; 0 once a worker is its."""
        return max(0, self._line.index(ticket) - self._workers + 1)

    async def _wait_turn(self, ticket: _Ticket, on_queued: OnQueued) -> None:
        told = None
        while True:
            # Cleared before looking, so a move during on_queued still wakes the wait.
            ticket.moved.clear()
            if ticket.cancelled:
                raise RenderCancelled(f"chat {ticket.key}: cancelled while waiting")
            position = self._position(ticket)
            if position == 0:
                return
            if position != told:
                told = position
                await on_queued(position)
            await ticket.moved.wait()

    async def _run(self, ticket: _Ticket, job: LocalJob, on_progress: OnProgress) -> LocalVideo:
        executor, progress = self._started()
        future = executor.submit(
            render_worker.run,
            ticket.token,
            [(str(shot.path), shot.kind, shot.seconds) for shot in job.media],
            str(job.output),
            str(job.music) if job.music else None,
            job.instruction,
            job.short_side,
            [(c.text, c.shot, c.offset, c.seconds) for c in job.captions],
        )
        running = asyncio.wrap_future(future)
        while not running.done():
            try:
                token, done, total = await asyncio.to_thread(
                    progress.get, True, _PROGRESS_POLL_SECONDS
                )
            except queue.Empty:
                continue
            if token == ticket.token and total:
                await on_progress(100 * done / total)
        outcome = await running
        return _video(outcome, job.output, ticket)

    def _started(self) -> tuple[ProcessPoolExecutor, Queue[tuple[int, int, int]]]:
        if self._executor is None or self._progress is None:
            context = multiprocessing.get_context("spawn")
            self._progress = context.Queue()
            self._cancel = context.Value("q", _NOBODY)
            self._executor = ProcessPoolExecutor(
                self._workers,
                mp_context=context,
                initializer=render_worker.install,
                initargs=(self._progress, self._cancel),
            )
            log.info("local render worker started", extra={"event": "render_worker_started"})
        return self._executor, self._progress


def _video(outcome: render_worker.Outcome, output: Path, ticket: _Ticket) -> LocalVideo:
    match outcome:
        case ("done", width, height, seconds):
            return LocalVideo(output, int(width), int(height), float(seconds))
        case ("cancelled",):
            raise RenderCancelled(f"chat {ticket.key}: cancelled while rendering")
        case ("nothing",):
            raise LocalRenderFailed("nothing to render", nothing=True)
        case ("unreadable", name):
            raise LocalRenderFailed(f"cannot read {name}", unreadable=name)
    raise LocalRenderFailed(" ".join(outcome))
