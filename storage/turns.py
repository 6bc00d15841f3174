"""Agent turns in flight, so a restart can tell the chat its request was cut short.

A turn is recorded only to be reported, never to be re-sent: re-sending would duplicate
the work and charge the credits twice.
"""

from __future__ import annotations

from storage.connection import Connection
from storage.records import TurnRecord
from storage.timestamps import from_text, to_text, utc_now


class TurnRepository:
    """At most one turn per chat: the message the agent is working on."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def start(self, chat_id: int, session_id: str, text: str) -> None:
        """Record that the chat's message went to the agent.

        A record the chat already had is replaced: the core lets one turn run at a time,
        so an old record can only be a leftover that was never finished.
        """
        await self._connection.execute(
            """
            INSERT INTO turns (chat_id, session_id, text, started_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (chat_id) DO UPDATE SET
                session_id = excluded.session_id,
                text = excluded.text,
                started_at = excluded.started_at
            """,
            (chat_id, session_id, text, to_text(utc_now())),
        )

    async def finish(self, chat_id: int) -> None:
        """Forget the chat's turn: it ended, or the chat was told it was interrupted."""
        await self._connection.execute("DELETE FROM turns WHERE chat_id = ?", (chat_id,))

    async def in_flight(self) -> list[TurnRecord]:
        """Return the turns not finished, oldest first; at start-up, the interrupted ones."""
        rows = await self._connection.fetch_all(
            "SELECT chat_id, session_id, text, started_at FROM turns ORDER BY started_at, rowid"
        )
        return [
            TurnRecord(
                chat_id=row["chat_id"],
                session_id=row["session_id"],
                text=row["text"],
                started_at=from_text(row["started_at"]),
            )
            for row in rows
        ]
