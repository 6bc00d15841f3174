"""Fixtures for the storage tests: each runs on a SQLite file and on a PostgreSQL database.

`database_url` is a fresh, empty database of either engine; `db` is it opened. Tests of
what only one engine has (a file's mode, WAL) take `db_path` or `sqlite_db` instead.
"""

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from storage import Database


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "bot.sqlite3"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, db_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{db_path}"
    # Asked for here only, so the SQLite half runs on a machine without PostgreSQL.
    make: Callable[[], str] = request.getfixturevalue("postgres_database")
    return make()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    async with await Database.open(database_url) as database:
        yield database


@pytest.fixture
async def sqlite_db(db_path: Path) -> AsyncIterator[Database]:
    async with await Database.open(f"sqlite:///{db_path}") as database:
        yield database
