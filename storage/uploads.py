"""What was uploaded into which session, for acknowledgements and idempotence.

An upload is two-phase: `claim` before sending, `mark_uploaded` once the cloud has the
file. A claim names the process that made it (`Claimant`), so a claim left by a process
that died mid-upload (SIGKILL, an OOM kill) is told from one still being uploaded, and
the next process takes it over instead of taking the file for a duplicate.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from storage.connection import Connection
from storage.timestamps import to_text, utc_now


@dataclass(frozen=True)
class Claimant:
    """The process claiming uploads: one identity per boot, and when that boot began."""

    boot_id: str
    started_at: datetime

    @classmethod
    def this_boot(cls) -> Claimant:
        """A new identity, starting now: call it once per process."""
        return cls(boot_id=uuid.uuid4().hex, started_at=utc_now())


@dataclass(frozen=True)
class UploadedMedia:
    """A file in a session, as Telegram knows it, what it was judged to be, and what the
    cloud called it (None for files uploaded before those names were kept)."""

    file_id: str
    file_type: str
    cloud_name: str | None = None
    cloud_url: str | None = None


class UploadRepository:
    """Uploads keyed by session and Telegram's `file_unique_id`, which is stable per file."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def claim(
        self,
        chat_id: int,
        session_id: str,
        telegram_file_unique_id: str,
        filename: str,
        file_type: str,
        *,
        claimant: Claimant,
        stale_before: datetime,
        file_id: str | None = None,
    ) -> bool:
        """Claim the file for the session before uploading it; False if that would upload twice.

        Upload only on True, so a re-delivered Telegram update never uploads the same file
        twice. False means the file is uploaded there, or claimed by a process that may
        still be uploading it: this one, or another that claimed it after this one started.
        A claim made by another process before this one started was left by a process that
        died (a restart replays its update), and one made before ``stale_before`` by any
        process is given up for lost: either is taken over, and True returned.

        ``file_id`` is what fetches the file from Telegram again, for a local render.
        """
        changed = await self._connection.execute(
            """
            INSERT INTO uploads (session_id, file_unique_id, chat_id, filename, file_type,
                                 claimed_by, claimed_at, file_id)
            VALUES (:session_id, :file_unique_id, :chat_id, :filename, :file_type,
                    :boot_id, :now, :file_id)
            ON CONFLICT (session_id, file_unique_id) DO UPDATE SET
                claimed_by = excluded.claimed_by,
                claimed_at = excluded.claimed_at,
                file_id = excluded.file_id
            WHERE uploads.uploaded_at IS NULL
              AND ((uploads.claimed_by <> :boot_id AND uploads.claimed_at < :started_at)
                   OR uploads.claimed_at < :stale_before)
            """,
            {
                "session_id": session_id,
                "file_unique_id": telegram_file_unique_id,
                "chat_id": chat_id,
                "filename": filename,
                "file_type": file_type,
                "boot_id": claimant.boot_id,
                "now": to_text(utc_now()),
                "started_at": to_text(claimant.started_at),
                "stale_before": to_text(stale_before),
                "file_id": file_id,
            },
        )
        return changed == 1

    async def mark_uploaded(
        self,
        session_id: str,
        telegram_file_unique_id: str,
        file_type: str | None = None,
        *,
        cloud_name: str | None = None,
        cloud_url: str | None = None,
    ) -> None:
        """Record that the cloud has the file: from now on sending it again is a duplicate.

        ``file_type`` is what the file turned out to be (image, video, audio), once judged
        by its content; None keeps what the claim said. ``cloud_name`` and ``cloud_url``
        are the file name and CDN address the cloud answered with, by which the project's
        draft may refer to the file.
        """
        await self._connection.execute(
            """
            UPDATE uploads SET uploaded_at = ?, file_type = COALESCE(?, file_type),
                               cloud_name = ?, cloud_url = ?
            WHERE session_id = ? AND file_unique_id = ? AND uploaded_at IS NULL
            """,
            (
                to_text(utc_now()),
                file_type,
                cloud_name,
                cloud_url,
                session_id,
                telegram_file_unique_id,
            ),
        )

    async def forget(
        self, session_id: str, telegram_file_unique_id: str, *, claimant: Claimant
    ) -> None:
        """Drop a claim whose upload failed, so sending the file again uploads it.

        Only the claimant's own claim goes: one taken over by another process meanwhile
        is that process's to keep or drop.
        """
        await self._connection.execute(
            """
            DELETE FROM uploads
            WHERE session_id = ? AND file_unique_id = ? AND claimed_by = ?
              AND uploaded_at IS NULL
            """,
            (session_id, telegram_file_unique_id, claimant.boot_id),
        )

    async def count(self, session_id: str) -> int:
        """Return how many files the session holds: uploaded, not merely claimed."""
        row = await self._connection.fetch_one(
            """
            SELECT count(*) AS files FROM uploads
            WHERE session_id = ? AND uploaded_at IS NOT NULL
            """,
            (session_id,),
        )
        assert row is not None  # an aggregate always yields one row
        return row["files"]

    async def media(self, session_id: str) -> list[UploadedMedia]:
        """The session's uploaded files that Telegram can hand out again, in the order sent.

        A file recorded before file ids were kept is left out: it cannot be fetched.
        """
        rows = await self._connection.fetch_all(
            """
            SELECT file_id, file_type, cloud_name, cloud_url FROM uploads
            WHERE session_id = ? AND uploaded_at IS NOT NULL AND file_id IS NOT NULL
            ORDER BY claimed_at, file_unique_id
            """,
            (session_id,),
        )
        return [
            UploadedMedia(
                file_id=row["file_id"],
                file_type=row["file_type"],
                cloud_name=row["cloud_name"],
                cloud_url=row["cloud_url"],
            )
            for row in rows
        ]
