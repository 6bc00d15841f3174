"""What a restart left behind: turns cut short and renders still in flight.

A cut turn is never sent again (the agent got it, and a resend would charge twice):
its chat is told, shown the timeline and asked to repeat what it wanted. Every render
in flight is followed to delivery, as if nothing had happened — a few at a time, as
each downloads a whole video — unless it was tried too often or is too old: a render
whose delivery keeps failing, or keeps crashing the bot, must not do so forever. Its chat
is told then, with the export one tap away: the person asked for a video and must not be
left waiting for one that will never come.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from bot.core.actions import Action
from bot.core.chats import ChatDirectory
from bot.core.exports import Exporter
from bot.core.local_exports import LocalExporter
from bot.core.notices import TurnInterrupted, VideoGivenUp
from bot.core.ports import OutputFactory
from bot.core.requests import RequestRunner
from bot.core.timelines import Timelines
from storage import Database, RenderRecord
from storage.renders import LOCAL

log = logging.getLogger(__name__)

PARALLEL_RESUMES = 3
MAX_DELIVERY_ATTEMPTS = 5
MAX_RENDER_AGE = timedelta(hours=24)


class Recovery:
    """Runs once at start-up, after the inbox was restored."""

    def __init__(
        self,
        db: Database,
        chats: ChatDirectory,
        timelines: Timelines,
        exporter: Exporter,
        local: LocalExporter,
        runner: RequestRunner,
        outputs: OutputFactory,
        *,
        parallel_resumes: int = PARALLEL_RESUMES,
    ) -> None:
        self._db = db
        self._chats = chats
        self._timelines = timelines
        self._exporter = exporter
        self._local = local
        self._runner = runner
        self._outputs = outputs
        self._parallel_resumes = parallel_resumes

    async def resume(self, chat_id: int | None = None) -> None:
        """Tell chats whose turn was cut, and finish every render in flight.

        With ``chat_id``, that chat's only: a replica took it over from one that stopped,
        while the other replicas' chats are theirs (``bot.telegram.ownership``).
        """
        for turn in await self._db.turns.in_flight():
            if chat_id is not None and turn.chat_id != chat_id:
                continue
            await self._db.turns.finish(turn.chat_id)
            try:
                chat = await self._chats.known(turn.chat_id)
                timeline = await self._timelines.if_readable(chat)
                await self._outputs(chat).show(TurnInterrupted(timeline))
            except Exception:
                # One chat that blocked the bot must not keep the others from hearing.
                log.exception("could not tell chat %s its turn was interrupted", turn.chat_id)
        renders = [
            record
            for record in await self._db.renders.undelivered()
            if (chat_id is None or record.chat_id == chat_id) and not await self._given_up(record)
        ]
        limit = asyncio.Semaphore(self._parallel_resumes)
        results = await asyncio.gather(
            *(self._resume_render(record, limit) for record in renders), return_exceptions=True
        )
        for record, result in zip(renders, results, strict=True):
            if isinstance(result, Exception):
                log.error("render %s not delivered: %r", record.render_id, result)

    async def _given_up(self, record: RenderRecord) -> bool:
        """End a render tried too often or too old to be worth sending; True if it ended."""
        if record.attempts >= MAX_DELIVERY_ATTEMPTS:
            reason = "TooManyAttempts"
        elif datetime.now(UTC) - record.created_at > MAX_RENDER_AGE:
            reason = "TooOld"
        else:
            return False
        await self._db.renders.update(record.render_id, status="failed", error=reason)
        log.warning(
            "render %s for chat %s given up (%s): %d attempts since %s",
            record.render_id,
            record.chat_id,
            reason,
            record.attempts,
            record.created_at.isoformat(),
        )
        try:
            chat = await self._chats.known(record.chat_id)
            await self._outputs(chat).show(VideoGivenUp(), next_steps=(Action.EXPORT,))
        except Exception:
            log.exception("could not tell chat %s its video was given up", record.chat_id)
        return True

    async def _resume_render(self, record: RenderRecord, limit: asyncio.Semaphore) -> None:
        chat = await self._chats.known(record.chat_id)
        out = self._outputs(chat)
        # The slot is taken inside the chat's turn, so a chat busy with something else
        # does not hold one of the few slots while it waits.
        async with (
            self._runner.exclusive(chat, out, quiet=True),
            self._runner.failures(chat, out),
            limit,
        ):
            await self._db.renders.add_attempt(record.render_id)
            log.info("resuming render %s for chat %s", record.render_id, chat.chat_id)
            if record.source == LOCAL:
                await self._local.resume(record, chat, out)
            else:
                await self._exporter.resume(record, chat, out)
