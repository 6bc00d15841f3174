"""The conversation with one chat, whatever messenger carries it.

Every entry point takes a ChatRef and a ChatOutput: what a person wrote or sent goes
in, notices come out. Cloud errors end here as a ``Failed`` notice, so nothing raw
reaches the chat, and a chat runs one agent turn or export at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Sequence
from datetime import UTC, datetime

from bot.core.exports import Exporter
from bot.core.gate import ChatGate
from bot.core.gui import GuiAction
from bot.core.notices import (
    Activity,
    AgentReply,
    CollectionClosedIdle,
    CollectionOpened,
    CreditsShown,
    ExportAlreadyComing,
    Failed,
    NextStep,
    NothingToUpload,
    ProjectStarted,
    StillWorking,
    TimelineShown,
    TurnCutShort,
    TurnInterrupted,
    UploadAcknowledged,
    Uploading,
)
from bot.core.ports import ChatOutput, ChatRef, OutputFactory, ProgressReporter
from bot.core.projects import Projects
from bot.core.router import Intent, classify, extract_links
from bot.core.summary import Timeline, summarize
from bot.core.turns import TurnRunner
from bot.core.uploads import IncomingFile, Uploader, UploadReport
from bot.nemo import NemoClient, NemoError, OutOfCredits, SessionNotFound
from storage import Database, RenderRecord

log = logging.getLogger(__name__)

AGENT_NEXT_STEPS = (NextStep.EXPORT, NextStep.STATE, NextStep.CREDITS)

# What the agent is asked when a group closes its collection without saying more.
DEFAULT_INSTRUCTION = {
    "it": "Crea uno slideshow con tutte le foto e i video caricati, con musica e transizioni.",
    "en": "Make a slideshow of all the uploaded photos and clips, with music and transitions.",
    "zh": "用所有上传的照片和视频制作一个带音乐和转场的幻灯片视频。",
}


class Conversation:
    """Routes what a chat sends to uploads, credits, state, export or the agent."""

    def __init__(
        self,
        *,
        nemo: NemoClient,
        db: Database,
        projects: Projects,
        turns: TurnRunner,
        uploader: Uploader,
        exporter: Exporter,
    ) -> None:
        self._nemo = nemo
        self._db = db
        self._projects = projects
        self._turns = turns
        self._uploader = uploader
        self._exporter = exporter
        self._gate = ChatGate()
        # Per chat, the export in line with nothing that could change the draft after it.
        self._export_in_line: dict[int, object] = {}

    async def chat(self, chat_id: int, language_code: str | None, *, is_group: bool) -> ChatRef:
        """Identify the chat and the language to answer it in."""
        return await self._projects.chat(chat_id, language_code, is_group=is_group)

    async def text(self, chat: ChatRef, text: str, out: ChatOutput) -> None:
        """Route a text message by intent."""
        match classify(text):
            case Intent.EXPORT:
                await self.export(chat, out)
            case Intent.CREDITS:
                await self.credits(chat, out)
            case Intent.STATE:
                await self.state(chat, out)
            case Intent.UPLOAD:
                await self.links(chat, extract_links(text), out)
            case Intent.CHAT:
                await self.ask_agent(chat, text, out)

    async def media(
        self,
        chat: ChatRef,
        files: Iterable[IncomingFile] | AsyncIterable[IncomingFile],
        caption: str | Callable[[], str | None] | None,
        out: ChatOutput,
        *,
        contributor: str | None = None,
    ) -> None:
        """Upload a batch (one file or a whole album), then run its caption as an instruction.

        An album's files may still be arriving: each is uploaded as it comes, and the
        acknowledgement waits for the last. Its caption may come on any item, so a
        callable caption is read only once the files have all arrived.
        """
        self._draft_may_change(chat)
        async with self.in_order(chat.chat_id):
            report = UploadReport()
            await self._db.collections.touch(chat.chat_id)
            async with self._failures(chat, out):
                async with out.working(Activity.UPLOADING_DOCUMENT) as progress:
                    report = await self._uploader.upload(chat, _counted(files, progress))
                await self._acknowledge(report, out, contributor)
            instruction = caption() if callable(caption) else caption
            if instruction and instruction.strip() and report.uploaded:
                await self.text(chat, instruction, out)

    @contextlib.asynccontextmanager
    async def in_order(self, chat_id: int) -> AsyncIterator[None]:
        """Hold the chat's place in line: what comes after waits until the body is done.

        An album takes its place when its first item arrives, so an instruction sent
        right after it finds the files uploaded.
        """
        async with self._gate.hold(chat_id):
            yield

    async def links(self, chat: ChatRef, urls: Sequence[str], out: ChatOutput) -> None:
        """Upload media by link; the cloud fetches it."""
        if not urls:
            await out.show(NothingToUpload())
            return
        self._draft_may_change(chat)
        async with self._failures(chat, out):
            async with out.working(Activity.UPLOADING_DOCUMENT) as progress:
                await progress.update(Uploading(count=len(urls)))
                report = await self._uploader.upload_links(chat, urls)
            await self._acknowledge(report, out)

    async def next_step(self, chat: ChatRef, step: NextStep, out: ChatOutput) -> None:
        """Run a one-tap next step offered under an agent reply."""
        match step:
            case NextStep.EXPORT:
                await self.export(chat, out)
            case NextStep.STATE:
                await self.state(chat, out)
            case NextStep.CREDITS:
                await self.credits(chat, out)

    async def ask_agent(self, chat: ChatRef, text: str, out: ChatOutput) -> None:
        """Send the text to the editing agent, one turn at a time per chat."""
        self._draft_may_change(chat)
        async with self._one_at_a_time(chat, out), self._failures(chat, out):
            async with out.working(Activity.TYPING) as progress:
                outcome = await self._turns.run(chat, text, progress)
            if outcome.text:
                await out.show(AgentReply(outcome.text), AGENT_NEXT_STEPS)
            if not outcome.complete:
                await out.show(TurnCutShort(await self._timeline(chat)))
            elif not outcome.text and not outcome.actions:
                timeline = await self._current_timeline(chat)
                await out.show(TimelineShown(timeline, after_silent_turn=True), AGENT_NEXT_STEPS)
            for action in outcome.actions:
                await self._act(chat, action, out)

    async def open_collection(self, chat: ChatRef, opened_by: str, out: ChatOutput) -> None:
        """Open the group's collection: members' media go into the project until /crea."""
        await self._db.collections.open(chat.chat_id, opened_by)
        await out.show(CollectionOpened(opened_by))

    async def collecting(self, chat_id: int) -> bool:
        """True while the chat has an open collection."""
        return await self._db.collections.get(chat_id) is not None

    async def create(self, chat: ChatRef, instruction: str | None, out: ChatOutput) -> None:
        """Close the collection, if any, and ask the agent to make the video."""
        await self._db.collections.close(chat.chat_id)
        text = (instruction or "").strip() or DEFAULT_INSTRUCTION[chat.locale]
        await self.ask_agent(chat, text, out)

    async def close_if_idle(
        self, chat: ChatRef, idle_seconds: float, out: ChatOutput
    ) -> float | None:
        """Close a collection silent for ``idle_seconds``, saying so.

        Returns the seconds still to wait when it saw activity meanwhile, else None.
        """
        record = await self._db.collections.get(chat.chat_id)
        if record is None:
            return None
        silent = (datetime.now(UTC) - record.last_activity_at).total_seconds()
        if silent < idle_seconds:
            return idle_seconds - silent
        await self._db.collections.close(chat.chat_id)
        total = await self._projects.item_count(chat)
        await out.show(CollectionClosedIdle(total=total, idle_minutes=round(idle_seconds / 60)))
        return None

    async def export(self, chat: ChatRef, out: ChatOutput) -> None:
        """Render and deliver the project's video.

        An impatient second "export" (or a second tap on the button) while the same
        draft is already in line would render it again and charge twice: it is told
        the video is coming instead.
        """
        if chat.chat_id in self._export_in_line:
            await out.show(ExportAlreadyComing())
            return
        mine = self._export_in_line[chat.chat_id] = object()
        try:
            async with self._one_at_a_time(chat, out), self._failures(chat, out):
                await self._exporter.export(chat, out)
        finally:
            if self._export_in_line.get(chat.chat_id) is mine:
                del self._export_in_line[chat.chat_id]

    def _draft_may_change(self, chat: ChatRef) -> None:
        """A request that may change the draft arrived: a later export is a new one."""
        self._export_in_line.pop(chat.chat_id, None)

    async def credits(self, chat: ChatRef, out: ChatOutput) -> None:
        """Show the credit balance."""
        async with self._failures(chat, out):
            await out.show(CreditsShown(await self._nemo.credits()))

    async def state(self, chat: ChatRef, out: ChatOutput) -> None:
        """Show the project's tracks."""
        async with self._failures(chat, out):
            timeline = await self._current_timeline(chat)
            await out.show(TimelineShown(timeline), (NextStep.EXPORT,))

    async def new_project(self, chat: ChatRef, out: ChatOutput) -> None:
        """Start a fresh project; the old one is forgotten only once the new one exists."""
        self._draft_may_change(chat)
        async with self._one_at_a_time(chat, out), self._failures(chat, out):
            await self._projects.renew(chat)
            await out.show(ProjectStarted())

    async def set_language(self, chat: ChatRef, locale: str) -> ChatRef:
        """Remember the chat's language."""
        return await self._projects.set_locale(chat, locale)

    async def moved(self, old_chat_id: int, new_chat_id: int) -> None:
        """The chat has a new id; its project, language and renders go with it."""
        await self._projects.moved(old_chat_id, new_chat_id)

    async def resume(self, outputs: OutputFactory) -> None:
        """After a restart: tell chats whose turn was cut, and finish every render in flight."""
        for turn in await self._db.turns.in_flight():
            await self._db.turns.finish(turn.chat_id)
            try:
                chat = await self._projects.chat(turn.chat_id, None, is_group=turn.chat_id < 0)
                await outputs(chat).show(TurnInterrupted(await self._timeline(chat)))
            except Exception:
                # One chat that blocked the bot must not keep the others from hearing.
                log.exception("could not tell chat %s its turn was interrupted", turn.chat_id)
        renders = await self._db.renders.undelivered()
        results = await asyncio.gather(
            *(self._resume_render(record, outputs) for record in renders), return_exceptions=True
        )
        for record, result in zip(renders, results, strict=True):
            if isinstance(result, Exception):
                log.error("render %s not delivered: %r", record.render_id, result)

    async def _resume_render(self, record: RenderRecord, outputs: OutputFactory) -> None:
        chat = await self._projects.chat(record.chat_id, None, is_group=record.chat_id < 0)
        out = outputs(chat)
        log.info("resuming render %s for chat %s", record.render_id, chat.chat_id)
        async with self._one_at_a_time(chat, out, quiet=True), self._failures(chat, out):
            await self._exporter.resume(record, chat, out)

    async def _act(self, chat: ChatRef, action: GuiAction, out: ChatOutput) -> None:
        """Do what the agent's GUI instruction stood for (the chat's lock is already held)."""
        if action is GuiAction.EXPORT:
            await self._exporter.export(chat, out)
        elif action is GuiAction.SHOW_STATE:
            await out.show(TimelineShown(await self._current_timeline(chat)))

    async def _current_timeline(self, chat: ChatRef) -> Timeline:
        """The project's timeline. Raises NemoError when the cloud cannot tell."""
        session = await self._projects.session(chat)
        try:
            state = await self._nemo.state(session.session_id)
        except SessionNotFound:
            return Timeline(())
        return summarize(state.draft)

    async def _timeline(self, chat: ChatRef) -> Timeline | None:
        """The timeline for notices that stand without it: None when it cannot be read."""
        try:
            return await self._current_timeline(chat)
        except NemoError as error:
            log.warning("state of chat %s unavailable: %s", chat.chat_id, type(error).__name__)
            return None

    async def _acknowledge(
        self, report: UploadReport, out: ChatOutput, contributor: str | None = None
    ) -> None:
        for refusal in report.refused:
            await out.show(refusal)
        if report.uploaded:
            ack = UploadAcknowledged(report.uploaded, report.total, contributor)
            await out.show(ack)

    @contextlib.asynccontextmanager
    async def _one_at_a_time(
        self, chat: ChatRef, out: ChatOutput, *, quiet: bool = False
    ) -> AsyncIterator[None]:
        if self._gate.busy(chat.chat_id) and not quiet:
            await out.show(StillWorking())
        async with self._gate.hold(chat.chat_id):
            yield

    @contextlib.asynccontextmanager
    async def _failures(self, chat: ChatRef, out: ChatOutput) -> AsyncIterator[None]:
        """Turn a cloud error into a notice; the recovery it needs is in the notice."""
        try:
            yield
        except NemoError as error:
            log.warning("chat %s: %s", chat.chat_id, type(error).__name__)
            link = await self._register_link() if isinstance(error, OutOfCredits) else None
            await out.show(Failed(error, register_link=link))

    async def _register_link(self) -> str | None:
        with contextlib.suppress(NemoError):
            return await self._projects.register_link()
        return None


async def _counted(
    files: Iterable[IncomingFile] | AsyncIterable[IncomingFile], progress: ProgressReporter
) -> AsyncIterator[IncomingFile]:
    """Hand the files on as they arrive, the status counting them meanwhile."""
    count = 0
    arriving = files if isinstance(files, AsyncIterable) else _at_once(files)
    async for incoming in arriving:
        count += 1
        await progress.update(Uploading(count=count))
        yield incoming


async def _at_once(files: Iterable[IncomingFile]) -> AsyncIterator[IncomingFile]:
    for incoming in files:
        yield incoming
