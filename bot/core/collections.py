"""Group collections: open, fed by members' media, closed by /crea or by silence.

The whole lifecycle lives here. The timer is only a reminder to look: whether the
collection has been silent long enough is decided from the stored last activity, so a
timer that fires early (activity meanwhile) is simply armed again for the time left,
and a restart only needs to arm one timer per open collection.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.chats import ChatDirectory
from bot.core.notices import CollectionClosedIdle, CollectionOpened, CollectionSummary
from bot.core.ports import ChatOutput, ChatRef, OutputFactory, Timer
from bot.core.sessions import Sessions
from storage import Database


class Collections:
    """Open collections, one per group at most, each with its silence timer."""

    def __init__(
        self,
        db: Database,
        chats: ChatDirectory,
        sessions: Sessions,
        timer: Timer,
        outputs: OutputFactory,
        *,
        idle_seconds: float,
    ) -> None:
        self._db = db
        self._chats = chats
        self._sessions = sessions
        self._timer = timer
        self._outputs = outputs
        self._idle_seconds = idle_seconds

    async def open(self, chat: ChatRef, opened_by: str, out: ChatOutput) -> None:
        """Open the group's collection: members' media go into the project until /crea."""
        await self._db.collections.open(chat.chat_id, opened_by)
        self._arm(chat.chat_id, self._idle_seconds)
        await out.show(CollectionOpened(opened_by))

    async def is_open(self, chat_id: int) -> bool:
        """True while the chat has an open collection."""
        return await self._db.collections.get(chat_id) is not None

    async def touch(self, chat_id: int) -> bool:
        """Media arrived: the silence starts again. True while a collection is open."""
        if not await self._db.collections.touch(chat_id):
            return False
        self._arm(chat_id, self._idle_seconds)
        return True

    async def contributed(self, chat_id: int, contributor: str, items: int) -> None:
        """Count a member's files for the summary the collection ends with."""
        await self._db.collections.contribute(chat_id, contributor, items)

    async def finish(self, chat: ChatRef) -> CollectionSummary | None:
        """Close the collection, if any, and sum up who added what (None if nobody did).

        Its timer then finds nothing to do.
        """
        contributions = await self._db.collections.contributions(chat.chat_id)
        await self._db.collections.close(chat.chat_id)
        if not contributions:
            return None
        total = await self._sessions.item_count(chat)
        return CollectionSummary(tuple(contributions), total)

    async def restore(self) -> None:
        """After a start: look at every open collection now, as no timer survived."""
        for collection in await self._db.collections.all_open():
            self._arm(collection.chat_id, 0)

    async def close_if_idle(self, chat_id: int) -> None:
        """Close a collection silent for the idle period, saying so; else look again later."""
        record = await self._db.collections.get(chat_id)
        if record is None:
            return
        silent = (datetime.now(UTC) - record.last_activity_at).total_seconds()
        if silent < self._idle_seconds:
            self._arm(chat_id, self._idle_seconds - silent)
            return
        await self._db.collections.close(chat_id)
        chat = await self._chats.known(chat_id)
        total = await self._sessions.item_count(chat)
        minutes = round(self._idle_seconds / 60)
        await self._outputs(chat).show(CollectionClosedIdle(total=total, idle_minutes=minutes))

    def _arm(self, chat_id: int, after: float) -> None:
        self._timer.arm(
            f"collection:{chat_id}", max(0.0, after), lambda: self.close_if_idle(chat_id)
        )
