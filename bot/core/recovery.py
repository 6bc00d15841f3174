"""What a restart left behind: turns cut short and renders still in flight.

A cut turn is never sent again (the agent got it, and a resend would charge twice):
its chat is told, shown the timeline and asked to repeat what it wanted. Every render
in flight is followed to delivery, as if nothing had happened.
"""

from __future__ import annotations

import asyncio
import logging

from bot.core.chats import ChatDirectory
from bot.core.exports import Exporter
from bot.core.notices import TurnInterrupted
from bot.core.ports import OutputFactory
from bot.core.requests import RequestRunner
from bot.core.timelines import Timelines
from storage import Database, RenderRecord

log = logging.getLogger(__name__)


class Recovery:
    """Runs once at start-up, after the inbox was restored."""

    def __init__(
        self,
        db: Database,
        chats: ChatDirectory,
        timelines: Timelines,
        exporter: Exporter,
        runner: RequestRunner,
        outputs: OutputFactory,
    ) -> None:
        self._db = db
        self._chats = chats
        self._timelines = timelines
        self._exporter = exporter
        self._runner = runner
        self._outputs = outputs

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
            if chat_id is None or record.chat_id == chat_id
        ]
        results = await asyncio.gather(
            *(self._resume_render(record) for record in renders), return_exceptions=True
        )
        for record, result in zip(renders, results, strict=True):
            if isinstance(result, Exception):
                log.error("render %s not delivered: %r", record.render_id, result)

    async def _resume_render(self, record: RenderRecord) -> None:
        chat = await self._chats.known(record.chat_id)
        out = self._outputs(chat)
        log.info("resuming render %s for chat %s", record.render_id, chat.chat_id)
        async with self._runner.exclusive(chat, out, quiet=True), self._runner.failures(chat, out):
            await self._exporter.resume(record, chat, out)
