"""The bot's NemoVideo credentials, kept so an anonymous token is reused, not re-requested."""

from __future__ import annotations

from storage.connection import Connection, Row
from storage.records import CredentialRecord
from storage.timestamps import from_optional_text, to_text


class CredentialRepository:
    """The one row holding the client id and the token the bot talks to NemoVideo with."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def get(self) -> CredentialRecord | None:
        """Return the stored credentials, or None before the first save."""
        row = await self._connection.fetch_one(
            "SELECT client_id, token, user_id, expires_at FROM credentials WHERE id = 1"
        )
        return None if row is None else _record(row)

    async def save(self, record: CredentialRecord) -> None:
        """Store `record`, replacing what was there."""
        expires_at = None if record.expires_at is None else to_text(record.expires_at)
        await self._connection.execute(
            """
            INSERT INTO credentials (id, client_id, token, user_id, expires_at)
            VALUES (1, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
                client_id = excluded.client_id,
                token = excluded.token,
                user_id = excluded.user_id,
                expires_at = excluded.expires_at
            """,
            (record.client_id, record.token, record.user_id, expires_at),
        )


def _record(row: Row) -> CredentialRecord:
    return CredentialRecord(
        client_id=row["client_id"],
        token=row["token"],
        user_id=row["user_id"],
        expires_at=from_optional_text(row["expires_at"]),
    )
