"""Numbered migrations: order, once only, all-or-nothing per file, refusing a newer schema."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import Database, MigrationError, StorageError
from storage.connection import Connection
from storage.migrator import PACKAGED, apply_migrations, discover, packaged
from storage.postgresql import PostgresConnection
from storage.sqlite import SQLiteConnection
from storage.timestamps import to_text, utc_now
from storage.uploads import Claimant

# Each engine's catalog of tables, for checking what the packaged migrations created.
_TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table'",
    "postgresql": "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()",
}


async def open_connection(url: str) -> Connection:
    if url.startswith("postgresql://"):
        return await PostgresConnection.open(url)
    return await SQLiteConnection.open(url.removeprefix("sqlite:///"))


@pytest.fixture
async def connection(database_url: str) -> AsyncIterator[Connection]:
    opened = await open_connection(database_url)
    yield opened
    await opened.close()


def write(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(exist_ok=True)
    for name, sql in files.items():
        (directory / name).write_text(sql, encoding="utf-8")
    return directory


async def versions(connection: Connection) -> list[int]:
    rows = await connection.fetch_all("SELECT version FROM schema_migrations ORDER BY version")
    return [row["version"] for row in rows]


def test_both_engines_have_the_same_migrations() -> None:
    names = {dialect: [m.name for m in discover(PACKAGED / dialect)] for dialect in _TABLES}
    assert names["sqlite"] == names["postgresql"]
    assert [path.name for path in PACKAGED.iterdir() if path.name.endswith(".sql")] == []


async def test_packaged_migrations_create_every_table(db: Database, database_url: str) -> None:
    tables = {
        "credentials",
        "chats",
        "chat_settings",
        "renders",
        "turns",
        "uploads",
        "collections",
        "inbox",
        "collection_contributions",
        "project_covers",
        "leases",
    }
    connection = await open_connection(database_url)
    try:
        rows = await connection.fetch_all(_TABLES[connection.dialect])
        assert tables <= {row["name"] for row in rows}
        assert await versions(connection) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    finally:
        await connection.close()


async def test_reopening_an_up_to_date_database_applies_nothing(database_url: str) -> None:
    async with await Database.open(database_url):
        pass
    connection = await open_connection(database_url)
    try:
        first = await connection.fetch_all("SELECT version, applied_at FROM schema_migrations")
        assert await apply_migrations(connection) == []
        again = await connection.fetch_all("SELECT version, applied_at FROM schema_migrations")
        assert [tuple(row) for row in again] == [tuple(row) for row in first]
    finally:
        await connection.close()


async def test_renders_recorded_before_0004_are_still_delivered(
    database_url: str, tmp_path: Path
) -> None:
    before = write(tmp_path / "m", {})
    connection = await open_connection(database_url)
    try:
        for migration in discover(packaged(connection.dialect))[:3]:
            (before / migration.name).write_text(migration.sql, encoding="utf-8")
        await apply_migrations(connection, before)
        await connection.execute(
            "INSERT INTO renders (render_id, chat_id, session_id, status, status_message_id,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ("render_1", -100, "s", "processing", 7, *[to_text(utc_now())] * 2),
        )
    finally:
        await connection.close()
    async with await Database.open(database_url) as db:
        [render] = await db.renders.undelivered()
        assert (render.render_id, render.status) == ("render_1", "processing")


async def test_uploads_recorded_before_0005_stay_uploaded(
    database_url: str, tmp_path: Path
) -> None:
    """The old code kept a claim only for a file it uploaded: such a row is a duplicate."""
    before = write(tmp_path / "m", {})
    connection = await open_connection(database_url)
    try:
        for migration in discover(packaged(connection.dialect))[:4]:
            (before / migration.name).write_text(migration.sql, encoding="utf-8")
        await apply_migrations(connection, before)
        await connection.execute(
            "INSERT INTO uploads (session_id, file_unique_id, chat_id, filename, file_type,"
            " uploaded_at) VALUES (?, ?, ?, ?, ?, ?)",
            ("s", "unique-a", -100, "a.jpg", "image", to_text(utc_now())),
        )
    finally:
        await connection.close()
    async with await Database.open(database_url) as db:
        assert await db.uploads.count("s") == 1
        claimed = await db.uploads.claim(
            -100,
            "s",
            "unique-a",
            "a.jpg",
            "image",
            claimant=Claimant.this_boot(),
            stale_before=utc_now(),
        )
        assert claimed is False


async def test_a_second_run_applies_nothing(connection: Connection) -> None:
    assert await apply_migrations(connection) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert await apply_migrations(connection, packaged(connection.dialect)) == []


async def test_migrations_run_in_numeric_not_alphabetical_order(
    connection: Connection, tmp_path: Path
) -> None:
    # Each step records how many steps ran before it.
    directory = write(
        tmp_path / "m",
        {
            "10_tenth.sql": "INSERT INTO steps SELECT count(*), '10' FROM steps;",
            "2_second.sql": "INSERT INTO steps SELECT count(*), '2' FROM steps;",
            "1_first.sql": "CREATE TABLE steps (position INTEGER, step TEXT);"
            "INSERT INTO steps VALUES (0, '1');",
        },
    )
    assert await apply_migrations(connection, directory) == [1, 2, 10]
    rows = await connection.fetch_all("SELECT step FROM steps ORDER BY position")
    assert [row["step"] for row in rows] == ["1", "2", "10"]


async def test_only_new_migrations_are_applied(connection: Connection, tmp_path: Path) -> None:
    directory = write(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a (x INTEGER);"})
    await apply_migrations(connection, directory)
    write(directory, {"0002_b.sql": "CREATE TABLE b (x INTEGER);"})
    assert await apply_migrations(connection, directory) == [2]


async def test_a_failing_migration_leaves_no_trace(connection: Connection, tmp_path: Path) -> None:
    directory = write(
        tmp_path / "m",
        {
            "0001_ok.sql": "CREATE TABLE fine (x INTEGER);",
            "0002_broken.sql": "CREATE TABLE half (x INTEGER);\nINSERT INTO missing VALUES (1);",
        },
    )
    with pytest.raises(MigrationError, match=r"0002_broken\.sql") as caught:
        await apply_migrations(connection, directory)
    assert caught.value.version == 2
    with pytest.raises(StorageError, match="half"):
        await connection.fetch_all("SELECT x FROM half")
    assert await versions(connection) == [1]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_sqlite_statements_are_split_where_they_end(
    connection: Connection, tmp_path: Path
) -> None:
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


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_postgresql_runs_a_script_whole(connection: Connection, tmp_path: Path) -> None:
    directory = write(
        tmp_path / "m",
        {
            "0001_function.sql": """
                -- a dollar-quoted body and a string literal both hold semicolons
                CREATE TABLE notes (text TEXT);
                CREATE FUNCTION shout(said TEXT) RETURNS TEXT AS $$
                    BEGIN RETURN upper(said) || ';'; END;
                $$ LANGUAGE plpgsql;
                INSERT INTO notes VALUES (shout('a;b'));
            """,
        },
    )
    await apply_migrations(connection, directory)
    rows = await connection.fetch_all("SELECT text FROM notes")
    assert [row["text"] for row in rows] == ["A;B;"]


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
async def test_badly_named_migrations_are_refused(tmp_path: Path, files: dict[str, str]) -> None:
    with pytest.raises(MigrationError):
        discover(write(tmp_path / "m", files))
