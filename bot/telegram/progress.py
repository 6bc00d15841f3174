"""One status message per long operation, edited in place, plus a live chat action.

Telegram counts every edit and chat action against the chat's flood budget (20 a
minute in groups), and a bot that edits too eagerly collects escalating bans. So edits
are debounced — the latest text wins and is flushed when the interval allows — an
unchanged text is never sent, and a failed edit is never answered with a new message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from telegram import Bot
from telegram.error import BadRequest, RetryAfter, TelegramError

from bot.telegram.priority import in_background

log = logging.getLogger(__name__)

PRIVATE_EDIT_INTERVAL = 5.0
GROUP_EDIT_INTERVAL = 10.0
PRIVATE_ACTION_INTERVAL = 4.5
GROUP_ACTION_INTERVAL = 12.0
# Most operations end within seconds and the chat action already shows the bot at work;
# a status message (and its deletion) for those would only cost flood budget: measured
# by bench/load.py, it was half of all the bot's requests under load.
SHOW_AFTER = 3.0


class StatusMessage:
    """A throttled status message and chat-action loop for one chat."""

    def __init__(
        self, bot: Bot, chat_id: int, action: str, *, is_group: bool, topic: int | None = None
    ) -> None:
        self._bot = bot
        self._chat_id = chat_id
        self._topic = topic
        self._action = action
        self._edit_interval = GROUP_EDIT_INTERVAL if is_group else PRIVATE_EDIT_INTERVAL
        self._action_interval = GROUP_ACTION_INTERVAL if is_group else PRIVATE_ACTION_INTERVAL
        self._started = time.monotonic()
        self._message_id: int | None = None
        self._shown: str | None = None
        self._pending: str | None = None
        self._last_edit = 0.0
        self._quiet_until = 0.0
        self._flush: asyncio.Task[None] | None = None
        self._actions: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        """Begin showing the chat action; the status message waits until it is worth it."""
        self._started = time.monotonic()
        self._actions = asyncio.create_task(self._keep_action_alive())

    async def show(self, text: str) -> None:
        """Show ``text`` now if the budget allows, else as soon as it does."""
        self._pending = text
        if self._message_id is None:
            ready_at = self._started + SHOW_AFTER
        else:
            ready_at = self._last_edit + self._edit_interval
        wait = ready_at - time.monotonic()
        if wait <= 0:
            await self._send_pending()
        elif self._flush is None or self._flush.done():
            self._flush = asyncio.create_task(self._flush_later(wait))

    async def close(self) -> None:
        """Stop the chat action and remove the status message: the result follows it."""
        for task in (self._flush, self._actions):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._message_id is not None:
            with contextlib.suppress(TelegramError):
                await self._bot.delete_message(self._chat_id, self._message_id)

    async def _flush_later(self, wait: float) -> None:
        await asyncio.sleep(wait)
        await self._send_pending()

    async def _send_pending(self) -> None:
        with in_background():
            await self._send_pending_now()

    async def _send_pending_now(self) -> None:
        async with self._lock:
            text, self._pending = self._pending, None
            if text is None or text == self._shown or time.monotonic() < self._quiet_until:
                return
            try:
                if self._message_id is None:
                    message = await self._bot.send_message(
                        self._chat_id, text, message_thread_id=self._topic
                    )
                    self._message_id = message.message_id
                else:
                    await self._bot.edit_message_text(text, self._chat_id, self._message_id)
                self._shown = text
            except RetryAfter as error:
                self._quiet_until = time.monotonic() + _seconds(error.retry_after)
            except BadRequest as error:
                if "not modified" not in error.message.lower():
                    log.warning("status message in chat %s: %s", self._chat_id, error.message)
            except TelegramError as error:
                log.warning("status message in chat %s: %s", self._chat_id, type(error).__name__)
            self._last_edit = time.monotonic()

    async def _keep_action_alive(self) -> None:
        """Telegram shows a chat action for five seconds at most, so it is repeated."""
        with in_background():
            await self._repeat_action()

    async def _repeat_action(self) -> None:
        while True:
            if time.monotonic() >= self._quiet_until:
                try:
                    await self._bot.send_chat_action(
                        self._chat_id, self._action, message_thread_id=self._topic
                    )
                except RetryAfter as error:
                    self._quiet_until = time.monotonic() + _seconds(error.retry_after)
                except TelegramError as error:
                    log.debug("chat action in %s: %s", self._chat_id, type(error).__name__)
            await asyncio.sleep(self._action_interval)


def _seconds(retry_after: object) -> float:
    seconds = getattr(retry_after, "total_seconds", None)
    return float(seconds()) if callable(seconds) else float(retry_after)  # type: ignore[arg-type]
