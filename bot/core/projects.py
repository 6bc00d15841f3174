"""Which NemoVideo session each chat is editing.

A chat's session is created lazily, on the first thing that needs it, and kept in
storage so the timeline survives restarts. A new project replaces the old one only
once the new session exists, so a failed creation never leaves a chat without one.
"""

from __future__ import annotations

import logging

from bot.core.gate import ChatGate
from bot.core.ports import ChatRef
from bot.i18n import resolve_locale
from bot.nemo import NemoClient, Session
from storage import Database

log = logging.getLogger(__name__)

_LANGUAGE_HINT = "language_code"


class Projects:
    """Maps chats to NemoVideo sessions and remembers each chat's language."""

    def __init__(self, db: Database, nemo: NemoClient, web_url: str) -> None:
        self._db = db
        self._nemo = nemo
        self._web_url = web_url
        # Per chat, so two requests finding no session create one, not two.
        self._creating = ChatGate("session_creation")
        # (chosen language, sender's app language) per chat: read on every update, changed
        # rarely, so kept here rather than asked of the database each time.
        self._languages: dict[int, tuple[str | None, str | None]] = {}

    async def chat(self, chat_id: int, language_code: str | None, *, is_group: bool) -> ChatRef:
        """Resolve the chat's language once per update: stored choice, app language, Italian.

        The sender's app language is remembered too, so that messages the bot sends on
        its own (after a restart, when a collection closes) are in the same language.
        """
        chosen, remembered = await self._language_of(chat_id)
        if language_code and language_code != remembered:
            await self._db.chats.set_setting(chat_id, _LANGUAGE_HINT, language_code)
            self._languages[chat_id] = (chosen, language_code)
        locale = resolve_locale(chosen, language_code or remembered)
        return ChatRef(chat_id=chat_id, locale=locale, is_group=is_group)

    async def _language_of(self, chat_id: int) -> tuple[str | None, str | None]:
        if chat_id not in self._languages:
            record = await self._db.chats.get(chat_id)
            self._languages[chat_id] = (
                (record.locale, record.settings.get(_LANGUAGE_HINT)) if record else (None, None)
            )
        return self._languages[chat_id]

    async def set_locale(self, chat: ChatRef, locale: str) -> ChatRef:
        """Store the chat's chosen language; later sessions are created in it."""
        await self._db.chats.get_or_create(chat.chat_id)
        await self._db.chats.set_locale(chat.chat_id, locale)
        self._languages[chat.chat_id] = (locale, (await self._language_of(chat.chat_id))[1])
        return ChatRef(chat_id=chat.chat_id, locale=locale, is_group=chat.is_group)

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

    async def moved(self, old_chat_id: int, new_chat_id: int) -> None:
        """Follow a chat to its new id (a group upgraded to a supergroup)."""
        await self._db.migrate_chat(old_chat_id, new_chat_id)
        self._languages.pop(old_chat_id, None)
        self._languages.pop(new_chat_id, None)
        log.info("chat %s moved to %s", old_chat_id, new_chat_id)

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

    async def register_link(self) -> str | None:
        """Where an anonymous user binds an account to get more credits."""
        user_id = await self._nemo.anonymous_user_id()
        return f"{self._web_url}/register?bind={user_id}" if user_id else None

    async def _create(self, chat: ChatRef) -> Session:
        session = await self._nemo.create_session(chat.locale)
        await self._db.chats.set_session(chat.chat_id, session.session_id, session.task_id)
        log.info("chat %s now edits session %s", chat.chat_id, session.session_id)
        return session
