"""Which chats the bot serves (ALLOWED_CHATS), and how often it tells the others so.

A group upgraded to a supergroup gets a new id. When the old id was allowed the new one is
too; that is stored with the chat (the setting ``allowed_as``) so it survives a restart.

A chat outside the list is refused at most once an hour, however much it sends: each
refusal is a message that counts against Telegram's flood limits, which belong to the chats
the bot serves. When each chat was last refused is kept in memory only, so a restart may
let one more refusal through; that is the whole cost.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from telegram import Chat, Message
from telegram.constants import ChatType
from telegram.ext import Application

from storage.chats import ChatRepository

ACCESS_KEY = "access"
REFUSAL_INTERVAL_SECONDS = 3600.0
_ALLOWED_AS = "allowed_as"


class ChatAccess:
    """ALLOWED_CHATS as it grows with migrations, and when each outsider was last refused."""

    def __init__(
        self,
        allowed: frozenset[int],
        *,
        refusal_interval: float = REFUSAL_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._configured = allowed
        self._allowed = set(allowed)
        self._refusal_interval = refusal_interval
        self._clock = clock
        self._refused: dict[int, float] = {}

    async def allows(self, chat: Chat, chats: ChatRepository) -> bool:
        """True when every chat is served, or this one is listed or took a listed id's place."""
        if not self._configured or chat.id in self._allowed:
            return True
        # Only a supergroup can have taken a group's place; other outsiders cost no query.
        if chat.type != ChatType.SUPERGROUP:
            return False
        record = await chats.get(chat.id)
        was = record.settings.get(_ALLOWED_AS) if record else None
        if was is None or int(was) not in self._configured:
            return False
        self._allowed.add(chat.id)
        return True

    async def follow(self, old_chat_id: int, new_chat_id: int, chats: ChatRepository) -> None:
        """Allow the supergroup a group became, when the group was allowed."""
        if not self._configured or old_chat_id not in self._allowed:
            return
        self._allowed.add(new_chat_id)
        await chats.set_setting(new_chat_id, _ALLOWED_AS, str(old_chat_id))

    def may_refuse(self, chat_id: int) -> bool:
        """True, once an hour per chat, when a refusal may be sent to ``chat_id``."""
        now = self._clock()
        last = self._refused.get(chat_id)
        if last is not None and now - last < self._refusal_interval:
            return False
        # Forget what is over an hour old, so the memory is bounded by an hour's outsiders.
        self._refused = {
            other: at for other, at in self._refused.items() if now - at < self._refusal_interval
        }
        self._refused[chat_id] = now
        return True


def migration_of(message: Message) -> tuple[int, int] | None:
    """The (old, new) ids a migration service message announces, or None.

    Telegram announces an upgrade twice, in the old group and in the new supergroup; either
    may be handled first. Only those chat types can carry one.
    """
    if message.migrate_to_chat_id is not None and message.chat.type == ChatType.GROUP:
        return message.chat.id, message.migrate_to_chat_id
    if message.migrate_from_chat_id is not None and message.chat.type == ChatType.SUPERGROUP:
        return message.migrate_from_chat_id, message.chat.id
    return None


def access_of(application: Application) -> ChatAccess:
    """The application's ChatAccess, made by ``bot.app.build_application``."""
    access = application.bot_data[ACCESS_KEY]
    assert isinstance(access, ChatAccess)
    return access
