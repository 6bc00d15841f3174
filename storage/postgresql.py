"""PostgreSQL through an asyncpg pool, and the only place asyncpg errors surface.

Unlike SQLite, the server runs statements side by side: each statement, or each whole
transaction, takes a connection of the pool for itself, so nothing needs a lock here and
the inbox has its own connection whenever it needs one.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping

import asyncpg

from storage.connection import Dialect, Params
from storage.errors import StorageError

# The bot's work is many short statements: a handful of connections keep up with it,
# and each replica of the bot holds this many at most against the server's limit (plus
# the small pools of the inbox and the leases: storage.database).
POOL_SIZE = 10
CONNECT_TIMEOUT_SECONDS = 10.0

# Strings, quoted names and comments are copied as they are, so a `?` or `:word` inside
# one is never taken for a parameter; `::` is PostgreSQL's cast, not a name.
_TOKEN = re.compile(
    r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|::|(?P<positional>\?)|:(?P<named>[A-Za-z_]\w*)"""
)


@functools.lru_cache(maxsize=512)
def translate(sql: str) -> tuple[str, tuple[str, ...]]:
    """Rewrite `?` and `:name` to `$n`; return the SQL and the names in `$n` order.

    A name used twice becomes one `$n`. The result is cached: the repositories' SQL is a
    small fixed set, and asyncpg caches the prepared statement by its text.
    """
    names: list[str] = []
    positional = 0

    def number(match: re.Match[str]) -> str:
        nonlocal positional
        if match["positional"]:
            positional += 1
            return f"${positional}"
        if name := match["named"]:
            if name not in names:
                names.append(name)
            return f"${names.index(name) + 1}"
        return match[0]

    translated = _TOKEN.sub(number, sql)
    if positional and names:
        raise ValueError("a statement mixes ? and :name parameters")
    return translated, tuple(names)


def _arguments(sql: str, params: Params) -> tuple[str, list[object]]:
    translated, names = translate(sql)
    if isinstance(params, Mapping):
        return translated, [params[name] for name in names]
    return translated, list(params)


def _changed(status: str) -> int:
    # asyncpg returns the command tag, e.g. "INSERT 0 1", "UPDATE 3", "CREATE TABLE".
    count = status.rsplit(" ", 1)[-1]
    return int(count) if count.isdigit() else 0


@contextlib.contextmanager
def _translate_errors() -> Iterator[None]:
    try:
        yield
    except asyncpg.PostgresError as exc:
        # The message alone: names tables and constraints. Its detail ("Key (id)=(…)")
        # would quote a bound value.
        raise StorageError(f"database error: {exc.args[0] if exc.args else exc}") from exc
    except asyncpg.DataError as exc:
        # Raised before sending, for an argument of the wrong type; its message quotes it.
        raise StorageError("database error: a parameter does not fit its column") from exc
    except (asyncpg.InterfaceError, OSError, TimeoutError) as exc:
        raise StorageError(f"database connection error: {exc}") from exc


class PostgresStatements:
    """Runs statements on one connection taken from the pool."""

    def __init__(self, db: asyncpg.Connection) -> None:
        self._db = db

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return how many rows it changed."""
        translated, arguments = _arguments(sql, params)
        with _translate_errors():
            return _changed(await self._db.execute(translated, *arguments))

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement once per row of parameters."""
        batch = [_arguments(sql, params)[1] for params in rows]
        with _translate_errors():
            await self._db.executemany(translate(sql)[0], batch)

    async def execute_script(self, script: str) -> None:
        """Run the whole script at once: the server splits it, dollar quotes and all."""
        with _translate_errors():
            await self._db.execute(script)

    async def fetch_one(self, sql: str, params: Params = ()) -> asyncpg.Record | None:
        """Run one statement and return its first row, if any."""
        translated, arguments = _arguments(sql, params)
        with _translate_errors():
            return await self._db.fetchrow(translated, *arguments)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[asyncpg.Record]:
        """Run one statement and return all its rows."""
        translated, arguments = _arguments(sql, params)
        with _translate_errors():
            return await self._db.fetch(translated, *arguments)


class PostgresConnection:
    """A pool of connections to one PostgreSQL database."""

    dialect: Dialect = "postgresql"

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._closed = False

    @classmethod
    async def open(cls, url: str, *, size: int = POOL_SIZE) -> PostgresConnection:
        """Connect to the database `url` names (postgresql:// or postgres://), with a pool
        of up to `size` connections.

        Raises StorageError when the URL is malformed or the server cannot be reached.
        """
        with _translate_errors():
            try:
                pool = await asyncpg.create_pool(
                    url, min_size=1, max_size=size, timeout=CONNECT_TIMEOUT_SECONDS
                )
            except ValueError as exc:  # asyncpg's ClientConfigurationError is one too
                # Not asyncpg's message: it may quote the URL, which may carry a password.
                raise StorageError("the postgresql:// database URL is malformed") from exc
        return cls(pool)

    async def close(self) -> None:
        """Close every connection of the pool; later calls fail with StorageError."""
        if not self._closed:
            self._closed = True
            await self._pool.close()

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement on its own and return how many rows it changed."""
        async with self._connection() as db:
            return await PostgresStatements(db).execute(sql, params)

    async def fetch_one(self, sql: str, params: Params = ()) -> asyncpg.Record | None:
        """Run one statement on its own and return its first row, if any."""
        async with self._connection() as db:
            return await PostgresStatements(db).fetch_one(sql, params)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[asyncpg.Record]:
        """Run one statement on its own and return all its rows."""
        async with self._connection() as db:
            return await PostgresStatements(db).fetch_all(sql, params)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[PostgresStatements]:
        """Run the body's statements as one transaction: all committed, or none on an error."""
        async with self._connection() as db:
            # asyncpg rolls back on any exception, a cancellation included, before the
            # connection goes back to the pool.
            with _translate_errors():
                async with db.transaction():
                    yield PostgresStatements(db)

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[asyncpg.Connection]:
        if self._closed:
            raise StorageError("the database is closed")
        with _translate_errors():
            async with self._pool.acquire() as db:
                yield db
