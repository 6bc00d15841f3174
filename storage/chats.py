"""Which NemoVideo project each Telegram chat is editing."""

from __future__ import annotations

from storage.connection import Connection, Row, Statements
from storage.records import ChatRecord

# Settings come back in the same statement, one row each (one row of NULLs for none), so a
# record is never assembled from two moments. A join rather than SQLite's JSON aggregate,
# which PostgreSQL spells differently.
_SELECT = """
SELECT chats.chat_id, session_id, task_id, locale, item_count, key, value
FROM chats LEFT JOIN chat_settings ON chat_settings.chat_id = chats.chat_id
WHERE chats.chat_id = ?
"""

_CREATE = "INSERT INTO chats (chat_id) VALUES (?) ON CONFLICT (chat_id) DO NOTHING"


class ChatRepository:
    """Chats and their project: session, language, item count and settings.

    Every method that writes creates the chat's row if it has none.
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def get(self, chat_id: int) -> ChatRecord | None:
        """Return the chat, or None if nothing was ever stored for it."""
        rows = await self._connection.fetch_all(_SELECT, (chat_id,))
        return _record(rows) if rows else None

    async def get_or_create(self, chat_id: int) -> ChatRecord:
        """Return the chat, storing an empty one (no session, no locale) if it is new."""
        async with self._connection.transaction() as statements:
            await statements.execute(_CREATE, (chat_id,))
            return await _fetch(statements, chat_id)

    async def set_session(self, chat_id: int, session_id: str, task_id: str | None) -> ChatRecord:
        """Point the chat at a new project, whose item count starts again from zero."""
        async with self._connection.transaction() as statements:
            await statements.execute(
                """
                INSERT INTO chats (chat_id, session_id, task_id) VALUES (?, ?, ?)
                ON CONFLICT (chat_id) DO UPDATE SET
                    session_id = excluded.session_id,
                    task_id = excluded.task_id,
                    item_count = 0
                """,
                (chat_id, session_id, task_id),
            )
            return await _fetch(statements, chat_id)

    async def set_locale(self, chat_id: int, locale: str) -> None:
        """Remember the language the chat is spoken to in."""
        await self._connection.execute(
            """
            INSERT INTO chats (chat_id, locale) VALUES (?, ?)
            ON CONFLICT (chat_id) DO UPDATE SET locale = excluded.locale
            """,
            (chat_id, locale),
        )

    async def add_items(self, chat_id: int, count: int) -> int:
        """Add `count` uploaded items to the project and return its new total.

        One statement reads and writes, so members uploading at once never lose a count.
        """
        if count < 0:
            raise ValueError(f"count must not be negative, got {count}")
        row = await self._connection.fetch_one(
            """
            INSERT INTO chats (chat_id, item_count) VALUES (?, ?)
            ON CONFLICT (chat_id) DO UPDATE SET item_count = chats.item_count + excluded.item_count
            RETURNING item_count
            """,
            (chat_id, count),
        )
        assert row is not None  # an upsert with RETURNING always yields its row
        return row["item_count"]

    async def set_setting(self, chat_id: int, key: str, value: str) -> None:
        """Store one of the chat's settings, replacing its previous value."""
        async with self._connection.transaction() as statements:
            await statements.execute(_CREATE, (chat_id,))
            await statements.execute(
                """
                INSERT INTO chat_settings (chat_id, key, value) VALUES (?, ?, ?)
                ON CONFLICT (chat_id, key) DO UPDATE SET value = excluded.value
                """,
                (chat_id, key, value),
            )


async def _fetch(statements: Statements, chat_id: int) -> ChatRecord:
    rows = await statements.fetch_all(_SELECT, (chat_id,))
    assert rows  # only called after the row was created in the same transaction
    return _record(rows)


def _record(rows: list[Row]) -> ChatRecord:
    first = rows[0]
    return ChatRecord(
        chat_id=first["chat_id"],
        session_id=first["session_id"],
        task_id=first["task_id"],
        locale=first["locale"],
        item_count=first["item_count"],
        settings={row["key"]: row["value"] for row in rows if row["key"] is not None},
    )
