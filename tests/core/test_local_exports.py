"""The local video's job: the draft's cut when it names the uploads, and a cancel in time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.core.actions import Action
from bot.core.local_exports import LocalExporter
from bot.core.notices import Notice, Progress
from bot.core.ports import ChatRef
from bot.core.render_pool import LocalCaption, LocalJob, LocalShot, RenderCancelled
from bot.core.sessions import Sessions
from bot.nemo import NemoClient, NemoTimeouts
from storage import Claimant, Database
from storage.timestamps import utc_now
from tests.fakes.nemo import NemoFake, steps
from tests.nemo.support import MemoryStore
from tests.waiting import until

CHAT = ChatRef(chat_id=42, locale="it")
STATE = ("GET", "/api/state/")


@dataclass
class Chat:
    notices: list[Notice] = field(default_factory=list)

    async def show(self, notice: Notice, next_steps: Sequence[Action] = ()) -> None:
        self.notices.append(notice)

    @asynccontextmanager
    async def working(self, activity: object) -> AsyncIterator[Chat]:
        yield self

    async def update(self, progress: Progress) -> None:
        pass


@dataclass
class Fetcher:
    """Fetches nothing: the pool that follows reads no file."""

    fetched: list[str] = field(default_factory=list)

    async def fetch(self, file_id: str, path: Path) -> None:
        self.fetched.append(file_id)


@dataclass
class Pool:
    """Takes the job and stops there: what reaches the worker is what is checked."""

    jobs: list[LocalJob] = field(default_factory=list)

    async def render(self, key: int, job: LocalJob, **callbacks: object) -> None:
        self.jobs.append(job)
        raise RenderCancelled("the test has what it wanted")

    def cancel(self, key: int) -> bool:
        return False


@dataclass
class Parts:
    db: Database
    nemo: NemoClient
    sessions: Sessions
    pool: Pool
    local: LocalExporter


@pytest.fixture
async def parts(nemo: NemoFake, tmp_path: Path) -> AsyncIterator[Parts]:
    db = await Database.open(str(tmp_path / "bot.sqlite3"))
    client = NemoClient(
        base_url=nemo.url,
        skill_version="0.1.0",
        credentials=MemoryStore(),
        timeouts=NemoTimeouts(retry_backoff=0.01),
    )
    sessions = Sessions(db, client, "https://nemovideo.example")
    pool = Pool()
    # The pool stands in for the worker: it takes the job, renders nothing.
    local = LocalExporter(
        sessions,
        client,
        db,
        Fetcher(),
        pool,  # type: ignore[arg-type]
        short_side=180,
        workdir=tmp_path,
    )
    yield Parts(db, client, sessions, pool, local)
    await client.aclose()
    await db.close()


async def uploaded(parts: Parts, nemo: NemoFake, kinds: Sequence[str]) -> str:
    """Upload one small file per kind into the chat's session, recorded as the bot does."""
    session = await parts.sessions.session(CHAT)
    claimant = Claimant.this_boot()
    for index, kind in enumerate(kinds):
        name = f"file{index}.{ {'image': 'jpg', 'video': 'mp4', 'audio': 'mp3'}[kind] }"
        await parts.db.uploads.claim(
            CHAT.chat_id,
            session.session_id,
            f"unique{index}",
            name,
            "",
            claimant=claimant,
            stale_before=utc_now(),
            file_id=f"telegram{index}",
        )
        result = await parts.nemo.upload_urls(session.session_id, [f"https://x.example/{name}"])
        answered = result.files[0]
        await parts.db.uploads.mark_uploaded(
            session.session_id,
            f"unique{index}",
            kind,
            cloud_name=answered.filename,
            cloud_url=answered.cdn_url,
        )
    return session.session_id


async def agent_turn(parts: Parts, session_id: str) -> None:
    async for _ in parts.nemo.chat(session_id, "fai un video"):
        pass


async def test_the_job_follows_the_drafts_cut_and_captions(parts: Parts, nemo: NemoFake) -> None:
    session_id = await uploaded(parts, nemo, ["image", "audio", "video", "image"])
    nemo.script_turn(
        steps.place_uploads([2.0, 1.5], order=[2, 1]),
        steps.add_text("Ciao", start_ms=2500, duration_ms=1000),
    )
    await agent_turn(parts, session_id)
    await parts.local.export(CHAT, Chat(), "")
    [job] = parts.pool.jobs
    folder = job.output.parent
    # Of the pictures and clips (uploads 0, 2, 3): the third, then the second.
    assert job.media == (
        LocalShot(folder / "003", "photo", 2.0),
        LocalShot(folder / "002", "clip", 1.5),
    )
    assert job.music == folder / "001"
    assert job.captions == (LocalCaption("Ciao", 1, 0.5, 1.0),)


async def test_without_a_readable_draft_the_order_sent_holds(parts: Parts, nemo: NemoFake) -> None:
    await uploaded(parts, nemo, ["image", "video"])
    nemo.fail_next(*STATE, status=503, times=10)
    await parts.local.export(CHAT, Chat(), "")
    [job] = parts.pool.jobs
    assert [(shot.kind, shot.seconds) for shot in job.media] == [("photo", None), ("clip", None)]
    assert job.captions == ()


async def test_a_cancel_while_the_draft_is_read_stops_the_render(
    parts: Parts, nemo: NemoFake
) -> None:
    await uploaded(parts, nemo, ["image"])
    nemo.delay_next(*STATE, seconds=2.0)
    export = asyncio.create_task(parts.local.export(CHAT, Chat(), ""))
    await until(lambda: nemo.count(*STATE) == 1, timeout=10)
    await parts.local.cancel(CHAT.chat_id)
    await export
    assert parts.pool.jobs == []
    assert await parts.db.renders.undelivered() == []  # cancelled: not resumed either
