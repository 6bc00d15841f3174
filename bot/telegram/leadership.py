"""Polling with several replicas: one polls, the others stand by to take over.

Telegram answers a second concurrent getUpdates with 409 Conflict and hands each update
to whichever poll asked last, so two pollers would split the chats' updates between
them. Only the holder of the "poller" lease polls. The others keep asking for it every
tenth of the lease period; when the poller dies its lease expires, one of them gets it
and, before its first getUpdates, does what a restart does: queues the updates the
dead poller kept in the inbox and resumes its cut turns and renders. The poller does
all the work, so standing by costs a statement or two a second and nothing is done
twice.

A poller that cannot renew its lease stops the process: by then another replica may be
polling and resuming the same work. The platform starts it again, as a standby.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import Updater

from bot.core.leases import LeaseKeeper
from storage import StorageError

log = logging.getLogger(__name__)

POLLER = "poller"


class LeaderUpdater(Updater):
    """An Updater whose ``start_polling`` returns at once and polls once it leads.

    ``running`` is True while standing by as well, so the Application stops it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._keeper: LeaseKeeper | None = None
        self._on_leading: Callable[[], Awaitable[None]] | None = None
        self._standing_by: asyncio.Task[None] | None = None

    def lead_with(self, keeper: LeaseKeeper, on_leading: Callable[[], Awaitable[None]]) -> None:
        """Poll under ``keeper``'s "poller" lease; run ``on_leading`` when it is taken."""
        self._keeper = keeper
        self._on_leading = on_leading

    @property
    def running(self) -> bool:
        """True while polling or standing by to poll."""
        standing = self._standing_by is not None and not self._standing_by.done()
        return standing or super().running

    async def start_polling(self, **options: Any) -> asyncio.Queue[object]:  # type: ignore[override]
        """Stand by for the lease in the background; poll with ``options`` once it is held."""
        if self._keeper is None:
            return await super().start_polling(**options)
        self._standing_by = asyncio.create_task(self._stand_by(options))
        return self.update_queue

    async def stop(self) -> None:
        """Stop standing by, or stop polling."""
        if self._standing_by is not None and not self._standing_by.done():
            self._standing_by.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._standing_by
        if super().running:
            await super().stop()

    async def _stand_by(self, options: dict[str, Any]) -> None:
        assert self._keeper is not None and self._on_leading is not None
        announced = False
        while True:
            try:
                if await self._keeper.take(POLLER) is not None:
                    break
            except StorageError as error:
                log.warning("could not ask for the poller lease: %s", error)
            if not announced:
                log.info("another replica polls Telegram; standing by to take over")
                announced = True
            await asyncio.sleep(self._keeper.ask_every)
        log.info("this replica polls Telegram now (%s)", self._keeper.holder)
        await self._on_leading()
        # Not standing by any more: super().start_polling refuses while `running`.
        self._standing_by = None
        await super().start_polling(**options)
