"""Open collections: a group gathering members' photos for one video.

Stored so that a restart keeps a collection open and can still close it on time.
"""

from __future__ import annotations

from storage.connection import Connection, Row
from storage.records import CollectionRecord
from storage.timestamps import from_text, to_text, utc_now

_COLUMNS = "chat_id, opened_by, opened_at, last_activity_at"


class CollectionRepository:
    """At most one open collection per chat."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def open(self, chat_id: int, opened_by: str) -> CollectionRecord:
        """Open (or reopen) the chat's collection, starting its silence clock now."""
        now = to_text(utc_now())
        await self._connection.execute(
            "DELETE FROM collection_contributions WHERE chat_id = ?", (chat_id,)
        )
        await self._connection.execute(
            f"""
            INSERT INTO collections ({_COLUMNS}) VALUES (?, ?, ?, ?)
            ON CONFLICT (chat_id) DO UPDATE SET
                opened_by = excluded.opened_by,
                opened_at = excluded.opened_at,
                last_activity_at = excluded.last_activity_at
            """,
            (chat_id, opened_by, now, now),
        )
        record = await self.get(chat_id)
        assert record is not None
        return record

    async def touch(self, chat_id: int) -> bool:
        """Note activity; False when the chat has no open collection."""
        changed = await self._connection.execute(
            "UPDATE collections SET last_activity_at = ? WHERE chat_id = ?",
            (to_text(utc_now()), chat_id),
        )
        return changed > 0

    async def close(self, chat_id: int) -> bool:
        """Close the chat's collection, forgetting who added what; False when none was open."""
        await self._connection.execute(
            "DELETE FROM collection_contributions WHERE chat_id = ?", (chat_id,)
        )
        changed = await self._connection.execute(
            "DELETE FROM collections WHERE chat_id = ?", (chat_id,)
        )
        return changed > 0

    async def contribute(self, chat_id: int, contributor: str, items: int) -> None:
        """Count ``items`` more files from ``contributor`` in the chat's collection."""
        await self._connection.execute(
            """
            INSERT INTO collection_contributions (chat_id, contributor, items, first_at)
            VALUES (?, ?, ?, ?)
            ON CONFLICT (chat_id, contributor) DO UPDATE SET
                items = collection_contributions.items + excluded.items
            """,
            (chat_id, contributor, items, to_text(utc_now())),
        )

    async def contributions(self, chat_id: int) -> list[tuple[str, int]]:
        """Who added how many files to the chat's collection, first contributor first."""
        rows = await self._connection.fetch_all(
            """
            SELECT contributor, items FROM collection_contributions
            WHERE chat_id = ? ORDER BY first_at, contributor
            """,
            (chat_id,),
        )
        return [(row["contributor"], row["items"]) for row in rows]

    async def get(self, chat_id: int) -> CollectionRecord | None:
        """The chat's open collection, if any."""
        row = await self._connection.fetch_one(
            f"SELECT {_COLUMNS} FROM collections WHERE chat_id = ?", (chat_id,)
        )
        return _record(row) if row else None

    async def all_open(self) -> list[CollectionRecord]:
        """Every open collection, for rescheduling their timeouts after a restart."""
        rows = await self._connection.fetch_all(
            f"SELECT {_COLUMNS} FROM collections ORDER BY opened_at"
        )
        return [_record(row) for row in rows]


def _record(row: Row) -> CollectionRecord:
    return CollectionRecord(
        chat_id=row["chat_id"],
        opened_by=row["opened_by"],
        opened_at=from_text(row["opened_at"]),
        last_activity_at=from_text(row["last_activity_at"]),
    )
