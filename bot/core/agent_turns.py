"""One agent turn: send the message, relay the stream, make sense of how it ended.

The agent streams events over SSE for up to fifteen minutes. Only its text reaches the
chat: as it grows (``Drafting``, which the messenger may show live) and whole at the
end. A tool call becomes a plain ``ToolActivity``, never its name or arguments;
heartbeats become a "⏳" status every ``still_working_seconds``; a turn that ends
without text is answered with the timeline; a stream that breaks is never re-sent
(the message was accepted, and a resend would charge twice) — the state tells what
happened instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from bot import metrics
from bot.core.actions import Action
from bot.core.gui import strip_gui
from bot.core.handover import handed_over
from bot.core.notices import Drafting, ToolActivity, Working
from bot.core.ports import ChatRef, ProgressReporter
from bot.core.sessions import Sessions
from bot.nemo import (
    AgentText,
    NemoClient,
    NemoError,
    Session,
    SessionNotFound,
    StreamDropped,
    ToolCall,
    ToolResult,
    TurnTimedOut,
)
from storage import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TurnOutcome:
    """How a turn ended: the agent's text (GUI instructions removed) and what to do next.

    ``complete`` is False when the stream broke or timed out before the agent finished.
    """

    text: str
    actions: tuple[Action, ...]
    complete: bool = True


class TurnRunner:
    """Runs agent turns; the caller makes sure a chat has one in flight at a time."""

    def __init__(
        self,
        nemo: NemoClient,
        sessions: Sessions,
        db: Database,
        *,
        still_working_seconds: float,
    ) -> None:
        self._nemo = nemo
        self._sessions = sessions
        self._db = db
        self._still_working = still_working_seconds

    async def run(self, chat: ChatRef, text: str, progress: ProgressReporter) -> TurnOutcome:
        """Run one turn (see ``_run``), counted in the metrics as open, then by outcome."""
        with metrics.agent_turn() as counted:
            outcome = await self._run(chat, text, progress)
            if not outcome.complete:
                counted.value = "ended_early"
            return outcome

    async def _run(self, chat: ChatRef, text: str, progress: ProgressReporter) -> TurnOutcome:
        """Send ``text`` to the chat's session and collect the agent's answer.

        A session the cloud no longer knows is replaced and the message sent once more:
        the server refused it, so nothing was charged. Raises NemoError for everything
        else the caller must explain.
        """
        session = await self._sessions.session(chat)
        try:
            return await self._relay(chat, session, text, progress)
        except SessionNotFound:
            log.info("session of chat %s is gone; starting a new one", chat.chat_id)
            session = await self._sessions.renew(chat, stale=session)
            return await self._relay(chat, session, text, progress)

    async def _relay(
        self, chat: ChatRef, session: Session, text: str, progress: ProgressReporter
    ) -> TurnOutcome:
        await self._db.turns.start(chat.chat_id, session.session_id, text)
        # From here on the turn record answers for the message: a restart reports it
        # as interrupted and never sends it again.
        await handed_over()
        texts: list[str] = []
        busy = _Busy()
        try:
            stream = self._nemo.chat(session.session_id, text)
            async with (
                _ticking(progress, self._still_working, busy),
                contextlib.aclosing(stream) as events,
            ):
                async for event in events:
                    if isinstance(event, AgentText):
                        texts.append(event.text)
                        busy.doing = None
                        if so_far := _outcome(texts, complete=False).text:
                            await progress.update(Drafting(so_far))
                    elif isinstance(event, ToolCall):
                        busy.doing = tool_activity(event.name)
                        await progress.update(busy.working())
                    elif isinstance(event, ToolResult):
                        busy.doing = None
        except asyncio.CancelledError:
            # Cut by shutdown: the record stays, so the next start tells the chat.
            raise
        except NemoError as error:
            await self._db.turns.finish(chat.chat_id)
            if not _cut_short(error):
                raise
            log.warning("turn of chat %s ended early: %s", chat.chat_id, type(error).__name__)
            return _outcome(texts, complete=False)
        except BaseException:
            await self._db.turns.finish(chat.chat_id)
            raise
        await self._db.turns.finish(chat.chat_id)
        return _outcome(texts, complete=True)


def _cut_short(error: NemoError) -> bool:
    return isinstance(error, StreamDropped | TurnTimedOut)


def _outcome(texts: list[str], *, complete: bool) -> TurnOutcome:
    stripped = strip_gui("\n\n".join(part.strip() for part in texts if part.strip()))
    return TurnOutcome(text=stripped.text, actions=stripped.actions, complete=complete)


# Matched against a tool's name in order; the first that fits says what the agent does.
_TOOL_WORDS = (
    (ToolActivity.MUSIC, ("music", "audio", "bgm", "sound", "song", "voice")),
    (ToolActivity.TEXT, ("text", "title", "caption", "subtitle", "font")),
    (ToolActivity.GENERATING, ("generate", "create", "make", "render", "image", "video")),
)


def tool_activity(tool_name: str) -> ToolActivity:
    """What a tool call means for the person waiting, from its name alone."""
    name = tool_name.casefold()
    for activity, words in _TOOL_WORDS:
        if any(word in name for word in words):
            return activity
    return ToolActivity.EDITING


class _Busy:
    """When the turn started and what its tools are doing now, for the status."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.doing: ToolActivity | None = None

    def working(self) -> Working:
        return Working(elapsed=time.monotonic() - self.started, doing=self.doing)


@contextlib.asynccontextmanager
async def _ticking(progress: ProgressReporter, every: float, busy: _Busy) -> AsyncIterator[None]:
    """Report "still working" every ``every`` seconds until the body finishes."""

    async def tick() -> None:
        while True:
            await asyncio.sleep(every)
            await progress.update(busy.working())

    task = asyncio.create_task(tick())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
