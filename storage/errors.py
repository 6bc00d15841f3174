"""Errors raised by storage.

* StorageError          the database could not do what was asked
  + MigrationError      the schema could not be brought up to date (.version)

Every driver error (sqlite3, asyncpg) is translated into StorageError at the connection,
so callers never catch a driver's class. Messages carry the engine's own text, which names
tables and constraints but never a bound value.
"""

from __future__ import annotations


class StorageError(Exception):
    """The database could not do what was asked."""


class MigrationError(StorageError):
    """The schema could not be brought up to date; the database was left as it was."""

    def __init__(self, message: str, *, version: int | None = None) -> None:
        super().__init__(message)
        self.version = version
