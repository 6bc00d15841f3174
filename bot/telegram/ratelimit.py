"""Flood control: PTB's AIORateLimiter plus the limits it lacks.

AIORateLimiter keeps the bot under 30 messages a second overall and 20 a minute per
group, and retries after a 429. Telegram also asks for about one message a second in
each private chat; sending faster works for a burst, then earns 429s that pause every
chat. So private-chat sends pass through a small bucket of their own first. Chat
actions get a budget of their own too, so hundreds of "typing…" loops never delay a
message, and the overall 30 a second is shared by lane (see priority.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter

from bot import metrics
from bot.telegram.priority import PriorityBucket, current_lane

# A burst of three, then about one a second: a reply and a status edit go out
# together, while a runaway loop is slowed to Telegram's pace.
PRIVATE_BURST = 3
PRIVATE_PERIOD = 3.0
CHAT_ACTIONS_PER_SECOND = 10
OVERALL_PER_SECOND = FloodLimit.MESSAGES_PER_SECOND
_TRACKED_CHATS = 10_000
_RETRY_DELAY = 1.0

log = logging.getLogger(__name__)


class FloodLimiter(AIORateLimiter):
    """AIORateLimiter with a per-private-chat limit on messages and edits."""

    def __init__(self, *, max_retries: int) -> None:
        # The overall 30/s is enforced here, by lane, instead of first come first served.
        super().__init__(max_retries=max_retries, overall_max_rate=0)
        self._overall = PriorityBucket(OVERALL_PER_SECOND, 1)
        self._private: OrderedDict[int, AsyncLimiter] = OrderedDict()
        self._actions = AsyncLimiter(CHAT_ACTIONS_PER_SECOND, 1)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for the private chat's bucket when the request shows a message there."""
        if endpoint == "sendChatAction":
            # "typing…" is a courtesy: under load it is dropped rather than queued ahead
            # of real messages in the 30-a-second budget.
            if not self._actions.has_capacity():
                return True
            await self._actions.acquire()
        chat_id = data.get("chat_id")
        if _shows_message(endpoint) and isinstance(chat_id, int) and chat_id > 0:
            async with self._bucket(chat_id):
                pass
        if chat_id is not None:
            await self._overall.acquire(current_lane())
        callback = _counting_retry_after(callback)
        try:
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        except NetworkError as error:
            if not _transient(error):
                raise
            # A 5xx from Telegram: the reply may be an agent answer already paid for in
            # credits, so it is worth one more try rather than an apology.
            log.warning("%s failed with %s; trying once more", endpoint, error.message)
            await asyncio.sleep(_RETRY_DELAY)
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )

    def _bucket(self, chat_id: int) -> AsyncLimiter:
        bucket = self._private.pop(chat_id, None) or AsyncLimiter(PRIVATE_BURST, PRIVATE_PERIOD)
        self._private[chat_id] = bucket
        if len(self._private) > _TRACKED_CHATS:
            self._private.popitem(last=False)
        return bucket


def _counting_retry_after(callback: Callable[..., Coroutine[Any, Any, Any]]) -> Any:
    """``callback`` counting each 429 in the metrics, including those retried silently."""

    async def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return await callback(*args, **kwargs)
        except RetryAfter:
            metrics.telegram_retry_after()
            raise

    return call


def _transient(error: NetworkError) -> bool:
    """Server errors only: a timeout may have been delivered, a 413 will never be."""
    if isinstance(error, BadRequest | TimedOut):
        return False
    return "Entity Too Large" not in error.message and "413" not in error.message


def _shows_message(endpoint: str) -> bool:
    """Sends and edits count against the chat's limit; chat actions and answers do not."""
    return endpoint.startswith(("send", "edit")) and endpoint != "sendChatAction"
