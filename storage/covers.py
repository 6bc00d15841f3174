"""Each project's cover: its first photo, made small, shown on its videos before they play."""

from __future__ import annotations

from storage.connection import Connection
from storage.timestamps import to_text, utc_now


class CoverRepository:
    """One JPEG per session, the first one kept."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def keep(self, session_id: str, jpeg: bytes) -> bool:
        """Keep ``jpeg`` as the session's cover unless it has one; True if it was kept."""
        changed = await self._connection.execute(
            """
            INSERT INTO project_covers (session_id, jpeg, created_at) VALUES (?, ?, ?)
            ON CONFLICT (session_id) DO NOTHING
            """,
            (session_id, jpeg, to_text(utc_now())),
        )
        return changed == 1

    async def has(self, session_id: str) -> bool:
        """Whether the session has its cover already."""
        row = await self._connection.fetch_one(
            "SELECT 1 AS found FROM project_covers WHERE session_id = ?", (session_id,)
        )
        return row is not None

    async def get(self, session_id: str) -> bytes | None:
        """The session's cover, or None when no photo reached it yet."""
        row = await self._connection.fetch_one(
            "SELECT jpeg FROM project_covers WHERE session_id = ?", (session_id,)
        )
        return None if row is None else bytes(row["jpeg"])
