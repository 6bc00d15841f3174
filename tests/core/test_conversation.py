"""The transport-free conversation core against the real NemoVideo fake and a real database.

The output records notices instead of sending them, so these tests read what a person
would be told, without Telegram in the way.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.core.actions import Action, Instruction, Request
from bot.core.assembly import Core, CoreSettings, build_core
from bot.core.chats import ChatDirectory
from bot.core.failures import Failure
from bot.core.notices import (
    AgentReply,
    AlreadyInProject,
    CreditsShown,
    Drafting,
    ExportAlreadyComing,
    Failed,
    NothingToExport,
    Notice,
    Progress,
    StillWorking,
    TimelineShown,
    ToolActivity,
    TooManyWaiting,
    TurnCutShort,
    UploadAcknowledged,
    Uploading,
    UploadRefused,
    VideoReady,
    Working,
)
from bot.core.ports import ChatOutput, ChatRef, MediaUnavailable, OutputFactory
from bot.core.requests import MAX_WAITING
from bot.core.router import Routing
from bot.core.uploads import IncomingFile
from bot.nemo import NemoClient, NemoTimeouts
from storage import Database
from tests.fakes.nemo import NemoFake, steps
from tests.nemo.support import MemoryStore
from tests.waiting import until

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 600


@dataclass
class RecordingOutput:
    """A ChatOutput that remembers what it was asked to show."""

    notices: list[Notice] = field(default_factory=list)
    steps: list[Sequence[Action]] = field(default_factory=list)
    progress: list[Progress] = field(default_factory=list)
    videos: list[bytes] = field(default_factory=list)

    async def show(self, notice: Notice, next_steps: Sequence[Action] = ()) -> None:
        if isinstance(notice, VideoReady):
            self.videos.append(notice.path.read_bytes())
        self.notices.append(notice)
        self.steps.append(next_steps)

    @asynccontextmanager
    async def working(self, activity: object) -> AsyncIterator[RecordingOutput]:
        yield self

    async def update(self, progress: Progress) -> None:
        self.progress.append(progress)

    def of(self, kind: type) -> list:
        return [notice for notice in self.notices if isinstance(notice, kind)]


class ManualTimer:
    """The core's Timer, firing only when the test says."""

    def __init__(self) -> None:
        self.armed: dict[str, tuple[float, Callable[[], Awaitable[None]]]] = {}

    def arm(self, key: str, after: float, due: Callable[[], Awaitable[None]]) -> None:
        self.armed[key] = (after, due)


@dataclass
class CoreUnderTest:
    """The core with the calls the messenger layer makes, in the tests' own words."""

    core: Core
    speaking_to: list[OutputFactory]

    async def text(self, chat: ChatRef, text: str, out: ChatOutput) -> None:
        await self.core.dispatcher.text(chat, text, out)

    async def media(
        self,
        chat: ChatRef,
        files: object,
        caption: Instruction | Callable[[], Instruction | None] | None,
        out: ChatOutput,
    ) -> None:
        instruction = caption if callable(caption) else (lambda: caption)
        await self.core.dispatcher.media(chat, files, out, instruction=instruction)

    async def run(self, chat: ChatRef, action: Action, out: ChatOutput) -> None:
        await self.core.dispatcher.dispatch(chat, Request(action), out)

    async def resume(self, outputs: OutputFactory) -> None:
        """A restart: the core speaks to chats on its own through ``outputs``."""
        self.speaking_to.append(outputs)
        await self.core.recovery.resume()


class NoFiles:
    """A messenger that has kept no file: these tests make no video locally."""

    async def fetch(self, file_id: str, path: Path) -> None:
        raise MediaUnavailable(file_id)


