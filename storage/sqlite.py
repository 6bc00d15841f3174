"""The one SQLite connection the repositories share, and the only place sqlite3 errors surface.

Every statement runs on aiosqlite's single worker thread, but tasks interleave between
awaits: without a lock, one task's statement could land inside another task's open
transaction. So a statement, or a whole transaction, holds the lock while it runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Iterator

import aiosqlite

from storage.connection import Dialect, Params
from storage.errors import StorageError

BUSY_TIMEOUT_MS = 5000


@contextlib.contextmanager
def _translate_errors() -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        raise StorageError(f"database error: {exc}") from exc


class SQLiteStatements:
    """Runs statements on the connection; the caller already holds the lock."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return how many rows it changed."""
        with _translate_errors():
            async with self._db.execute(sql, params) as cursor:
                return cursor.rowcount

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement once per row of parameters."""
        with _translate_errors():
            await self._db.executemany(sql, rows)

    async def execute_script(self, script: str) -> None:
        """Run each statement of `script` in turn, inside the caller's transaction."""
        for statement in _split(script):
            await self.execute(statement)

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """Run one statement and return its first row, if any."""
        with _translate_errors():
            async with self._db.execute(sql, params) as cursor:
                return await cursor.fetchone()

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Run one statement and return all its rows."""
        with _translate_errors():
            async with self._db.execute(sql, params) as cursor:
                return list(await cursor.fetchall())


class SQLiteConnection:
    """A SQLite connection in WAL mode, used by one statement or one transaction at a time."""

    dialect: Dialect = "sqlite"

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        self._statements = SQLiteStatements(db)
        self._lock = asyncio.Lock()
        self._closed = False

    @classmethod
    async def open(cls, path: str) -> SQLiteConnection:
        """Connect to the database file at `path` (or ":memory:") and set its pragmas."""
        with _translate_errors():
            # No implicit transactions: `transaction()` says where each one begins and ends.
            db = await aiosqlite.connect(path, isolation_level=None)
        db.row_factory = sqlite3.Row
        connection = cls(db)
        try:
            await connection.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL still survives a killed process (only a power cut can
            # lose the last commits) and spares an fsync on every commit, which every
            # update pays twice through the inbox.
            await connection.execute("PRAGMA synchronous = NORMAL")
            await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await connection.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            await connection.close()
            raise
        return connection

    async def close(self) -> None:
        """Close the connection; later calls fail with StorageError."""
        if not self._closed:
            self._closed = True
            async with self._lock:
                await self._db.close()

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement on its own and return how many rows it changed."""
        async with self._locked() as statements:
            return await statements.execute(sql, params)

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """Run one statement on its own and return its first row, if any."""
        async with self._locked() as statements:
            return await statements.fetch_one(sql, params)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Run one statement on its own and return all its rows."""
        async with self._locked() as statements:
            return await statements.fetch_all(sql, params)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[SQLiteStatements]:
        """Run the body's statements as one transaction: all committed, or none on an error."""
        async with self._locked() as statements:
            # IMMEDIATE takes the write lock up front, so a reader never has to upgrade
            # mid-transaction and fail with "database is locked".
            try:
                await statements.execute("BEGIN IMMEDIATE")
                yield statements
            except BaseException:
                # Cancelled while awaiting BEGIN, the BEGIN still runs on the worker
                # thread: roll back after it, or the next transaction finds this one open.
                with contextlib.suppress(StorageError):
                    await statements.execute("ROLLBACK")
                raise
            await statements.execute("COMMIT")

    @contextlib.asynccontextmanager
    async def _locked(self) -> AsyncIterator[SQLiteStatements]:
        async with self._lock:
            if self._closed:
                raise StorageError("the database is closed")
            yield self._statements


def _split(script: str) -> list[str]:
    """Cut a script into statements at the `;` that end them.

    `complete_statement` tells a statement's end from a `;` in a string or inside a trigger.
    `executescript` would split too, but it commits first and so cannot run inside the
    transaction that also records the migration's version.
    """
    statements: list[str] = []
    pending = ""
    for piece in re.split(r"(?<=;)", script):
        pending += piece
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return statements
