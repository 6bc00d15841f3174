"""Numbered schema migrations: `migrations/<dialect>/NNNN_name.sql`, applied once each, in order.

SQLite and PostgreSQL each have their own directory, because column types differ; both hold
the same numbers and names, so a version means the same schema on either engine (a test
holds them to it). Each file runs in its own transaction together with its row in
`schema_migrations`, so a failing file leaves no trace and the next start-up tries it again.
Applied files are never edited: a schema change is a new file with the next number.

Replicas of the bot starting together migrate one at a time: each transaction first
takes a lock (PostgreSQL's transaction-scoped advisory lock; SQLite's BEGIN IMMEDIATE
is one already) and checks again that its version is still unapplied.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

from storage.connection import Connection, Dialect, Statements
from storage.errors import MigrationError, StorageError
from storage.timestamps import to_text, utc_now

log = logging.getLogger(__name__)

PACKAGED = resources.files("storage") / "migrations"


def packaged(dialect: Dialect) -> Traversable:
    """The directory of the migrations shipped for `dialect`."""
    return PACKAGED / dialect


_NAME = re.compile(r"(?P<version>\d+)_[a-z0-9_]+\.sql")

# Any constant of the bot's own: the advisory lock the replicas' migrations queue on.
_LOCK: dict[Dialect, str | None] = {
    "postgresql": "SELECT pg_advisory_xact_lock(5202601)",
    "sqlite": None,
}

_CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class Migration:
    """One numbered `.sql` file."""

    version: int
    name: str
    sql: str


def discover(directory: Traversable) -> list[Migration]:
    """Return the migrations in `directory`, lowest number first. Raises MigrationError."""
    migrations: dict[int, Migration] = {}
    for entry in directory.iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _NAME.fullmatch(entry.name)
        if match is None:
            raise MigrationError(f"migration {entry.name} is not named NNNN_lowercase_name.sql")
        version = int(match["version"])
        if version in migrations:
            raise MigrationError(
                f"migrations {migrations[version].name} and {entry.name} share a number",
                version=version,
            )
        migrations[version] = Migration(version, entry.name, entry.read_text(encoding="utf-8"))
    return [migrations[version] for version in sorted(migrations)]


async def apply_migrations(
    connection: Connection, directory: Traversable | None = None
) -> list[int]:
    """Apply the migrations not yet recorded and return their versions, in order applied.

    `directory` defaults to the packaged migrations of the connection's dialect.
    Raises MigrationError if a file fails or the database is newer than this code.
    """
    migrations = discover(packaged(connection.dialect) if directory is None else directory)
    async with _locked(connection) as statements:
        await statements.execute(_CREATE_TABLE)
    rows = await connection.fetch_all("SELECT version FROM schema_migrations")
    applied = {row["version"] for row in rows}
    known = {migration.version for migration in migrations}
    if unknown := applied - known:
        raise MigrationError(
            f"the database has migration {max(unknown)}, which this code does not know: "
            "it was written by a newer version",
            version=max(unknown),
        )
    pending = [migration for migration in migrations if migration.version not in applied]
    done = []
    for migration in pending:
        if await _apply(connection, migration):
            log.info("applied migration %s", migration.name)
            done.append(migration.version)
    return done


@contextlib.asynccontextmanager
async def _locked(connection: Connection) -> AsyncIterator[Statements]:
    async with connection.transaction() as statements:
        if lock := _LOCK[connection.dialect]:
            await statements.fetch_one(lock)
        yield statements


async def _apply(connection: Connection, migration: Migration) -> bool:
    """Apply ``migration``; False when another replica applied it meanwhile."""
    try:
        async with _locked(connection) as statements:
            if await statements.fetch_one(
                "SELECT version FROM schema_migrations WHERE version = ?", (migration.version,)
            ):
                return False
            await statements.execute_script(migration.sql)
            await statements.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                (migration.version, to_text(utc_now())),
            )
    except StorageError as exc:
        raise MigrationError(
            f"migration {migration.name} failed: {exc}", version=migration.version
        ) from exc
    return True