@asynccontextmanager
async def running_core(
    nemo: NemoFake, tmp_path: Path, **core_options: Any
) -> AsyncIterator[CoreUnderTest]:
    """The core over the NemoVideo fake and a SQLite file; ``core_options`` go to build_core."""
    db = await Database.open(str(tmp_path / "bot.sqlite3"))
    timeouts = NemoTimeouts(render_poll_first=0.05, render_poll_max=0.2, retry_backoff=0.01)
    client = NemoClient(
        base_url=nemo.url,
        skill_version="0.1.0",
        credentials=MemoryStore(),
        timeouts=timeouts,
    )
    speaking_to: list[OutputFactory] = [lambda chat: RecordingOutput()]
    core = build_core(
        db=db,
        nemo=client,
        chats=ChatDirectory(db),
        outputs=lambda chat: speaking_to[-1](chat),
        timer=ManualTimer(),
        fetcher=NoFiles(),
        settings=CoreSettings(
            web_url="https://nemovideo.example",
            still_working_seconds=0.05,
            collection_idle_seconds=600,
            download_limit=20_000_000,
            upload_limit=50_000_000,
            workdir=tmp_path,
        ),
        **core_options,
    )
    yield CoreUnderTest(core, speaking_to)
    await client.aclose()
    await db.close()


@pytest.fixture
async def conversation(nemo: NemoFake, tmp_path: Path) -> AsyncIterator[CoreUnderTest]:
    async with running_core(nemo, tmp_path) as core:
        yield core


CHAT = ChatRef(chat_id=42, locale="it")


def jpeg_file(unique_id: str, data: bytes = JPEG, name: str | None = None) -> IncomingFile:
    async def stream() -> AsyncIterator[bytes]:
        yield data

    return IncomingFile(unique_id=unique_id, file_name=name, size=len(data), open=stream)


class Arriving:
    """An album's files as the messenger hands them over: one by one, until it is complete."""

    def __init__(self, *files: IncomingFile) -> None:
        self._queue: asyncio.Queue[IncomingFile | None] = asyncio.Queue()
        for incoming in files:
            self.add(incoming)

    def add(self, incoming: IncomingFile) -> None:
        self._queue.put_nowait(incoming)

    def complete(self) -> None:
        self._queue.put_nowait(None)

    async def __aiter__(self) -> AsyncIterator[IncomingFile]:
        while (incoming := await self._queue.get()) is not None:
            yield incoming


UPLOADS = ("POST", "/api/upload-video")


async def test_chat_turn_relays_text_without_tool_events(conversation, nemo):
    nemo.script_turn(
        steps.tool_call("generate_video", {"style": "slideshow"}),
        steps.tool_result("generate_video", {"ok": True}),
        steps.text("Ecco il tuo slideshow con musica italiana."),
    )
    out = RecordingOutput()
    await conversation.text(CHAT, "crea uno slideshow con musica italiana", out)
    replies = out.of(AgentReply)
    assert [reply.text for reply in replies] == ["Ecco il tuo slideshow con musica italiana."]
    assert "generate_video" not in replies[0].text
    assert Action.EXPORT in out.steps[out.notices.index(replies[0])]
    assert nemo.count("POST", "/run_sse") == 1


async def test_the_agents_text_is_drafted_as_it_grows_and_tools_stay_unnamed(conversation, nemo):
    nemo.script_turn(
        steps.text("Preparo lo slideshow."),
        steps.tool_call("add_background_music", {"track": "secret-id-42"}),
        steps.text("Click the Export button. Ecco fatto!"),
    )
    out = RecordingOutput()
    await conversation.text(CHAT, "crea uno slideshow", out)
    drafts = [progress.text for progress in out.progress if isinstance(progress, Drafting)]
    assert drafts == ["Preparo lo slideshow.", "Preparo lo slideshow.\nEcco fatto!"]
    doing = [p.doing for p in out.progress if isinstance(p, Working) and p.doing]
    assert doing[0] is ToolActivity.MUSIC
    assert "secret-id-42" not in repr(out.progress)
    assert [reply.text for reply in out.of(AgentReply)] == [drafts[-1]]


