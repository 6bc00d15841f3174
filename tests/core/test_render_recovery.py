"""Renders resumed after a restart: bounded, and stopped when they can never be delivered."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core import recovery as recovery_module
from bot.core.actions import Action
from bot.core.chats import ChatDirectory
from bot.core.exports import Exporter
from bot.core.notices import Notice, Progress, VideoGivenUp, VideoReady, VideoTooBig
from bot.core.ports import ChatOutput, ChatRef, ChatUnreachable
from bot.core.recovery import Recovery
from bot.core.requests import RequestRunner
from bot.core.sessions import Sessions
from bot.core.timelines import Timelines
from bot.nemo import NemoClient, NemoTimeouts
from storage import Database, RenderRecord
from tests.fakes.nemo import NemoFake, steps
from tests.nemo.support import MemoryStore

CHAT = ChatRef(chat_id=42, locale="it")
POLLS = ("GET", "/api/render/proxy/lambda/")
DOWNLOADS = ("GET", "/cdn/")


@dataclass
class BlockedChat:
    """A chat that blocked the bot: every video or link sent to it is refused for good."""

    notices: list[Notice] = field(default_factory=list)
    next_steps: list[tuple[Action, ...]] = field(default_factory=list)

    async def show(self, notice: Notice, next_steps: Sequence[Action] = ()) -> None:
        self.notices.append(notice)
        self.next_steps.append(tuple(next_steps))
        if isinstance(notice, VideoReady | VideoTooBig):
            raise ChatUnreachable(CHAT.chat_id)

    @asynccontextmanager
    async def working(self, activity: object) -> AsyncIterator[BlockedChat]:
        yield self

    async def update(self, progress: Progress) -> None:
        pass


@dataclass
class Parts:
    """What Recovery is built from, over the NemoVideo fake and a SQLite file."""

    db: Database
    nemo: NemoClient
    sessions: Sessions

    def recovery(self, exporter: object, out: ChatOutput, **options: int) -> Recovery:
        return Recovery(
            self.db,
            ChatDirectory(self.db),
            Timelines(self.nemo, self.sessions),
            exporter,  # type: ignore[arg-type]  # the real one, or one that counts
            None,  # type: ignore[arg-type]  # these tests resume cloud renders only
            RequestRunner(self.sessions),
            lambda chat: out,
            **options,
        )

    def exporter(self, tmp_path: Path) -> Exporter:
        return Exporter(
            self.nemo, self.sessions, self.db, upload_limit=50_000_000, workdir=tmp_path
        )


@pytest.fixture
async def parts(nemo: NemoFake, tmp_path: Path) -> AsyncIterator[Parts]:
    db = await Database.open(str(tmp_path / "bot.sqlite3"))
    client = NemoClient(
        base_url=nemo.url,
        skill_version="0.1.0",
        credentials=MemoryStore(),
        timeouts=NemoTimeouts(render_poll_first=0.05, render_poll_max=0.2, retry_backoff=0.01),
    )
    yield Parts(db, client, Sessions(db, client, "https://nemovideo.example"))
    await client.aclose()
    await db.close()


async def a_render_in_flight(parts: Parts, nemo: NemoFake) -> str:
    """Submit a render and record it, as an export does just before a restart cuts it."""
    session = await parts.sessions.session(CHAT)
    nemo.script_turn(steps.add_video_track("gita"), steps.text("Pronto."))
    async for _ in parts.nemo.chat(session.session_id, "crea il video"):
        pass
    state = await parts.nemo.state(session.session_id)
    render_id = await parts.nemo.submit_render(session.session_id, state.draft)
    await parts.db.renders.add(render_id, CHAT.chat_id, session.session_id)
    return render_id


async def test_a_render_for_a_chat_that_blocked_the_bot_is_tried_once_then_never_again(
    parts: Parts, nemo: NemoFake, tmp_path: Path
) -> None:
    render_id = await a_render_in_flight(parts, nemo)
    blocked = BlockedChat()

    await parts.recovery(parts.exporter(tmp_path), blocked).resume()
    assert [type(notice) for notice in blocked.notices] == [VideoReady]
    record = await parts.db.renders.get(render_id)
    assert record is not None
    assert (record.status, record.error, record.delivered_at) == (
        "failed",
        "ChatUnreachable",
        None,
    )

    polls, downloads = nemo.count(*POLLS), nemo.count(*DOWNLOADS)
    await parts.recovery(parts.exporter(tmp_path), blocked).resume()
    assert [type(notice) for notice in blocked.notices] == [VideoReady]
    assert (nemo.count(*POLLS), nemo.count(*DOWNLOADS)) == (polls, downloads)


class CountingExporter:
    """Resumes nothing, but knows how many resumes ran at once."""

    def __init__(self) -> None:
        self.running = 0
        self.peak = 0
        self.resumed: list[str] = []

    async def resume(self, record: RenderRecord, chat: ChatRef, out: ChatOutput) -> None:
        self.running += 1
        self.peak = max(self.peak, self.running)
        await asyncio.sleep(0.05)
        self.running -= 1
        self.resumed.append(record.render_id)


async def test_many_undelivered_renders_resume_a_few_at_a_time(parts: Parts) -> None:
    for chat_id in range(1, 11):
        await parts.db.renders.add(f"render_{chat_id}", chat_id, f"session-{chat_id}")
    exporter = CountingExporter()
    await parts.recovery(exporter, BlockedChat(), parallel_resumes=3).resume()
    assert sorted(exporter.resumed) == sorted(f"render_{n}" for n in range(1, 11))
    assert exporter.peak == 3


async def test_each_resume_counts_an_attempt(parts: Parts) -> None:
    await parts.db.renders.add("render_1", 1, "session")
    await parts.recovery(CountingExporter(), BlockedChat()).resume()
    record = await parts.db.renders.get("render_1")
    assert record is not None
    assert record.attempts == 2


async def test_a_render_tried_too_often_is_given_up(parts: Parts) -> None:
    await parts.db.renders.add("render_1", 1, "session")
    for _ in range(recovery_module.MAX_DELIVERY_ATTEMPTS - 1):
        await parts.db.renders.add_attempt("render_1")
    exporter, out = CountingExporter(), BlockedChat()
    await parts.recovery(exporter, out).resume()
    assert exporter.resumed == []
    record = await parts.db.renders.get("render_1")
    assert record is not None
    assert (record.status, record.error) == ("failed", "TooManyAttempts")
    assert (out.notices, out.next_steps) == ([VideoGivenUp()], [(Action.EXPORT,)])
    assert await parts.db.renders.undelivered() == []


async def test_a_render_too_old_is_given_up(parts: Parts, monkeypatch) -> None:
    await parts.db.renders.add("render_1", 1, "session")
    monkeypatch.setattr(recovery_module, "MAX_RENDER_AGE", timedelta(0))
    exporter, out = CountingExporter(), BlockedChat()
    await parts.recovery(exporter, out).resume()
    assert exporter.resumed == []
    record = await parts.db.renders.get("render_1")
    assert record is not None
    assert (record.status, record.error) == ("failed", "TooOld")
    assert (out.notices, out.next_steps) == ([VideoGivenUp()], [(Action.EXPORT,)])
