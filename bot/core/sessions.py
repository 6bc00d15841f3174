"""Which NemoVideo session each chat is editing.

A chat's session is created lazily, on the first thing that needs it, and kept in
storage so the timeline survives restarts. A new project replaces the old one only
once the new session exists, so a failed creation never leaves a chat without one.
"""

from __future__ import annotations

import logging

from bot.core.gate import ChatGate
from bot.core.ports import ChatRef
from bot.nemo import NemoClient, Session
from storage import Database

log = logging.getLogger(__name__)


class Sessions:
    """Maps chats to NemoVideo sessions, the project each chat is editing."""

    def __init__(self, db: Database, nemo: NemoClient, web_url: str) -> None:
        self._db = db
        self._nemo = nemo
        self._web_url = web_url
        # Per chat, so two requests finding no session create one, not two.
        self._creating = ChatGate("session_creation")

    async def session(self, chat: ChatRef) -> Session:
        """Return the chat's session, creating it on first use."""
        async with self._creating.hold(chat.chat_id):
            record = await self._db.chats.get_or_create(chat.chat_id)
            if record.session_id and record.task_id:
                return Session(session_id=record.session_id, task_id=record.task_id)
            return await self._create(chat)

    async def renew(self, chat: ChatRef, stale: Session | None = None) -> Session:
        """Give the chat a fresh session.

        With ``stale`` given, only replace that one: when several requests find the
        session gone at once, the first creates the new one and the others reuse it.
        """
        async with self._creating.hold(chat.chat_id):
            record = await self._db.chats.get_or_create(chat.chat_id)
            if stale is not None and record.session_id not in (None, stale.session_id):
                return Session(session_id=record.session_id, task_id=record.task_id or "")
            return await self._create(chat)

    async def item_count(self, chat: ChatRef) -> int:
        """How many files the chat's current project holds."""
        record = await self._db.chats.get(chat.chat_id)
        return record.item_count if record else 0

    async def add_items(self, chat: ChatRef, count: int) -> int:
        """Count ``count`` new files into the project; return the new total."""
        return await self._db.chats.add_items(chat.chat_id, count)

    async def link(self, session: Session) -> str | None:
        """A link that opens the project in NemoVideo's editor, or None if none can be had."""
        claim = await self._nemo.claim_token(session)
        return f"{self._web_url}/workspace/claim?ct={claim}"

    @property
    def web_url(self) -> str:
        """NemoVideo's site, where people sign in, top up credits and change plans."""
        return self._web_url

    async def register_link(self) -> str | None:
        """Where an anonymous user binds an account to get more credits."""
        user_id = await self._nemo.anonymous_user_id()
        return f"{self._web_url}/register?bind={user_id}" if user_id else None

    async def _create(self, chat: ChatRef) -> Session:
        session = await self._nemo.create_session(chat.locale)
        await self._db.chats.set_session(chat.chat_id, session.session_id, session.task_id)
        log.info("chat %s now edits session %s", chat.chat_id, session.session_id)
        return session