async def test_heartbeat_only_wait_reports_still_working(conversation, nemo):
    nemo.script_turn(steps.heartbeats(6, interval=0.05), steps.text("Fatto."))
    out = RecordingOutput()
    await conversation.text(CHAT, "aggiungi transizioni morbide", out)
    assert any(isinstance(progress, Working) for progress in out.progress)
    assert [reply.text for reply in out.of(AgentReply)] == ["Fatto."]


async def test_silent_turn_is_answered_with_the_timeline(conversation, nemo):
    nemo.script_turn(steps.add_video_track("city timelapse", 10_000), steps.heartbeats(1))
    out = RecordingOutput()
    await conversation.text(CHAT, "metti il timelapse della città", out)
    [shown] = out.of(TimelineShown)
    assert shown.after_silent_turn
    assert [track.name for track in shown.timeline.tracks] == ["city timelapse"]


async def test_export_button_in_reply_runs_the_export(conversation, nemo):
    nemo.script_turn(
        steps.add_video_track("vacanze"),
        steps.text("Il video è pronto! Clicca il pulsante Esporta per scaricarlo."),
    )
    out = RecordingOutput()
    await conversation.text(CHAT, "fai un video delle vacanze", out)
    assert [reply.text for reply in out.of(AgentReply)] == ["Il video è pronto!"]
    sample = (Path(__file__).parents[1] / "fakes" / "assets" / "sample.mp4").read_bytes()
    assert out.videos == [sample]
    assert nemo.count("POST", "/api/render/proxy/lambda") == 1


async def test_export_with_empty_draft_says_nothing_to_export(conversation, nemo):
    out = RecordingOutput()
    await conversation.text(CHAT, "esporta", out)
    assert out.of(NothingToExport)
    assert nemo.count("POST", "/api/render/proxy/lambda") == 0


async def test_dropped_stream_is_not_resent_and_reports_the_timeline(conversation, nemo):
    nemo.script_turn(steps.add_video_track("mare"), steps.text("Sto lavor"), steps.drop())
    out = RecordingOutput()
    await conversation.text(CHAT, "crea un video del mare", out)
    [cut] = out.of(TurnCutShort)
    assert cut.timeline is not None and cut.timeline.tracks[0].name == "mare"
    assert nemo.count("POST", "/run_sse") == 1


async def test_second_message_during_a_turn_waits_and_is_answered_after(conversation, nemo):
    nemo.script_turn(steps.heartbeats(4, interval=0.1), steps.text("primo"))
    nemo.script_turn(steps.text("secondo"))
    out = RecordingOutput()
    first = asyncio.create_task(conversation.text(CHAT, "crea un video", out))
    await until(lambda: nemo.count("POST", "/run_sse") == 1)
    await conversation.text(CHAT, "e aggiungi un titolo", out)
    await first
    assert isinstance(out.notices[0], StillWorking)
    assert [reply.text for reply in out.of(AgentReply)] == ["primo", "secondo"]


async def test_album_is_one_batch_with_one_acknowledgement(conversation, nemo):
    out = RecordingOutput()
    files = [jpeg_file(f"u{index}") for index in range(3)]
    await conversation.media(CHAT, files, None, out)
    assert [(ack.added, ack.total) for ack in out.of(UploadAcknowledged)] == [(3, 3)]
    assert nemo.count("POST", "/api/upload-video") == 3


async def test_album_items_upload_as_they_arrive_and_are_acknowledged_once_complete(
    conversation, nemo
):
    out = RecordingOutput()
    album = Arriving(jpeg_file("first"))
    uploading = asyncio.create_task(conversation.media(CHAT, album, None, out))
    await until(lambda: nemo.count(*UPLOADS) == 1)
    album.add(jpeg_file("second"))
    album.add(jpeg_file("third"))
    await until(lambda: nemo.count(*UPLOADS) == 3)
    assert out.of(UploadAcknowledged) == []
    album.complete()
    await uploading
    assert [(ack.added, ack.total) for ack in out.of(UploadAcknowledged)] == [(3, 3)]
    assert out.progress[-1] == Uploading(count=3)


