"""Fixtures for the storage tests: each runs on a SQLite file and on a PostgreSQL database.

`database_url` (tests/postgres.py) is a fresh, empty database of either engine; `db` is
it opened. Tests of what only SQLite has (a file's mode, WAL) take `db_path` or
`sqlite_db` instead.
"""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import Database


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "bot.sqlite3"


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    async with await Database.open(database_url) as database:
        yield database


@pytest.fixture
async def sqlite_db(db_path: Path) -> AsyncIterator[Database]:
    async with await Database.open(f"sqlite:///{db_path}") as database:
        yield database
