"""One request at a time per chat, in arrival order, every chat independent of the others.

Sending a second message to the agent while it is generating duplicates work and
charges twice, and an instruction sent right after some photos must find them already
uploaded; so a chat's requests queue behind each other. asyncio.Lock wakes waiters in
arrival order, which keeps the chat's messages in the order they were sent.

The gate is re-entrant within one task: a turn that exports, or an album upload whose
caption starts a turn, already holds its chat's place and keeps it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar


class ChatGate:
    """Per-chat FIFO locks that disappear when nobody holds or awaits them."""

    def __init__(self, name: str = "chat_gate") -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}
        # One per gate: holding a chat's place in one gate says nothing of another's.
        self._held: ContextVar[frozenset[int]] = ContextVar(name, default=frozenset())

    def busy(self, chat_id: int) -> bool:
        """True while a request of this chat runs elsewhere (not in the caller's own task)."""
        lock = self._locks.get(chat_id)
        return lock is not None and lock.locked() and chat_id not in self._held.get()

    def active(self, chat_id: int) -> bool:
        """True while a request of this chat runs or waits, in any task."""
        return chat_id in self._users

    @asynccontextmanager
    async def hold(self, chat_id: int) -> AsyncIterator[None]:
        """Wait for the chat's earlier requests, then run the body alone."""
        if chat_id in self._held.get():
            yield
            return
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._users[chat_id] = self._users.get(chat_id, 0) + 1
        try:
            async with lock:
                token = self._held.set(self._held.get() | {chat_id})
                try:
                    yield
                finally:
                    self._held.reset(token)
        finally:
            self._users[chat_id] -= 1
            if self._users[chat_id] == 0:
                del self._users[chat_id]
                del self._locks[chat_id]