async def test_album_caption_on_a_late_item_runs_after_the_acknowledgement(conversation, nemo):
    nemo.script_turn(steps.text("Slideshow pronto."))
    out = RecordingOutput()
    caption: list[str] = []
    album = Arriving(jpeg_file("a"))
    uploading = asyncio.create_task(conversation.media(CHAT, album, lambda: caption[-1], out))
    await until(lambda: nemo.count(*UPLOADS) == 1)
    caption.append("crea uno slideshow")
    album.add(jpeg_file("b"))
    album.complete()
    await uploading
    assert [type(notice) for notice in out.notices] == [UploadAcknowledged, AgentReply]
    [session] = nemo.sessions.values()
    assert session.messages == ["crea uno slideshow"]


async def test_album_refusals_and_duplicates_are_told_with_the_one_acknowledgement(
    conversation, nemo
):
    out = RecordingOutput()
    pdf = jpeg_file("pdf", b"%PDF-1.7\n" + b"x" * 600, "cv.pdf")
    album = Arriving(jpeg_file("a"), pdf, jpeg_file("a"), jpeg_file("b"))
    album.complete()
    await conversation.media(CHAT, album, None, out)
    assert [type(notice) for notice in out.notices] == [UploadRefused, UploadAcknowledged]
    assert [(ack.added, ack.total) for ack in out.of(UploadAcknowledged)] == [(2, 2)]
    assert nemo.count(*UPLOADS) == 2


async def test_an_album_of_more_than_ten_uploads_four_at_a_time(conversation, nemo):
    opened, most = [0], [0]
    go = asyncio.Event()

    def held(unique_id: str) -> IncomingFile:
        async def stream() -> AsyncIterator[bytes]:
            opened[0] += 1
            most[0] = max(most[0], opened[0])
            try:
                await go.wait()
                yield JPEG
            finally:
                opened[0] -= 1

        return IncomingFile(unique_id=unique_id, file_name=None, size=len(JPEG), open=stream)

    out = RecordingOutput()
    album = Arriving(*(held(f"u{index}") for index in range(12)))
    album.complete()
    uploading = asyncio.create_task(conversation.media(CHAT, album, None, out))
    await until(lambda: opened[0] == 4)
    go.set()
    await uploading
    assert most[0] == 4
    assert [(ack.added, ack.total) for ack in out.of(UploadAcknowledged)] == [(12, 12)]
    assert nemo.count(*UPLOADS) == 12


async def test_album_upload_failure_acknowledges_nothing_and_the_file_can_be_resent(
    conversation, nemo
):
    out = RecordingOutput()
    album = Arriving(jpeg_file("first"))
    uploading = asyncio.create_task(conversation.media(CHAT, album, "crea uno slideshow", out))
    await until(lambda: nemo.count(*UPLOADS) == 1)
    nemo.fail_next(*UPLOADS, status=400, message="down")
    album.add(jpeg_file("second"))
    await uploading
    # The person is told the upload failed; nothing is acknowledged, the caption not run.
    assert len(out.of(Failed)) == 1
    assert out.of(UploadAcknowledged) == []
    [session] = nemo.sessions.values()
    assert session.messages == []
    await conversation.media(CHAT, [jpeg_file("second")], None, out)
    assert [ack.added for ack in out.of(UploadAcknowledged)] == [1]


async def test_caption_runs_as_an_instruction_after_the_upload(conversation, nemo):
    nemo.script_turn(steps.text("Slideshow pronto."))
    out = RecordingOutput()
    await conversation.media(CHAT, [jpeg_file("a"), jpeg_file("b")], "crea uno slideshow", out)
    assert isinstance(out.notices[0], UploadAcknowledged)
    assert [reply.text for reply in out.of(AgentReply)] == ["Slideshow pronto."]
    [session] = nemo.sessions.values()
    assert session.messages == ["crea uno slideshow"]


