"""Which NemoVideo project each Telegram chat is editing."""

from __future__ import annotations

import json
import sqlite3

from storage.connection import Connection, Statements
from storage.records import ChatRecord

# Settings come back in the same statement, as one JSON object, so a record is never
# assembled from two moments.
_SELECT = """
SELECT chat_id, session_id, task_id, locale, item_count,
       (SELECT json_group_object(key, value) FROM chat_settings
        WHERE chat_settings.chat_id = chats.chat_id) AS settings
FROM chats WHERE chat_id = ?
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
        row = await self._connection.fetch_one(_SELECT, (chat_id,))
        return None if row is None else _record(row)

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
            ON CONFLICT (chat_id) DO UPDATE SET item_count = item_count + excluded.item_count
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
    row = await statements.fetch_one(_SELECT, (chat_id,))
    assert row is not None  # only called after the row was created in the same transaction
    return _record(row)


def _record(row: sqlite3.Row) -> ChatRecord:
    return ChatRecord(
        chat_id=row["chat_id"],
        session_id=row["session_id"],
        task_id=row["task_id"],
        locale=row["locale"],
        item_count=row["item_count"],
        settings=json.loads(row["settings"]),
    )
