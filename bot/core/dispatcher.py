"""The one table from an action to what runs it, and the entry points that feed it.

Every way of asking (a command, routed text, a button, a caption, the agent's "press
Export") arrives here as a ``Request`` and runs through ``dispatch``. Each handler
takes the chat's place in line itself; the line is re-entrant within a task, so an
agent turn that ends in an export keeps its place.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Sequence,
)

from bot.core.acknowledgements import Acknowledgements, counted
from bot.core.actions import Action, Instruction, Request, Sender
from bot.core.agent_turns import TurnRunner
from bot.core.chats import ChatDirectory
from bot.core.collections import Collections
from bot.core.exports import ExportAttempt, Exporter
from bot.core.links import extract_links, spelled_out
from bot.core.local_exports import LocalExporter, LocalRender
from bot.core.notices import (
    Activity,
    AdminsOnly,
    AgentReply,
    CreditsShown,
    ExportAlreadyComing,
    Greeting,
    GroupGuide,
    HelpShown,
    LanguageChanged,
    LanguageChoices,
    NothingToUpload,
    ProjectStarted,
    TimelineShown,
    TooManyWaiting,
    TurnCutShort,
    Uploading,
    WhichDidYouMean,
)
from bot.core.ports import ChatOutput, ChatRef
from bot.core.requests import LineFull, RequestRunner
from bot.core.router import Routing, beside_links
from bot.core.sessions import Sessions
from bot.core.timelines import Timelines
from bot.core.uploads import IncomingFile, Uploader, UploadReport
from bot.i18n import SUPPORTED_LOCALES
from bot.nemo import NemoClient

log = logging.getLogger(__name__)

Handler = Callable[[ChatRef, Request, ChatOutput], Awaitable[None]]
# Reads a message's action (``bot.core.router``); awaited, as the bot's waits for training.
Route = Callable[[str], Awaitable[Routing]]

AGENT_NEXT_STEPS = (Action.EXPORT, Action.STATE, Action.CREDITS)
# Above this many members, only admins may change a group's language: in a small group
# of friends anyone may, in a big one a single member should not switch it for everyone.
LANGUAGE_OPEN_TO_ALL_UP_TO = 10


class Dispatcher:
    """Runs requests for every chat: the table, and one handler per action."""

    def __init__(
        self,
        *,
        nemo: NemoClient,
        chats: ChatDirectory,
        sessions: Sessions,
        timelines: Timelines,
        collections: Collections,
        runner: RequestRunner,
        turns: TurnRunner,
        uploader: Uploader,
        exporter: Exporter,
        local: LocalExporter,
        local_render: LocalRender,
        route: Route,
        router_ready: Callable[[], bool] = lambda: True,
    ) -> None:
        self._nemo = nemo
        self._chats = chats
        self._sessions = sessions
        self._timelines = timelines
        self._collections = collections
        self._runner = runner
        self._turns = turns
        self._uploader = uploader
        self._exporter = exporter
        self._local = local
        self._local_render = local_render
        self._route = route
        self._acknowledgements = Acknowledgements(collections, sessions)
        self._router_ready = router_ready
        # Per chat, the export in line with nothing that could change the draft after it.
        self._export_in_line: dict[int, object] = {}
        self._table: dict[Action, Handler] = {
            Action.START: self._start,
            Action.HELP: self._help,
            Action.NEW_PROJECT: self._new_project,
            Action.LANGUAGE: self._language,
            Action.EXPORT: self._export,
            Action.LOCAL_VIDEO: self._local_video,
            Action.CREDITS: self._credits,
            Action.STATE: self._state,
            Action.UPLOAD: self._links,
            Action.COLLECT: self._collect,
            Action.CREATE: self._create,
            Action.CHAT: self._ask_agent,
        }

    async def dispatch(self, chat: ChatRef, request: Request, out: ChatOutput) -> None:
        """Run what the request asks for, unless the chat's line is full."""
        try:
            await self._table[request.action](chat, request, out)
        except LineFull as full:
            log.warning("chat %s: line full, %s refused", chat.chat_id, request.action)
            if full.first:
                await out.show(TooManyWaiting())

    async def text(
        self,
        chat: ChatRef,
        text: str,
        out: ChatOutput,
        sender: Sender | None = None,
        links: Sequence[str] = (),
    ) -> None:
        """Read what a free-text message asks for, and run it; when unsure, ask.

        ``links`` are the links the messenger marked; one hidden behind words counts
        as if it were typed.
        """
        text = spelled_out(text, links)
        # Read before the router is there (the first seconds after a start), the message
        # waits for it holding its place: an album sent after it must not go first.
        waits = contextlib.nullcontext() if self._router_ready() else self.in_order(chat.chat_id)
        async with waits:
            routing = await self._route(text)
            if routing.unsure:
                await out.show(WhichDidYouMean(routing.choices))
                return
            await self.dispatch(chat, Request(routing.action, text, sender, tuple(links)), out)

    async def follow(self, chat: ChatRef, instruction: Instruction, out: ChatOutput) -> None:
        """Run what came with an upload: a parsed command, or text to read."""
        if isinstance(instruction, Request):
            await self.dispatch(chat, instruction, out)
        else:
            await self.text(chat, instruction, out, None)

    def in_order(self, chat_id: int) -> contextlib.AbstractAsyncContextManager[None]:
        """Hold the chat's place in line (an album from its first item on)."""
        return self._runner.in_order(chat_id)

    async def media(
        self,
        chat: ChatRef,
        files: Iterable[IncomingFile] | AsyncIterable[IncomingFile],
        out: ChatOutput,
        *,
        instruction: Callable[[], Instruction | None],
        sender: Sender | None = None,
    ) -> None:
        """Upload a batch (one file or a whole album), then run what came with it.

        An album's files may still be arriving: each is uploaded as it comes, and the
        acknowledgement waits for the last. Its caption may come on any item, so
        ``instruction`` is asked for only once the files have all arrived. Free text
        runs only when the files are in the project, new or sent before (it speaks of
        them); a command runs whatever became of them.
        """
        self._draft_may_change(chat)
        async with self._runner.in_order(chat.chat_id):
            report = UploadReport()
            collecting = await self._collections.touch(chat.chat_id)
            async with (
                self._runner.failures(chat, out),
                out.working(Activity.UPLOADING_DOCUMENT) as progress,
            ):
                report = await self._uploader.upload(chat, counted(files, progress))
            then = instruction()
            follows = isinstance(then, Request) or bool(
                then and then.strip() and report.in_project
            )
            contributor = sender.name if sender is not None and chat.is_group else None
            await self._acknowledgements.say(
                chat,
                report,
                out,
                contributor,
                instruction_follows=follows,
                collecting=collecting,
            )
            if then is not None and follows:
                await self.follow(chat, then, out)

    async def _start(self, chat: ChatRef, request: Request, out: ChatOutput) -> None:
        await out.show(GroupGuide() if chat.is_group else Greeting())

    async def _help(self, chat: ChatRef, request: Request, out: ChatOutput) -> None:
        await out.show(GroupGuide() if chat.is_group else HelpShown())

    async def _new_project(self, chat: ChatRef, request: Request, out: ChatOutput) -> None:
        """A group's project belongs to everyone: only its admins may start another."""
        if chat.is_group and not (request.sender and await request.sender.is_admin()):
            await out.show(AdminsOnly(Action.NEW_PROJECT))
            return
        self._draft_may_change(chat)
        # Before taking the line, which a local render may hold for minutes.
        await self._local.cancel(chat.chat_id)
        async with self._runner.exclusive(chat, out), self._runner.failures(chat, out):
            await self._sessions.renew(chat)
            await out.show(ProjectStarted())

    async def _language(self, chat: ChatRef, request: Request, out: ChatOutput) -> None:
        choice = (request.text.split() or [""])[0].casefold()
        if choice not in SUPPORTED_LOCALES:
            await out.show(LanguageChoices())
            return
        if chat.is_group and not await _may_change_group_language(request.sender):
            await out.show(AdminsOnly(Action.LANGUAGE, LANGUAGE_OPEN_TO_ALL_UP_TO))
            return
        await self._chats.set_locale(chat, choice)
        await out.show(LanguageChanged(choice))

    async def _export(self, chat: ChatRef, request: Request, out: ChatOutput) -> None:
        """Render and deliver the project's video.

        An impatient second "export" (or a second tap on the button) while the same
        draft is already in line would render it again and charge twice: it is told
        the video is coming instead. With LOCAL_RENDER=always the bot makes it itself;
        with "offer", a cloud that cannot export is answered with the offer to.
        """
        if self._local_render is LocalRender.ALWAYS:
            await self._local_video(chat, request, out)
            return
        offer = self._local_render is LocalRender.OFFER
        if offer:
            await self._local.remember_words(chat, request.text)
        # A render already on record still arrives (after a restart, if need be): a
        # download that failed for good is no reason to offer a second video.
        attempt = ExportAttempt()
        async with self._once_in_line(chat, out) as first:
            if first:
                async with (
                    self._runner.exclusive(chat, out),
                    self._runner.failures(
                        chat, out, offer_local_video=lambda: offer and not attempt.on_record
                    ),
                ):
                    await self._exporter.export(chat, out, attempt)

    async def _local_video(self, chat: ChatRef, request: Request, out: ChatOutput) -> None:
        """Make the video on this machine, from the chat's uploads: free, and simpler.

        The words are the request's, or, for a tap on the offer, the export's before it.
        """
        words = request.text or await self._local.remembered_words(chat)
        async with self._once_in_line(chat, out) as first:
            if first:
                async with self._runner.exclusive(chat, out), self._runner.failures(chat, out):
                    await self._local.export(chat, out, words)

    @contextlib.asynccontextmanager
    async def _once_in_line(self, chat: ChatRef, out: ChatOutput) -> AsyncIterator[bool]:
        """True for the one export of the current draft; later ones are told it is coming."""
        if chat.chat_id in self._export_in_line:
            await out.show(ExportAlreadyComing())
            yield False
            return
        mine = self._export_in_line[chat.chat_id] = object()
        try:
            yield True
        finally:
            if self._export_in_line.get(chat.chat_id) is mine:
                del self._export_in_line[chat.chat_id]

    async def _credits(self, chat: ChatRef, request: Request, out: ChatOutput) -> None:
        async with self._runner.failures(chat, out):
            await out.show(CreditsShown(await self._nemo.credits()))

    async def _state(self, chat: ChatRef, request: Request, out: ChatOutput) -> None:
        async with self._runner.failures(chat, out):
            timeline = await self._timelines.current(chat)
            await out.show(TimelineShown(timeline), (Action.EXPORT,))

    async def _links(self, chat: ChatRef, request: Request, out: ChatOutput) -> None:
        """Upload media by link; the cloud fetches it, in the chat's order like any file.

        Words beside the links that say more than "add this" ("metti questa clip
        all'inizio") then run like a photo's caption, once the media is in the project.
        """
        urls = extract_links(request.text, request.links)
        if not urls:
            await out.show(NothingToUpload())
            return
        then = beside_links(request.text, urls)
        self._draft_may_change(chat)
        async with self._runner.exclusive(chat, out):
            report = UploadReport()
            async with self._runner.failures(chat, out):
                async with out.working(Activity.UPLOADING_DOCUMENT) as progress:
                    await progress.update(Uploading(count=len(urls)))
                    report = await self._uploader.upload_links(chat, urls)
                await self._acknowledgements.say(
                    chat, report, out, instruction_follows=then is not None
                )
            if then is not None and report.in_project:
                await self._beside_links(chat, then, request.sender, out)

    async def _beside_links(
        self, chat: ChatRef, words: str, sender: Sender | None, out: ChatOutput
    ) -> None:
        """Route the words that came with links; an upload they name is the one just done,
        so what they ask beyond it is the agent's."""
        routing = await self._route(words)
        if routing.unsure:
            await out.show(WhichDidYouMean(routing.choices))
            return
        action = Action.CHAT if routing.action is Action.UPLOAD else routing.action
        await self.dispatch(chat, Request(action, words, sender), out)

    async def _collect(self, chat: ChatRef, request: Request, out: ChatOutput) -> None:
        opened_by = request.sender.name if request.sender else "?"
        await self._collections.open(chat, opened_by, out)

    async def _create(self, chat: ChatRef, request: Request, out: ChatOutput) -> None:
        """Close the collection, if any, sum it up once, and ask the agent for the video."""
        summary = await self._collections.finish(chat)
        if summary is not None:
            await out.show(summary)
        await self._ask_agent(chat, request, out)

    async def _ask_agent(self, chat: ChatRef, request: Request, out: ChatOutput) -> None:
        """Send the text to the editing agent, one turn at a time per chat."""
        self._draft_may_change(chat)
        async with self._runner.exclusive(chat, out), self._runner.failures(chat, out):
            async with out.working(Activity.TYPING) as progress:
                outcome = await self._turns.run(chat, request.text, progress)
            if outcome.text:
                await out.show(AgentReply(outcome.text), AGENT_NEXT_STEPS)
            if not outcome.complete:
                await out.show(TurnCutShort(await self._timelines.if_readable(chat)))
            elif not outcome.text and not outcome.actions:
                timeline = await self._timelines.current(chat)
                await out.show(TimelineShown(timeline, after_silent_turn=True), AGENT_NEXT_STEPS)
            for action in outcome.actions:
                await self._after_turn(chat, Request(action, request.text), out)

    async def _after_turn(self, chat: ChatRef, request: Request, out: ChatOutput) -> None:
        """Do what the agent's GUI instruction stood for, still in the turn's place.

        It carries the turn's words: an export they led to reads its options from them.
        """
        if request.action is Action.STATE:
            await out.show(TimelineShown(await self._timelines.current(chat)))
        else:
            await self.dispatch(chat, request, out)

    def _draft_may_change(self, chat: ChatRef) -> None:
        """A request that may change the draft arrived: a later export is a new one."""
        self._export_in_line.pop(chat.chat_id, None)


async def _may_change_group_language(sender: Sender | None) -> bool:
    if sender is None:
        return False
    return await sender.group_size() <= LANGUAGE_OPEN_TO_ALL_UP_TO or await sender.is_admin()