async def test_unsupported_file_is_refused_before_any_upload(conversation, nemo):
    out = RecordingOutput()
    await conversation.media(
        CHAT, [jpeg_file("pdf", b"%PDF-1.7\n" + b"x" * 600, "cv.pdf")], None, out
    )
    assert [refusal.reason for refusal in out.of(UploadRefused)] == ["unsupported"]
    assert nemo.count("POST", "/api/upload-video") == 0


async def test_credits_show_the_balance(conversation, nemo):
    out = RecordingOutput()
    await conversation.text(CHAT, "quanti crediti ho?", out)
    [shown] = out.of(CreditsShown)
    assert shown.credits.available == nemo.initial_credits


async def test_out_of_credits_on_anonymous_token_offers_the_register_link(conversation, nemo):
    nemo.fail_next("POST", "/run_sse", status=200, code=2001, message="no credits")
    out = RecordingOutput()
    await conversation.text(CHAT, "crea un video", out)
    [failed] = out.of(Failed)
    assert failed.reason is Failure.OUT_OF_CREDITS
    assert failed.register_link and "/register?bind=anon_" in failed.register_link


async def test_export_not_allowed_is_explained(conversation, nemo):
    nemo.script_turn(steps.add_video_track("x"), steps.text("ok"))
    await conversation.text(CHAT, "crea un video", RecordingOutput())
    nemo.fail_next("POST", "/api/render/proxy/lambda", status=402, message="plan")
    out = RecordingOutput()
    await conversation.run(CHAT, Action.EXPORT, out)
    assert [failed.reason for failed in out.of(Failed)] == [Failure.EXPORT_NOT_IN_PLAN]


async def test_the_same_file_delivered_twice_is_uploaded_once(conversation, nemo):
    out = RecordingOutput()
    await conversation.media(CHAT, [jpeg_file("same")], None, out)
    await conversation.media(CHAT, [jpeg_file("same")], None, out)
    assert nemo.count("POST", "/api/upload-video") == 1
    assert [(ack.added, ack.total) for ack in out.of(UploadAcknowledged)] == [(1, 1)]
    assert [(again.count, again.total) for again in out.of(AlreadyInProject)] == [(1, 1)]


async def test_a_photo_sent_again_with_a_caption_still_runs_the_caption(conversation, nemo):
    nemo.script_turn(steps.text("Ecco il video con la foto."))
    out = RecordingOutput()
    await conversation.media(CHAT, [jpeg_file("same")], None, out)
    await conversation.media(CHAT, [jpeg_file("same")], "fai un video con questa foto", out)
    assert nemo.count("POST", "/api/upload-video") == 1
    assert len(out.of(AlreadyInProject)) == 1
    assert [reply.text for reply in out.of(AgentReply)] == ["Ecco il video con la foto."]


async def test_an_instruction_after_a_link_waits_for_the_link_to_be_in(conversation, nemo):
    nemo.delay_next("POST", "/api/upload-video", 0.5)
    nemo.script_turn(steps.text("Ho usato la clip."))
    out = RecordingOutput()
    link = asyncio.create_task(conversation.text(CHAT, "https://example.com/clip.mp4", out))
    await until(lambda: nemo.count("POST", "/api/upload-video") == 1)
    await conversation.text(CHAT, "crea un video con questa clip", out)
    await link
    kinds = [type(notice) for notice in out.notices]
    assert kinds.index(UploadAcknowledged) < kinds.index(AgentReply)


async def test_a_refused_file_can_be_sent_again(conversation, nemo):
    nemo.fail_next("POST", "/api/upload-video", status=200, code=4001, message="no")
    out = RecordingOutput()
    await conversation.media(CHAT, [jpeg_file("retry")], None, out)
    await conversation.media(CHAT, [jpeg_file("retry")], None, out)
    assert nemo.count("POST", "/api/upload-video") == 2
    assert [(ack.added, ack.total) for ack in out.of(UploadAcknowledged)] == [(1, 1)]


