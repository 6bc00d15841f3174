"""Updates received and not yet handled, so a restart can handle them after all.

The payload is the update as Telegram sent it (JSON text); storage does not look
inside it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from storage.connection import Connection
from storage.records import InboxRecord
from storage.timestamps import from_text, to_text, utc_now


class InboxRepository:
    """At most one row per update id; a row leaves once its update is handled."""

    def __init__(self, connection: Connection, *, saves: Connection | None = None) -> None:
        self._connection = connection
        # The next getUpdates waits for a save: it may have a connection of its own.
        self._saves = saves or connection

    async def add(
        self, updates: Mapping[int, str], chats: Mapping[int, int] | None = None
    ) -> None:
        """Keep updates (id → payload) until handled; ids already kept stay as they are.

        ``chats`` maps an update id to its chat, for the replica that holds the chat.
        """
        received_at = to_text(utc_now())
        chat_of = chats or {}
        async with self._saves.transaction() as statements:
            await statements.execute_many(
                "INSERT INTO inbox (update_id, payload, received_at, chat_id) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (update_id) DO NOTHING",
                [
                    (update_id, payload, received_at, chat_of.get(update_id))
                    for update_id, payload in updates.items()
                ],
            )

    async def remove(self, update_ids: Iterable[int]) -> None:
        """Forget updates that were handled, or whose work a durable record now holds."""
        ids = list(update_ids)
        if not ids:
            return
        marks = ", ".join("?" * len(ids))
        await self._connection.execute(f"DELETE FROM inbox WHERE update_id IN ({marks})", ids)

    async def pending(self, update_ids: Collection[int] | None = None) -> list[InboxRecord]:
        """The updates still to handle (of ``update_ids`` only, if given), in Telegram's order."""
        where, params = "", list(update_ids or ())
        if update_ids is not None:
            if not params:
                return []
            where = f"WHERE update_id IN ({', '.join('?' * len(params))})"
        rows = await self._connection.fetch_all(
            f"SELECT update_id, payload, received_at FROM inbox {where} ORDER BY update_id",
            params,
        )
        return [
            InboxRecord(
                update_id=row["update_id"],
                payload=row["payload"],
                received_at=from_text(row["received_at"]),
            )
            for row in rows
        ]

    async def chats(self) -> set[int]:
        """The chats with updates still to handle."""
        rows = await self._connection.fetch_all(
            "SELECT DISTINCT chat_id FROM inbox WHERE chat_id IS NOT NULL"
        )
        return {row["chat_id"] for row in rows}

    async def held_by(self, holder: str) -> list[int]:
        """The ids of updates waiting for chats whose lease ``holder`` has, oldest first.

        Another replica received them while ``holder`` had their chat (see storage.leases).
        """
        rows = await self._connection.fetch_all(
            "SELECT inbox.update_id FROM inbox JOIN leases "
            "ON leases.name = 'chat:' || inbox.chat_id "
            "WHERE leases.holder = ? ORDER BY inbox.update_id",
            (holder,),
        )
        return [row["update_id"] for row in rows]
