"""Updates received and not yet handled, so a restart can handle them after all.

The payload is the update as Telegram sent it (JSON text); storage does not look
inside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from storage.connection import Connection
from storage.records import InboxRecord
from storage.timestamps import from_text, to_text, utc_now


class InboxRepository:
    """At most one row per update id; a row leaves once its update is handled."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add(self, updates: Mapping[int, str]) -> None:
        """Keep updates (id → payload) until handled; ids already kept stay as they are."""
        received_at = to_text(utc_now())
        async with self._connection.transaction() as statements:
            await statements.execute_many(
                "INSERT INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?) "
                "ON CONFLICT (update_id) DO NOTHING",
                [(update_id, payload, received_at) for update_id, payload in updates.items()],
            )

    async def remove(self, update_ids: Iterable[int]) -> None:
        """Forget updates that were handled, or whose work a durable record now holds."""
        ids = list(update_ids)
        if not ids:
            return
        marks = ", ".join("?" * len(ids))
        await self._connection.execute(f"DELETE FROM inbox WHERE update_id IN ({marks})", ids)

    async def pending(self) -> list[InboxRecord]:
        """The updates still to handle, in the order Telegram numbered them."""
        rows = await self._connection.fetch_all(
            "SELECT update_id, payload, received_at FROM inbox ORDER BY update_id"
        )
        return [
            InboxRecord(
                update_id=row["update_id"],
                payload=row["payload"],
                received_at=from_text(row["received_at"]),
            )
            for row in rows
        ]
