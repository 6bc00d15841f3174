"""Upload claims across a crash: a file claimed by a killed process is uploaded, not dropped."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.ports import ChatRef
from bot.core.sessions import Sessions
from bot.core.uploads import IncomingFile, Uploader
from bot.nemo import NemoClient, NemoTimeouts
from storage import Claimant, Database
from tests.fakes.nemo import NemoFake
from tests.nemo.support import MemoryStore
from tests.waiting import until

CHAT = ChatRef(chat_id=42, locale="it")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 600
UPLOADS = ("POST", "/api/upload-video")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with await Database.open(str(tmp_path / "bot.sqlite3")) as database:
        yield database


@pytest.fixture
async def sessions(nemo: NemoFake, db: Database) -> AsyncIterator[Sessions]:
    client = NemoClient(
        base_url=nemo.url,
        skill_version="0.1.0",
        credentials=MemoryStore(),
        timeouts=NemoTimeouts(retry_backoff=0.01),
    )
    yield Sessions(db, client, "https://nemovideo.example")
    await client.aclose()


def uploader(sessions: Sessions, db: Database, claimant: Claimant) -> Uploader:
    """The uploader of one process; each process (boot) has its own claimant."""
    return Uploader(sessions._nemo, sessions, db, download_limit=20_000_000, claimant=claimant)


async def photo(unique_id: str = "photo-1") -> AsyncIterator[IncomingFile]:
    """A message with one photo, as the messenger hands its files over."""

    async def stream() -> AsyncIterator[bytes]:
        yield JPEG

    yield IncomingFile(unique_id=unique_id, file_name=None, size=len(JPEG), open=stream)


async def test_a_claim_left_by_a_killed_process_is_uploaded_after_the_restart(
    sessions: Sessions, db: Database, nemo: NemoFake
) -> None:
    session = await sessions.session(CHAT)
    # The killed process claimed the photo and died before the cloud answered: no
    # `forget`, no `mark_uploaded`, only the claim is left.
    killed = Claimant("killed-boot", datetime.now(UTC) - timedelta(minutes=5))
    await db.uploads.claim(
        CHAT.chat_id,
        session.session_id,
        "photo-1",
        "",
        "",
        claimant=killed,
        stale_before=datetime.now(UTC) - timedelta(hours=1),
    )

    report = await uploader(sessions, db, Claimant.this_boot()).upload(CHAT, photo())

    assert (report.uploaded, report.total) == (1, 1)
    assert nemo.count(*UPLOADS) == 1
    assert await db.uploads.count(session.session_id) == 1


async def test_the_retried_file_is_then_a_duplicate_like_any_uploaded_one(
    sessions: Sessions, db: Database, nemo: NemoFake
) -> None:
    restarted = uploader(sessions, db, Claimant.this_boot())
    await restarted.upload(CHAT, photo())
    report = await uploader(sessions, db, Claimant.this_boot()).upload(CHAT, photo())
    assert report.uploaded == 0
    assert nemo.count(*UPLOADS) == 1


async def test_the_same_file_arriving_while_its_upload_runs_is_a_duplicate(
    sessions: Sessions, db: Database, nemo: NemoFake
) -> None:
    """Within one process a claim holds: only a dead process's claim is taken over."""
    running = uploader(sessions, db, Claimant.this_boot())
    nemo.delay_next(*UPLOADS, 0.5)
    first = asyncio.create_task(running.upload(CHAT, photo()))
    await until(lambda: nemo.count(*UPLOADS))
    second = await running.upload(CHAT, photo())
    assert (await first).uploaded == 1
    assert second.uploaded == 0
    assert nemo.count(*UPLOADS) == 1
