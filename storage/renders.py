"""Render jobs from submission to delivery, so a restart still delivers every video."""

from __future__ import annotations

from storage.connection import Connection, Row
from storage.errors import StorageError
from storage.records import RenderRecord
from storage.timestamps import from_optional_text, from_text, to_text, utc_now

_COLUMNS = """
render_id, chat_id, session_id, status, progress, output_url, error,
created_at, updated_at, delivered_at, attempts, video_file_id, source, instruction
"""

INITIAL_STATUS = "pending"
CLOUD = "cloud"
LOCAL = "local"


class RenderRepository:
    """Render jobs: what each is doing, and whether its video arrived."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add(
        self,
        render_id: str,
        chat_id: int,
        session_id: str,
        *,
        source: str = CLOUD,
        instruction: str | None = None,
    ) -> RenderRecord:
        """Record a render just submitted, status "pending". Raises StorageError on a reused id.

        ``source`` says who makes it (CLOUD or LOCAL); ``instruction`` is the person's
        words a LOCAL render reads its options from.
        """
        now = to_text(utc_now())
        row = await self._connection.fetch_one(
            f"""
            INSERT INTO renders (render_id, chat_id, session_id, status, created_at, updated_at,
                                 source, instruction)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            RETURNING {_COLUMNS}
            """,
            (render_id, chat_id, session_id, INITIAL_STATUS, now, now, source, instruction),
        )
        assert row is not None  # an INSERT with RETURNING yields its row or raises
        return _record(row)

    async def update(
        self,
        render_id: str,
        *,
        status: str,
        progress: float | None = None,
        output_url: str | None = None,
        error: str | None = None,
    ) -> None:
        """Record what the latest poll said; a field given as None keeps its last known value.

        Raises StorageError if no such render was added.
        """
        await self._change(
            render_id,
            """
            UPDATE renders SET
                status = ?,
                progress = COALESCE(?, progress),
                output_url = COALESCE(?, output_url),
                error = COALESCE(?, error),
                updated_at = ?
            WHERE render_id = ?
            """,
            (status, progress, output_url, error, to_text(utc_now()), render_id),
        )

    async def mark_delivered(self, render_id: str) -> None:
        """Record that the video (or its link) reached the chat: nothing left to resume."""
        now = to_text(utc_now())
        await self._change(
            render_id,
            "UPDATE renders SET delivered_at = ?, updated_at = ? WHERE render_id = ?",
            (now, now, render_id),
        )

    async def add_attempt(self, render_id: str) -> None:
        """Count one more try at delivering it, before the try: a try that crashes the bot
        still counts, so a render cannot crash it at every start-up forever.

        Raises StorageError if no such render was added.
        """
        await self._change(
            render_id,
            "UPDATE renders SET attempts = attempts + 1, updated_at = ? WHERE render_id = ?",
            (to_text(utc_now()), render_id),
        )

    async def keep_video(self, render_id: str, video_file_id: str) -> None:
        """Remember the delivered video as the messenger keeps it, to share it later."""
        await self._change(
            render_id,
            "UPDATE renders SET video_file_id = ?, updated_at = ? WHERE render_id = ?",
            (video_file_id, to_text(utc_now()), render_id),
        )

    async def undelivered(self) -> list[RenderRecord]:
        """Return the renders to resume after a restart, oldest first.

        A failed render is not among them: there is nothing left to deliver.
        """
        rows = await self._connection.fetch_all(
            f"""
            SELECT {_COLUMNS} FROM renders
            WHERE delivered_at IS NULL AND status <> 'failed'
            ORDER BY created_at, rowid
            """
        )
        return [_record(row) for row in rows]

    async def get(self, render_id: str) -> RenderRecord | None:
        """Return the render, or None if it was never added."""
        row = await self._connection.fetch_one(
            f"SELECT {_COLUMNS} FROM renders WHERE render_id = ?", (render_id,)
        )
        return None if row is None else _record(row)

    async def _change(self, render_id: str, sql: str, params: tuple[object, ...]) -> None:
        if await self._connection.execute(sql, params) == 0:
            raise StorageError(f"no render {render_id!r} was added")


def _record(row: Row) -> RenderRecord:
    return RenderRecord(
        render_id=row["render_id"],
        chat_id=row["chat_id"],
        session_id=row["session_id"],
        status=row["status"],
        progress=row["progress"],
        output_url=row["output_url"],
        error=row["error"],
        created_at=from_text(row["created_at"]),
        updated_at=from_text(row["updated_at"]),
        delivered_at=from_optional_text(row["delivered_at"]),
        attempts=row["attempts"],
        video_file_id=row["video_file_id"],
        source=row["source"],
        instruction=row["instruction"],
    )