async def test_an_export_arriving_during_the_same_export_is_not_rendered_again(conversation, nemo):
    nemo.render_seconds = 1
    nemo.script_turn(steps.add_video_track("gita"), steps.text("Pronto."))
    out = RecordingOutput()
    await conversation.text(CHAT, "crea il video della gita", out)
    first = asyncio.create_task(conversation.text(CHAT, "esporta", out))
    await until(lambda: nemo.count("POST", "/api/render/proxy/lambda") == 1)
    await conversation.text(CHAT, "esporta", out)
    await first
    assert len(out.of(ExportAlreadyComing)) == 1
    assert len(out.videos) == 1
    assert nemo.count("POST", "/api/render/proxy/lambda") == 1


async def test_an_export_after_a_change_in_line_renders_again(conversation, nemo):
    nemo.render_seconds = 1
    nemo.script_turn(steps.add_video_track("gita"), steps.text("Pronto."))
    nemo.script_turn(steps.text("Titolo aggiunto."))
    out = RecordingOutput()
    await conversation.text(CHAT, "crea il video della gita", out)
    first = asyncio.create_task(conversation.text(CHAT, "esporta", out))
    await until(lambda: nemo.count("POST", "/api/render/proxy/lambda") == 1)
    change = asyncio.create_task(conversation.text(CHAT, "aggiungi un titolo", out))
    await asyncio.sleep(0)
    await conversation.text(CHAT, "esporta", out)
    await asyncio.gather(first, change)
    assert out.of(ExportAlreadyComing) == []
    assert len(out.videos) == 2
    assert nemo.count("POST", "/api/render/proxy/lambda") == 2


async def test_a_flooding_chat_is_refused_past_a_few_waiting_and_others_go_on(conversation, nemo):
    nemo.script_turn(steps.add_video_track("lungo"), steps.heartbeats(40, interval=0.05))
    flood = RecordingOutput()
    running = asyncio.create_task(conversation.text(CHAT, "crea un video lungo", flood))
    await until(lambda: nemo.count("POST", "/run_sse") == 1)
    queued = [
        asyncio.create_task(conversation.text(CHAT, f"aggiungi il titolo {n}", flood))
        for n in range(MAX_WAITING + 5)
    ]
    await until(lambda: len(flood.notices) >= MAX_WAITING + 1)
    await asyncio.sleep(0.1)
    assert len(flood.of(TooManyWaiting)) == 1, "told once, not once per message"
    other = RecordingOutput()
    nemo.script_turn(steps.text("Fatto per l'altra chat."))
    await conversation.text(ChatRef(chat_id=77, locale="it"), "aggiungi musica", other)
    assert [reply.text for reply in other.of(AgentReply)] == ["Fatto per l'altra chat."]
    for task in queued:
        task.cancel()
    running.cancel()
    await asyncio.gather(running, *queued, return_exceptions=True)
    # Only the turns that waited their turn could ever reach the agent.
    assert nemo.count("POST", "/run_sse") == 2


async def test_a_message_waiting_for_the_router_keeps_its_place_before_a_later_album(
    nemo, tmp_path
):
    arrived = asyncio.Event()
    router_there = asyncio.Event()

    async def route_when_there(text: str) -> Routing:
        arrived.set()
        await router_there.wait()
        return Routing(Action.CHAT)

    nemo.script_turn(steps.text("Fatto."))
    async with running_core(
        nemo, tmp_path, route=route_when_there, router_ready=router_there.is_set
    ) as conversation:
        out = RecordingOutput()
        text = asyncio.create_task(conversation.text(CHAT, "metti una musica", out))
        await arrived.wait()
        files = Arriving(jpeg_file("a"))
        files.complete()
        album = asyncio.create_task(conversation.media(CHAT, files, None, out))
        await asyncio.sleep(0.2)
        assert nemo.count(*UPLOADS) == 0, "the album waits behind the message before it"
        router_there.set()
        await asyncio.gather(text, album)
    answers = [n for n in out.notices if isinstance(n, AgentReply | UploadAcknowledged)]
    assert [type(answer) for answer in answers] == [AgentReply, UploadAcknowledged]
