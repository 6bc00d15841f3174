"""The bot's database: one SQLite file, migrated at start-up, reached through repositories."""

from __future__ import annotations

import logging
from types import TracebackType

from storage.chats import ChatRepository
from storage.collections import CollectionRepository
from storage.connection import Connection
from storage.credentials import CredentialRepository
from storage.inbox import InboxRepository
from storage.location import MEMORY, create_private_file, sqlite_path
from storage.migrator import apply_migrations
from storage.rekey import rekey_chat
from storage.renders import RenderRepository
from storage.turns import TurnRepository
from storage.uploads import UploadRepository

log = logging.getLogger(__name__)


class Database:
    """Open with `await Database.open(url)`, or `async with await Database.open(url) as db`."""

    def __init__(self, connection: Connection, inbox_connection: Connection | None = None) -> None:
        self._connection = connection
        self._inbox_connection = inbox_connection
        self.credentials = CredentialRepository(connection)
        self.chats = ChatRepository(connection)
        self.renders = RenderRepository(connection)
        self.turns = TurnRepository(connection)
        self.uploads = UploadRepository(connection)
        self.collections = CollectionRepository(connection)
        self.inbox = InboxRepository(inbox_connection or connection)

    @classmethod
    async def open(cls, url: str) -> Database:
        """Open the database `url` names, creating it private (0600) and migrating it.

        Raises StorageError for a URL that is not SQLite or a file that cannot be opened,
        MigrationError if the schema cannot be brought up to date.
        """
        path = sqlite_path(url)
        if path != MEMORY:
            create_private_file(path)
        connection = await Connection.open(path)
        try:
            applied = await apply_migrations(connection)
        except BaseException:
            await connection.close()
            raise
        log.info("database ready, %d migration(s) applied", len(applied))
        if path == MEMORY:
            # A second connection to ":memory:" would be another, empty database.
            return cls(connection)
        # Every update waits for its inbox row before it is queued. Behind the bot's
        # other statements on one connection that wait reached seconds under load
        # (bench/load.py); on a connection of its own it waits only for SQLite's lock.
        try:
            inbox_connection = await Connection.open(path)
        except BaseException:
            await connection.close()
            raise
        return cls(connection, inbox_connection)

    async def close(self) -> None:
        """Close the database; the repositories fail with StorageError afterwards."""
        if self._inbox_connection is not None:
            await self._inbox_connection.close()
        await self._connection.close()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """Move everything stored for a chat to its new id, in one transaction.

        When both ids have a row, the old chat's project wins (see `storage.rekey`).
        Calling it again for the same pair changes nothing.
        """
        async with self._connection.transaction() as statements:
            await rekey_chat(statements, old_chat_id, new_chat_id)
