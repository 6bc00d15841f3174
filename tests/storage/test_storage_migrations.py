"""Numbered migrations: order, once only, all-or-nothing per file, refusing a newer schema."""

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import Database, MigrationError
from storage.connection import Connection
from storage.migrator import PACKAGED, apply_migrations


@pytest.fixture
async def connection(tmp_path: Path) -> AsyncIterator[Connection]:
    opened = await Connection.open(str(tmp_path / "migrations.sqlite3"))
    yield opened
    await opened.close()


def write(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(exist_ok=True)
    for name, sql in files.items():
        (directory / name).write_text(sql, encoding="utf-8")
    return directory


def table_names(path: Path) -> set[str]:
    with sqlite3.connect(path) as raw:
        return {name for (name,) in raw.execute("SELECT name FROM sqlite_master")}


def recorded(path: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(path) as raw:
        return raw.execute("SELECT version, applied_at FROM schema_migrations").fetchall()


async def test_packaged_migrations_create_every_table(db: Database, db_path: Path) -> None:
    tables = {
        "credentials",
        "chats",
        "chat_settings",
        "renders",
        "turns",
        "uploads",
        "collections",
        "inbox",
    }
    assert tables <= table_names(db_path)
    assert [version for version, _ in recorded(db_path)] == [1, 2, 3]


async def test_reopening_an_up_to_date_database_applies_nothing(db_path: Path) -> None:
    async with await Database.open(str(db_path)):
        pass
    first = recorded(db_path)
    async with await Database.open(str(db_path)):
        pass
    assert recorded(db_path) == first


async def test_a_second_run_applies_nothing(connection: Connection) -> None:
    assert await apply_migrations(connection, PACKAGED) != []
    assert await apply_migrations(connection, PACKAGED) == []


async def test_migrations_run_in_numeric_not_alphabetical_order(
    connection: Connection, tmp_path: Path
) -> None:
    directory = write(
        tmp_path / "m",
        {
            "10_tenth.sql": "INSERT INTO steps VALUES ('10');",
            "2_second.sql": "INSERT INTO steps VALUES ('2');",
            "1_first.sql": "CREATE TABLE steps (step TEXT); INSERT INTO steps VALUES ('1');",
        },
    )
    assert await apply_migrations(connection, directory) == [1, 2, 10]
    rows = await connection.fetch_all("SELECT step FROM steps ORDER BY rowid")
    assert [row["step"] for row in rows] == ["1", "2", "10"]


async def test_only_new_migrations_are_applied(connection: Connection, tmp_path: Path) -> None:
    directory = write(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a (x);"})
    await apply_migrations(connection, directory)
    write(directory, {"0002_b.sql": "CREATE TABLE b (x);"})
    assert await apply_migrations(connection, directory) == [2]


async def test_a_failing_migration_leaves_no_trace(connection: Connection, tmp_path: Path) -> None:
    directory = write(
        tmp_path / "m",
        {
            "0001_ok.sql": "CREATE TABLE fine (x);",
            "0002_broken.sql": "CREATE TABLE half (x);\nINSERT INTO missing VALUES (1);",
        },
    )
    with pytest.raises(MigrationError, match=r"0002_broken\.sql") as caught:
        await apply_migrations(connection, directory)
    assert caught.value.version == 2
    rows = await connection.fetch_all("SELECT name FROM sqlite_master WHERE name = 'half'")
    assert rows == []
    versions = await connection.fetch_all("SELECT version FROM schema_migrations")
    assert [row["version"] for row in versions] == [1]


async def test_statements_are_split_where_they_end(connection: Connection, tmp_path: Path) -> None:
    directory = write(
        tmp_path / "m",
        {
            "0001_trigger.sql": """
                -- a trigger body and a string literal both hold semicolons
                CREATE TABLE notes (text TEXT); CREATE TABLE audit (text TEXT);
                CREATE TRIGGER copy AFTER INSERT ON notes BEGIN
                    INSERT INTO audit VALUES (new.text);
                    INSERT INTO audit VALUES ('twice;');
                END;
                INSERT INTO notes VALUES ('a;b');
            """,
        },
    )
    await apply_migrations(connection, directory)
    rows = await connection.fetch_all("SELECT text FROM audit ORDER BY rowid")
    assert [row["text"] for row in rows] == ["a;b", "twice;"]


async def test_a_database_newer_than_the_code_is_refused(
    connection: Connection, tmp_path: Path
) -> None:
    newer = write(tmp_path / "newer", {"0001_a.sql": "SELECT 1;", "0002_b.sql": "SELECT 2;"})
    older = write(tmp_path / "older", {"0001_a.sql": "SELECT 1;"})
    await apply_migrations(connection, newer)
    with pytest.raises(MigrationError) as caught:
        await apply_migrations(connection, older)
    assert caught.value.version == 2


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"initial.sql": "SELECT 1;"}, id="no-number"),
        pytest.param({"0001_Upper.sql": "SELECT 1;"}, id="uppercase-name"),
        pytest.param({"0001_a.sql": "SELECT 1;", "1_b.sql": "SELECT 1;"}, id="same-number"),
    ],
)
async def test_badly_named_migrations_are_refused(
    connection: Connection, tmp_path: Path, files: dict[str, str]
) -> None:
    with pytest.raises(MigrationError):
        await apply_migrations(connection, write(tmp_path / "m", files))
