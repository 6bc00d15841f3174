"""The silence timer of group collections, on PTB's JobQueue.

A collection closes by itself once nobody has added anything for a while. The timer
is only a reminder to look: the core decides from the stored last activity, so a timer
that fires early (activity meanwhile) is simply set again for the time left, and a
restart only needs to set one timer per open collection.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram.ext import CallbackContext, JobQueue

# Given the chat id, closes the collection if it has been silent long enough and returns
# the seconds left otherwise (None once it is closed or gone).
IdleCheck = Callable[[int], Awaitable[float | None]]


class CollectionTimer:
    """One pending check per chat with an open collection."""

    def __init__(self, job_queue: JobQueue, idle_seconds: float, check: IdleCheck) -> None:
        self._job_queue = job_queue
        self._idle_seconds = idle_seconds
        self._check = check

    def restart(self, chat_id: int, after: float | None = None) -> None:
        """(Re)arm the chat's check for ``after`` seconds, by default the whole idle period."""
        name = _name(chat_id)
        for job in self._job_queue.get_jobs_by_name(name):
            job.schedule_removal()
        delay = self._idle_seconds if after is None else max(0.0, after)
        self._job_queue.run_once(self._due, delay, data=chat_id, name=name, chat_id=chat_id)

    async def _due(self, context: CallbackContext) -> None:
        chat_id = context.job.data if context.job else None
        if not isinstance(chat_id, int):
            return
        remaining = await self._check(chat_id)
        if remaining is not None:
            self.restart(chat_id, remaining)


def _name(chat_id: int) -> str:
    return f"collection:{chat_id}"
