"""The Share button's other half: the inline query it opens, answered with the video.

Telegram lets the person pick any chat and types ``@bot <key>`` there; the answer is the
video already uploaded (its file_id), so nothing is uploaded again. Only the people of
the chat the video was made for get it: anyone can type a key.
"""

from __future__ import annotations

from functools import partial

from telegram import Bot, ChatMember, InlineQueryResultCachedVideo, Update
from telegram.error import TelegramError

from bot.i18n import resolve_locale
from bot.telegram.context import BotContext
from bot.telegram.texts.native import shared_video_title

_PEOPLE = frozenset(
    {ChatMember.OWNER, ChatMember.ADMINISTRATOR, ChatMember.MEMBER, ChatMember.RESTRICTED}
)


async def on_inline_query(update: Update, context: BotContext) -> None:
    """Offer the video behind the query's key, or nothing to someone else."""
    query = update.inline_query
    if query is None:
        return
    services = context.services
    key = query.query.strip()
    belongs = partial(is_of_chat, query.get_bot())
    file_id = await services.shares.video_for(key, query.from_user.id, belongs) if key else None
    tr = services.catalogs.translator(resolve_locale(None, query.from_user.language_code))
    results = (
        []
        if file_id is None
        else [InlineQueryResultCachedVideo("video", file_id, shared_video_title(tr))]
    )
    # Personal and uncached: another person typing the same key must be asked again.
    await query.answer(results, cache_time=0, is_personal=True)


async def is_of_chat(bot: Bot, chat_id: int, person: int) -> bool:
    """Whether ``person`` is one of the chat's people; a private chat's id is its person's."""
    if chat_id == person:
        return True
    if chat_id > 0:
        return False
    try:
        member = await bot.get_chat_member(chat_id, person)
    except TelegramError:
        return False
    return member.status in _PEOPLE
