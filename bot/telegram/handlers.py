"""Thin handlers: parse the update, call the conversation, let the output render.

Order matters: the access guard runs first (group -1); commands come before the
catch-all media and text handlers.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.core.notices import NextStep
from bot.core.ports import ChatRef
from bot.i18n import SUPPORTED_LOCALES
from bot.telegram import commands, keyboards
from bot.telegram.albums import Album
from bot.telegram.commands import COMMANDS, Command
from bot.telegram.context import BotContext, Services
from bot.telegram.files import incoming_file
from bot.telegram.output import TelegramOutput

log = logging.getLogger(__name__)

MEDIA = (
    filters.PHOTO
    | filters.VIDEO
    | filters.AUDIO
    | filters.VOICE
    | filters.ANIMATION
    | filters.VIDEO_NOTE
    | filters.Document.ALL
)


async def guard(update: Update, context: BotContext) -> None:
    """Serve only ALLOWED_CHATS when it is set; others are told once and cost nothing."""
    allowed = context.services.settings.allowed_chats
    chat = update.effective_chat
    if not allowed or chat is None or chat.id in allowed:
        return
    if update.effective_message and chat.type == ChatType.PRIVATE:
        ref, out = await _chat(update, context)
        await out.say(commands.chat_not_allowed(context.services.catalogs.translator(ref.locale)))
    raise ApplicationHandlerStop


async def start(update: Update, context: BotContext) -> None:
    """Greet, with examples of what to say."""
    chat, out = await _chat(update, context)
    await out.say(commands.greeting(context.services.catalogs.translator(chat.locale)))


async def help_command(update: Update, context: BotContext) -> None:
    """List the commands and the words that work without them."""
    chat, out = await _chat(update, context)
    await out.say(commands.help_text(context.services.catalogs.translator(chat.locale)))


async def new_project(update: Update, context: BotContext) -> None:
    """Start a fresh project for the chat."""
    chat, out = await _chat(update, context)
    await context.services.conversation.new_project(chat, out)


async def language(update: Update, context: BotContext) -> None:
    """Set the chat's language from `/lingua it|en|zh`."""
    chat, out = await _chat(update, context)
    choice = (context.args or [""])[0].casefold()
    if choice not in SUPPORTED_LOCALES:
        await out.say(commands.language_usage(context.services.catalogs.translator(chat.locale)))
        return
    chat = await context.services.conversation.set_language(chat, choice)
    _, out = await _chat(update, context)
    await out.say(commands.language_set(context.services.catalogs.translator(chat.locale)))


async def export(update: Update, context: BotContext) -> None:
    """Render and send the video."""
    chat, out = await _chat(update, context)
    await context.services.conversation.export(chat, out)


async def credits(update: Update, context: BotContext) -> None:
    """Show the credit balance."""
    chat, out = await _chat(update, context)
    await context.services.conversation.credits(chat, out)


async def status(update: Update, context: BotContext) -> None:
    """Show the project's tracks."""
    chat, out = await _chat(update, context)
    await context.services.conversation.state(chat, out)


async def unknown_command(update: Update, context: BotContext) -> None:
    """Say the command is unknown rather than sending it to the agent."""
    chat, out = await _chat(update, context)
    await out.say(commands.unknown_command(context.services.catalogs.translator(chat.locale)))


async def on_text(update: Update, context: BotContext) -> None:
    """Route free text by intent."""
    message = update.effective_message
    if message is None or not message.text:
        return
    chat, out = await _chat(update, context)
    await context.services.conversation.text(chat, message.text, out)


async def on_media(update: Update, context: BotContext) -> None:
    """Upload a single file now; album items wait for the rest of their album."""
    message = update.effective_message
    if message is None:
        return
    if message.media_group_id:
        context.services.albums.add(message)
        return
    await upload_messages(context.services, update, [message], message.caption)


async def on_album(services: Services, album: Album) -> None:
    """Upload a finished album as one batch with one acknowledgement."""
    first = album.messages[0]
    update = Update(update_id=0, message=first)
    await upload_messages(services, update, album.messages, album.caption)


async def on_next_step(update: Update, context: BotContext) -> None:
    """Run the step a button under an agent reply stands for."""
    query = update.callback_query
    if query is None:
        return
    chat, out = await _chat(update, context)
    step = keyboards.parse(query.data)
    if step is None:
        tr = context.services.catalogs.translator(chat.locale)
        await query.answer(commands.button_expired(tr))
        return
    await query.answer()
    conversation = context.services.conversation
    match step:
        case NextStep.EXPORT:
            await conversation.export(chat, out)
        case NextStep.STATE:
            await conversation.state(chat, out)
        case NextStep.CREDITS:
            await conversation.credits(chat, out)


async def on_migrate(update: Update, context: BotContext) -> None:
    """Follow a group that became a supergroup: its project moves with it."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    await context.services.conversation.moved(message.chat_id, message.migrate_to_chat_id)


async def on_error(update: object, context: BotContext) -> None:
    """Log first, so the failure is seen even if telling the chat fails too."""
    log.error("update failed", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    with contextlib.suppress(TelegramError):
        chat, out = await _chat(update, context)
        tr = context.services.catalogs.translator(chat.locale)
        await out.say(commands.something_went_wrong(tr))


async def upload_messages(
    services: Services, update: Update, messages: list[Message], caption: str | None
) -> None:
    """Hand the files of ``messages`` to the conversation as one batch."""
    bot = messages[0].get_bot()
    files = [
        item
        for item in (incoming_file(message, bot, services.downloads) for message in messages)
        if item is not None
    ]
    chat, out = await chat_of(services, update)
    await services.conversation.media(chat, files, caption, out)


async def chat_of(services: Services, update: Update) -> tuple[ChatRef, TelegramOutput]:
    """The core's view of the update's chat, and an output that speaks its language."""
    chat = update.effective_chat
    assert chat is not None
    user = update.effective_user
    ref = await services.conversation.chat(
        chat.id, user.language_code if user else None, is_group=chat.type != ChatType.PRIVATE
    )
    tr = services.catalogs.translator(ref.locale)
    bot = update.get_bot() if update.message is None else update.message.get_bot()
    return ref, TelegramOutput(bot, chat.id, tr, is_group=ref.is_group)


async def _chat(update: Update, context: BotContext) -> tuple[ChatRef, TelegramOutput]:
    return await chat_of(context.services, update)


_CALLBACKS = {
    Command.START: start,
    Command.HELP: help_command,
    Command.NEW: new_project,
    Command.LANGUAGE: language,
    Command.EXPORT: export,
    Command.CREDITS: credits,
    Command.STATUS: status,
}


def register(application: Application) -> None:
    """Add every handler in the order they must be tried."""
    application.add_handler(TypeHandler(Update, guard), group=-1)
    for entry in COMMANDS:
        application.add_handler(CommandHandler(list(entry.names), _CALLBACKS[entry.command]))
    application.add_handler(MessageHandler(filters.Regex(r"^/新建"), new_project))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_migrate))
    application.add_handler(CallbackQueryHandler(on_next_step))
    application.add_handler(MessageHandler(MEDIA, on_media))
    application.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(filters.TEXT, on_text))
    application.add_error_handler(on_error)
