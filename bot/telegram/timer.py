"""The core's Timer, on PTB's JobQueue: one pending call per key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram.ext import CallbackContext, JobQueue


class JobQueueTimer:
    """Arms JobQueue jobs by name, so arming a key again replaces its pending call."""

    def __init__(self, job_queue: JobQueue) -> None:
        self._job_queue = job_queue

    def arm(self, key: str, after: float, due: Callable[[], Awaitable[None]]) -> None:
        """Call ``due`` in ``after`` seconds, replacing what was armed under ``key``."""
        for job in self._job_queue.get_jobs_by_name(key):
            job.schedule_removal()

        async def run(_: CallbackContext) -> None:
            await due()

        self._job_queue.run_once(run, max(0.0, after), name=key)
