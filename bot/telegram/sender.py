"""Who sent an update, as the core's group rules ask about it."""

from __future__ import annotations

from telegram import Chat, User
from telegram.constants import ChatID, ChatMemberStatus

ADMINS = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


class TelegramSender:
    """The core's Sender, answered by Telegram only when a rule needs it."""

    def __init__(self, chat: Chat, user: User | None, sender_chat: Chat | None = None) -> None:
        self._chat = chat
        self._user = user
        self._sender_chat = sender_chat

    @property
    def name(self) -> str:
        """The sender's first name, as the group knows them."""
        return self._user.first_name if self._user else "?"

    async def is_admin(self) -> bool:
        """True when the sender administers the group.

        An admin writing anonymously appears as GroupAnonymousBot on behalf of the group
        itself (``sender_chat``); only admins can, and asking Telegram about that bot's
        membership says nothing about the person.
        """
        if self._user is None:
            return False
        if self._user.id == ChatID.ANONYMOUS_ADMIN:
            return self._sender_chat is not None and self._sender_chat.id == self._chat.id
        member = await self._chat.get_member(self._user.id)
        return member.status in ADMINS

    async def group_size(self) -> int:
        """How many members the chat has."""
        return await self._chat.get_member_count()
