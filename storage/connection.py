"""What the repositories talk to: a connection to SQLite or to PostgreSQL, behind one shape.

Repositories write one SQL text for both engines, with `?` for positional parameters and
`:name` for named ones (SQLite's own styles); the PostgreSQL connection rewrites them to
`$n`. Rows are read by column name. Where the engines' SQL differs it is the schema's
business (the per-dialect migrations), not the repositories'.

Every driver error surfaces as StorageError from here, so callers never catch a
driver's class.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Literal, Protocol

Params = Sequence[object] | Mapping[str, object]

Dialect = Literal["sqlite", "postgresql"]


class Row(Protocol):
    """A result row, read by column name (sqlite3.Row and asyncpg.Record both are)."""

    def __getitem__(self, column: str, /) -> Any: ...


class Statements(Protocol):
    """Runs statements inside one transaction, or on its own for the Connection."""

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return how many rows it changed."""
        ...

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement once per row of parameters."""
        ...

    async def execute_script(self, script: str) -> None:
        """Run a migration file: several statements, without parameters."""
        ...

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        """Run one statement and return its first row, if any."""
        ...

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """Run one statement and return all its rows."""
        ...


class Connection(Protocol):
    """The database the repositories share; each call is one statement or one transaction."""

    dialect: Dialect

    async def close(self) -> None:
        """Close it; later calls fail with StorageError."""
        ...

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement on its own and return how many rows it changed."""
        ...

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        """Run one statement on its own and return its first row, if any."""
        ...

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """Run one statement on its own and return all its rows."""
        ...

    def transaction(self) -> AbstractAsyncContextManager[Statements]:
        """Run the body's statements as one transaction: all committed, or none on an error."""
        ...
