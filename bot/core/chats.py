"""Which chat an update comes from and which language to answer it in.

The language is resolved once per update: the chat's stored choice, else the sender's
app language, else Italian. Both are read on every update and change rarely, so they
are cached here rather than asked of the database each time.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

from bot.core.ports import ChatRef
from bot.i18n import resolve_locale
from storage import Database

log = logging.getLogger(__name__)

_LANGUAGE_HINT = "language_code"
_TOPIC = "topic"


class ChatDirectory:
    """Chats as the core knows them, and the language each is spoken to in."""

    def __init__(self, db: Database) -> None:
        self._db = db
        # (chosen language, sender's app language) per chat.
        self._languages: dict[int, tuple[str | None, str | None]] = {}
        # The forum topic each chat last spoke to the bot in.
        self._topics: dict[int, int | None] = {}
        # Per chat, the resolutions waiting for the database, first come first served.
        self._resolving: dict[int, tuple[asyncio.Lock, list[int]]] = {}

    async def resolve(
        self,
        chat_id: int,
        language_code: str | None,
        *,
        is_group: bool,
        topic: int | None = None,
    ) -> ChatRef:
        """The chat, in the language to answer it in, in the topic it spoke in.

        The sender's app language and the topic are remembered too, so that messages
        the bot sends on its own (after a restart, when a collection closes) are in the
        same language and reach the same topic.

        A chat's updates leave here in the order they came: the first of a chat asks the
        database, and one arriving meanwhile must not overtake it on its way to the
        chat's line (``RequestRunner``) because its own look-up answered sooner.
        """
        lock, users = self._resolving.setdefault(chat_id, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                return await self._resolve(chat_id, language_code, is_group=is_group, topic=topic)
        finally:
            users[0] -= 1
            if not users[0]:
                del self._resolving[chat_id]

    async def _resolve(
        self, chat_id: int, language_code: str | None, *, is_group: bool, topic: int | None
    ) -> ChatRef:
        chosen, remembered = await self._language_of(chat_id)
        if language_code and language_code != remembered:
            await self._db.chats.set_setting(chat_id, _LANGUAGE_HINT, language_code)
            self._languages[chat_id] = (chosen, language_code)
        if topic is not None and topic != await self._topic_of(chat_id):
            await self._db.chats.set_setting(chat_id, _TOPIC, str(topic))
            self._topics[chat_id] = topic
        locale = resolve_locale(chosen, language_code or remembered)
        return ChatRef(chat_id=chat_id, locale=locale, is_group=is_group, topic=topic)

    async def known(self, chat_id: int) -> ChatRef:
        """A chat the bot speaks to on its own, in its language and last topic."""
        chat = await self.resolve(chat_id, None, is_group=chat_id < 0)
        return replace(chat, topic=await self._topic_of(chat_id))

    async def set_locale(self, chat: ChatRef, locale: str) -> ChatRef:
        """Store the chat's chosen language; later sessions are created in it."""
        await self._db.chats.get_or_create(chat.chat_id)
        await self._db.chats.set_locale(chat.chat_id, locale)
        self._languages[chat.chat_id] = (locale, (await self._language_of(chat.chat_id))[1])
        return ChatRef(chat_id=chat.chat_id, locale=locale, is_group=chat.is_group)

    async def moved(self, old_chat_id: int, new_chat_id: int) -> None:
        """Follow a chat to its new id (a group upgraded to a supergroup)."""
        await self._db.migrate_chat(old_chat_id, new_chat_id)
        for cache in (self._languages, self._topics):
            cache.pop(old_chat_id, None)
            cache.pop(new_chat_id, None)
        log.info("chat %s moved to %s", old_chat_id, new_chat_id)

    async def _topic_of(self, chat_id: int) -> int | None:
        if chat_id not in self._topics:
            record = await self._db.chats.get(chat_id)
            stored = record.settings.get(_TOPIC) if record else None
            self._topics[chat_id] = int(stored) if stored else None
        return self._topics[chat_id]

    async def _language_of(self, chat_id: int) -> tuple[str | None, str | None]:
        if chat_id not in self._languages:
            record = await self._db.chats.get(chat_id)
            self._languages[chat_id] = (
                (record.locale, record.settings.get(_LANGUAGE_HINT)) if record else (None, None)
            )
        return self._languages[chat_id]
