"""Which group messages are meant for the bot.

In a group the bot must never spend credits or upload files because of chatter. It acts
on commands for it (also in a photo's caption), on mentions, on replies to its own
messages, and on media while a member's collection is open. Everything else is ignored
before any work is done.
"""

from __future__ import annotations

import re

from telegram import Message, MessageEntity

from bot.core.slash import parse_slash
from bot.telegram.files import media_of


def command_in(text: str | None, username: str) -> tuple[str, str] | None:
    """The command at the start of ``text`` and its arguments, when it is for this bot.

    ``/cmd`` and ``/cmd@thisbot`` are; ``/cmd@otherbot`` is not.
    """
    command = parse_slash(text)
    if command is None:
        return None
    if command.bot is not None and command.bot.casefold() != username.casefold():
        return None
    return command.name, command.args


def mentions(message: Message, username: str) -> bool:
    """True when the text or caption mentions the bot by @username or by name link."""
    kinds = [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    found = {**message.parse_entities(kinds), **message.parse_caption_entities(kinds)}
    for entity, value in found.items():
        named = entity.user.username if entity.user is not None else None
        mentioned = named if entity.type == MessageEntity.TEXT_MENTION else value.lstrip("@")
        if mentioned and mentioned.casefold() == username.casefold():
            return True
    return False


def replies_to_bot(message: Message, bot_id: int) -> bool:
    """True when the message answers one of the bot's own messages."""
    replied = message.reply_to_message
    return replied is not None and replied.from_user is not None and replied.from_user.id == bot_id


def without_mention(text: str, username: str) -> str:
    """The text with the bot's @username removed, so the agent reads only the request."""
    return re.sub(rf"@{re.escape(username)}\b", "", text, flags=re.IGNORECASE).strip()


def has_media(message: Message) -> bool:
    """True for the kinds of message the bot can upload."""
    return media_of(message) is not None


def names_bot(message: Message | None, *, bot_id: int, username: str) -> bool:
    """A command naming the bot (``/cmd@thisbot``) or a reply to it: in a group, a bare
    ``/cmd`` may be meant for any of its bots.
    """
    if message is None:
        return False
    command = parse_slash(message.text or message.caption)
    if command is not None and command.bot is not None:
        return command.bot.casefold() == username.casefold()
    return replies_to_bot(message, bot_id)


def is_addressed(message: Message, *, bot_id: int, username: str) -> bool:
    """A command for the bot, a mention of it, or a reply to it."""
    return (
        command_in(message.text or message.caption, username) is not None
        or mentions(message, username)
        or replies_to_bot(message, bot_id)
    )


def marked_links(message: Message) -> tuple[str, ...]:
    """The links Telegram marked in a text, in order: typed URLs and links behind words.

    A link behind words ("guarda [questa clip](https://…)") is not in the text at all;
    only its entity knows it.
    """
    entities = message.parse_entities([MessageEntity.URL, MessageEntity.TEXT_LINK])
    return tuple(
        entity.url if entity.type == MessageEntity.TEXT_LINK and entity.url else value
        for entity, value in entities.items()
    )
