"""Opening the database: URL forms, file permissions, pragmas, closing, restarts."""

import asyncio
import os
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage import CredentialRecord, Database, StorageError
from storage.uploads import Claimant


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(
    ("url", "created"),
    [
        pytest.param("sqlite:///relative.sqlite3", "relative.sqlite3", id="relative-url"),
        pytest.param("sqlite:///{tmp}/absolute.sqlite3", "absolute.sqlite3", id="absolute-url"),
        pytest.param("bare.sqlite3", "bare.sqlite3", id="bare-relative-path"),
        pytest.param("{tmp}/bare-absolute.sqlite3", "bare-absolute.sqlite3", id="bare-abs-path"),
    ],
)
async def test_open_creates_the_file_the_url_names(
    url: str, created: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with await Database.open(url.format(tmp=tmp_path)) as db:
        await db.chats.set_locale(1, "it")
    assert (tmp_path / created).is_file()
    async with await Database.open(url.format(tmp=tmp_path)) as db:
        assert (await db.chats.get_or_create(1)).locale == "it"


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(":memory:", id="bare-memory"),
        pytest.param("sqlite://:memory:", id="url-memory"),
    ],
)
async def test_memory_databases_touch_no_file(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with await Database.open(url) as db:
        assert await db.chats.add_items(1, 2) == 2
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("mysql://bot:hunter2@db.example/bot", id="other-database"),
        pytest.param("sqlite:///", id="no-file"),
        pytest.param("", id="empty"),
    ],
)
async def test_unsupported_urls_are_refused_without_echoing_them(url: str) -> None:
    with pytest.raises(StorageError) as caught:
        await Database.open(url)
    assert "hunter2" not in str(caught.value)


async def test_a_file_that_is_not_a_database_is_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"this is not a database, it only pretends to be one" * 100)
    with pytest.raises(StorageError):
        await Database.open(str(path))


async def test_the_file_and_its_wal_are_private_even_with_a_permissive_umask(
    db_path: Path,
) -> None:
    previous = os.umask(0)
    try:
        async with await Database.open(str(db_path)) as db:
            await db.chats.set_locale(1, "en")
            wal = db_path.with_name(db_path.name + "-wal")
            assert mode(db_path) == 0o600
            assert mode(wal) == 0o600
    finally:
        os.umask(previous)


async def test_journal_mode_is_wal(sqlite_db: Database, db_path: Path) -> None:
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)


async def test_a_write_waits_for_another_writer_instead_of_failing(
    sqlite_db: Database, db_path: Path
) -> None:
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        # The other writer lets go shortly; without a busy timeout our write fails at once.
        asyncio.get_running_loop().call_later(0.2, other.execute, "COMMIT")
        assert await sqlite_db.chats.add_items(1, 1) == 1
    finally:
        other.close()


async def test_a_closed_database_refuses_work(database_url: str) -> None:
    db = await Database.open(database_url)
    await db.close()
    with pytest.raises(StorageError, match="closed"):
        await db.chats.get(1)


async def test_async_with_closes_the_database(database_url: str) -> None:
    async with await Database.open(database_url) as db:
        pass
    with pytest.raises(StorageError):
        await db.turns.in_flight()


async def test_everything_survives_a_restart(database_url: str) -> None:
    url = database_url
    expires = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    claim = {"claimant": Claimant.this_boot(), "stale_before": datetime(2000, 1, 1, tzinfo=UTC)}
    async with await Database.open(url) as db:
        await db.credentials.save(CredentialRecord("client", "nmv_usr_x", "anon_1", expires))
        await db.chats.set_session(-100, "session-1", "task-1")
        await db.chats.set_locale(-100, "zh")
        await db.chats.add_items(-100, 3)
        await db.chats.set_setting(-100, "collecting", "1")
        await db.renders.add("render_1", -100, "session-1")
        await db.turns.start(-100, "session-1", "crea uno slideshow")
        await db.uploads.claim(-100, "session-1", "unique-a", "a.jpg", "image", **claim)
        await db.uploads.mark_uploaded("session-1", "unique-a")

    async with await Database.open(url) as db:
        assert await db.credentials.get() == CredentialRecord(
            "client", "nmv_usr_x", "anon_1", expires
        )
        chat = await db.chats.get(-100)
        assert chat is not None
        assert (chat.session_id, chat.task_id, chat.locale, chat.item_count) == (
            "session-1",
            "task-1",
            "zh",
            3,
        )
        assert chat.settings == {"collecting": "1"}
        [render] = await db.renders.undelivered()
        assert (render.render_id, render.chat_id) == ("render_1", -100)
        [turn] = await db.turns.in_flight()
        assert (turn.chat_id, turn.text) == (-100, "crea uno slideshow")
        assert await db.uploads.count("session-1") == 1
        assert not await db.uploads.claim(-100, "session-1", "unique-a", "a.jpg", "image", **claim)


async def test_a_transaction_cancelled_as_it_begins_leaves_the_database_usable(
    db: Database,
) -> None:
    saving = asyncio.create_task(db.inbox.add({1: "{}"}))
    await asyncio.sleep(0)
    saving.cancel()
    with pytest.raises(asyncio.CancelledError):
        await saving
    await db.inbox.add({2: "{}"})
    assert 2 in [record.update_id for record in await db.inbox.pending()]
