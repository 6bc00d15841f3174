"""What was uploaded into which session, for acknowledgements and idempotence."""

from __future__ import annotations

from storage.connection import Connection
from storage.timestamps import to_text, utc_now


class UploadRepository:
    """Uploads keyed by session and Telegram's `file_unique_id`, which is stable per file."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def record(
        self,
        chat_id: int,
        session_id: str,
        telegram_file_unique_id: str,
        filename: str,
        file_type: str,
    ) -> bool:
        """Claim the file for the session; False if it was already recorded there.

        Call it before uploading and upload only on True, so a re-delivered Telegram update
        never uploads twice; if the upload then fails, `forget` the claim.
        """
        changed = await self._connection.execute(
            """
            INSERT INTO uploads (session_id, file_unique_id, chat_id, filename, file_type,
                                 uploaded_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (session_id, file_unique_id) DO NOTHING
            """,
            (
                session_id,
                telegram_file_unique_id,
                chat_id,
                filename,
                file_type,
                to_text(utc_now()),
            ),
        )
        return changed == 1

    async def forget(self, session_id: str, telegram_file_unique_id: str) -> None:
        """Drop a claim whose upload failed, so sending the file again uploads it."""
        await self._connection.execute(
            "DELETE FROM uploads WHERE session_id = ? AND file_unique_id = ?",
            (session_id, telegram_file_unique_id),
        )

    async def count(self, session_id: str) -> int:
        """Return how many files the session holds."""
        row = await self._connection.fetch_one(
            "SELECT count(*) AS files FROM uploads WHERE session_id = ?", (session_id,)
        )
        assert row is not None  # an aggregate always yields one row
        return row["files"]
