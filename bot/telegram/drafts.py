"""The agent's answer shown while it is written, in a private chat (sendMessageDraft).

A draft is ephemeral: it shows the person the text growing, and the whole answer still
comes as a message when the turn ends. One draft id serves a whole turn, so the client
grows one bubble rather than starting over; sends are throttled, the latest text wins.
Telegram allows drafts only in private chats, so groups never get one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time

from telegram import Bot
from telegram.constants import MessageLimit
from telegram.error import RetryAfter, TelegramError

from bot.telegram.priority import in_background

log = logging.getLogger(__name__)

# Often enough to read as typing, rarely enough to stay far from any flood limit.
DRAFT_INTERVAL = 1.0


class LiveDraft:
    """One turn's draft: the agent's text so far, and below it what the agent is doing."""

    def __init__(self, bot: Bot, chat_id: int, topic: int | None = None) -> None:
        self._bot = bot
        self._chat_id = chat_id
        self._topic = topic
        self._draft_id = secrets.randbelow(2**31 - 1) + 1  # Telegram refuses 0
        self._text = ""
        self._doing = ""
        self._shown = ""
        self._last_sent = 0.0
        self._broken = False
        self._flush: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    @property
    def started(self) -> bool:
        """Whether the agent's text is on show (the status then goes into the draft)."""
        return bool(self._text) and not self._broken

    async def write(self, text: str) -> None:
        """Show the agent's text so far; what it was doing is over."""
        self._text, self._doing = text, ""
        await self._schedule()

    async def doing(self, line: str) -> None:
        """Show what the agent is doing now, under its text."""
        self._doing = line
        await self._schedule()

    async def close(self) -> None:
        """Stop sending: the final message follows and replaces the draft."""
        if self._flush is not None:
            self._flush.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flush

    async def _schedule(self) -> None:
        if self._broken or not self._text:
            return
        wait = self._last_sent + DRAFT_INTERVAL - time.monotonic()
        if wait <= 0:
            await self._send()
        elif self._flush is None or self._flush.done():
            self._flush = asyncio.create_task(self._send_later(wait))

    async def _send_later(self, wait: float) -> None:
        await asyncio.sleep(wait)
        await self._send()

    async def _send(self) -> None:
        with in_background():
            async with self._lock:
                text = "\n\n".join(part for part in (self._text, self._doing) if part)
                text = text[-MessageLimit.MAX_TEXT_LENGTH :]
                if text == self._shown or self._broken:
                    return
                try:
                    await self._bot.send_message_draft(
                        self._chat_id, self._draft_id, text, message_thread_id=self._topic
                    )
                    self._shown = text
                except RetryAfter:
                    pass  # the next piece of text tries again; the final message is sure
                except TelegramError as error:
                    # A draft is a nicety: one refused is not worth a second try.
                    log.info("chat %s: no live draft (%s)", self._chat_id, error)
                    self._broken = True
                self._last_sent = time.monotonic()
