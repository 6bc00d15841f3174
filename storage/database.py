"""The bot's database: a SQLite file or a PostgreSQL server, migrated at start-up."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from types import TracebackType

from storage.chats import ChatRepository
from storage.collections import CollectionRepository
from storage.connection import Connection
from storage.covers import CoverRepository
from storage.credentials import CredentialRepository
from storage.inbox import InboxRepository
from storage.leases import LeaseRepository
from storage.location import MEMORY, create_private_file, is_postgresql, sqlite_path
from storage.migrator import apply_migrations
from storage.postgresql import PostgresConnection
from storage.rekey import rekey_chat
from storage.renders import RenderRepository
from storage.sqlite import SQLiteConnection
from storage.turns import TurnRepository
from storage.uploads import UploadRepository

log = logging.getLogger(__name__)


class Database:
    """Open with `await Database.open(url)`, or `async with await Database.open(url) as db`."""

    def __init__(
        self,
        connection: Connection,
        *,
        inbox: Connection | None = None,
        inbox_saves: Connection | None = None,
        leases: Connection | None = None,
    ) -> None:
        self._connection = connection
        self._own_connections = list(
            {id(c): c for c in (inbox, inbox_saves, leases) if c is not None}.values()
        )
        self.credentials = CredentialRepository(connection)
        self.chats = ChatRepository(connection)
        self.renders = RenderRepository(connection)
        self.turns = TurnRepository(connection)
        self.uploads = UploadRepository(connection)
        self.collections = CollectionRepository(connection)
        self.covers = CoverRepository(connection)
        self.inbox = InboxRepository(inbox or connection, saves=inbox_saves)
        self.leases = LeaseRepository(leases or connection)

    @classmethod
    async def open(cls, url: str) -> Database:
        """Open the database `url` names and bring its schema up to date.

        `sqlite:///…` (or a bare path) names a file, created private (0600);
        `postgresql://…` or `postgres://…` names a server's database, which must exist.
        Raises StorageError for another kind of URL or a database that cannot be reached,
        MigrationError if the schema cannot be brought up to date.
        """
        if is_postgresql(url):
            connection = await _migrated(await PostgresConnection.open(url))
            # The server runs the inbox's deletes beside everything else; only its saves,
            # which the next getUpdates waits for, must not queue behind them.
            inbox_saves, leases = await _own_connections(
                connection, lambda: PostgresConnection.open(url, size=OWN_POOL_SIZE)
            )
            return cls(connection, inbox_saves=inbox_saves, leases=leases)
        path = sqlite_path(url)
        if path != MEMORY:
            create_private_file(path)
        connection = await _migrated(await SQLiteConnection.open(path))
        if path == MEMORY:
            # A second connection to ":memory:" would be another, empty database.
            return cls(connection)
        # One connection runs one statement at a time: the inbox's deletes too go apart.
        inbox, leases = await _own_connections(connection, lambda: SQLiteConnection.open(path))
        return cls(connection, inbox=inbox, inbox_saves=inbox, leases=leases)

    async def close(self) -> None:
        """Close the database; the repositories fail with StorageError afterwards."""
        for own in self._own_connections:
            await own.close()
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

    async def ping(self) -> None:
        """Ask the database for nothing: returns once it answered. Raises StorageError."""
        await self._connection.fetch_one("SELECT 1")

    async def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """Move everything stored for a chat to its new id, in one transaction.

        When both ids have a row, the old chat's project wins (see `storage.rekey`).
        Calling it again for the same pair changes nothing.
        """
        async with self._connection.transaction() as statements:
            await rekey_chat(statements, old_chat_id, new_chat_id)


# The pools of the inbox's saves and of the leases on PostgreSQL: few, short statements.
OWN_POOL_SIZE = 2


async def _own_connections(
    connection: Connection, open_another: Callable[[], Awaitable[Connection]]
) -> tuple[Connection, Connection]:
    """Connections of their own for the inbox and for the leases (``connection`` is closed
    if one cannot be opened).

    Every polled update waits for its inbox row before the next getUpdates, and a
    replica that cannot renew its leases in time loses its work to another. Behind the
    bot's other statements (on SQLite's one connection, or queued for PostgreSQL's
    pool) both waits reached seconds under load (bench/load.py); on their own they wait
    only for SQLite's lock, or for the server.
    """
    opened: list[Connection] = []
    try:
        for _ in range(2):
            opened.append(await open_another())
    except BaseException:
        for own in [*opened, connection]:
            await own.close()
        raise
    inbox, leases = opened
    return inbox, leases


async def _migrated(connection: Connection) -> Connection:
    """Return `connection` once its schema is up to date; closed if that fails."""
    try:
        applied = await apply_migrations(connection)
    except BaseException:
        await connection.close()
        raise
    log.info("database ready (%s), %d migration(s) applied", connection.dialect, len(applied))
    return connection
