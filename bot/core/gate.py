"""One request at a time per chat, every chat independent of the others.

Sending a second message to the agent while it is generating duplicates work and
charges twice, so a chat's requests queue behind each other. asyncio.Lock wakes
waiters in arrival order, which keeps the chat's messages in the order they were sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class ChatGate:
    """Per-chat FIFO locks that disappear when nobody holds or awaits them."""

    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    def busy(self, chat_id: int) -> bool:
        """True while a request of this chat is running."""
        lock = self._locks.get(chat_id)
        return lock is not None and lock.locked()

    @asynccontextmanager
    async def hold(self, chat_id: int) -> AsyncIterator[None]:
        """Wait for the chat's earlier requests, then run the body alone."""
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._users[chat_id] = self._users.get(chat_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[chat_id] -= 1
            if self._users[chat_id] == 0:
                del self._users[chat_id]
                del self._locks[chat_id]
