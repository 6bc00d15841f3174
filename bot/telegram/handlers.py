"""Thin handlers: parse the update, call the conversation, let the output render.

Order matters: the access guard runs first (group -2), then the group guard that drops
chatter not meant for the bot (group -1); commands come before the catch-all media and
text handlers.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable

from telegram import ChatMember, ChatMemberUpdated, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.core.ports import ChatRef
from bot.core.uploads import IncomingFile
from bot.i18n import SUPPORTED_LOCALES, Translator, resolve_locale
from bot.telegram import addressing, commands, keyboards, priority
from bot.telegram.albums import Album
from bot.telegram.commands import COMMANDS, NON_LATIN_NAMES, Command
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
GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP)
ADMINS = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
# Above this many members, only admins may change a group's language: in a small group
# of friends anyone may, in a big one a single member should not switch it for everyone.
LANGUAGE_OPEN_TO_ALL_UP_TO = 10


async def guard(update: Update, context: BotContext) -> None:
    """Serve only ALLOWED_CHATS when it is set; others cost nothing.

    A person writing privately or tapping a button is told why; a group outside the
    list is not answered, so the bot never chatters in groups it does not serve.

    Edits and channel posts are dropped too: re-running an edited request would charge
    it twice.
    """
    if update.edited_message or update.channel_post or update.edited_channel_post:
        raise ApplicationHandlerStop
    priority.mark_update_arrived()
    allowed = context.services.settings.allowed_chats
    chat = update.effective_chat
    if not allowed or chat is None or chat.id in allowed:
        return
    # Nothing is stored for a chat the bot does not serve, not even its language.
    user = update.effective_user
    locale = resolve_locale(None, user.language_code if user else None)
    refusal = commands.chat_not_allowed(context.services.catalogs.translator(locale))
    if update.callback_query is not None:
        await update.callback_query.answer(refusal)
    elif update.effective_message and chat.type == ChatType.PRIVATE:
        await update.effective_message.reply_text(refusal)
    raise ApplicationHandlerStop


async def group_guard(update: Update, context: BotContext) -> None:
    """In groups, stop every message that is not addressed to the bot before any work."""
    message = update.message
    if message is None or message.chat.type not in GROUP_TYPES or _is_service(message):
        return
    me = context.services.me
    if addressing.is_addressed(message, bot_id=me.id, username=me.username):
        return
    if addressing.has_media(message) and await context.services.conversation.collecting(
        message.chat_id
    ):
        return
    raise ApplicationHandlerStop


async def start(update: Update, context: BotContext) -> None:
    """Greet, with examples of what to say (and, in a group, what members must do)."""
    await _introduce(update, context, commands.greeting)


async def help_command(update: Update, context: BotContext) -> None:
    """List the commands and the words that work without them."""
    await _introduce(update, context, commands.help_text)


async def _introduce(
    update: Update, context: BotContext, private_text: Callable[[Translator], str]
) -> None:
    """In a group, what members must do matters more than anything else: say that."""
    chat, out = await _chat(update, context)
    if chat.is_group:
        await out.say(_group_help(context, chat))
    else:
        await out.say(private_text(_tr(context, chat)))


async def new_project(update: Update, context: BotContext) -> None:
    """Start a fresh project for the chat; in a group only admins may."""
    chat, out = await _chat(update, context)
    if chat.is_group and not await _is_admin(update):
        await out.say(commands.admins_only_new_project(_tr(context, chat)))
        return
    await context.services.conversation.new_project(chat, out)


async def language(update: Update, context: BotContext) -> None:
    """Set the chat's language from `/lingua it|en|zh`."""
    chat, out = await _chat(update, context)
    choice = (context.args or [""])[0].casefold()
    if choice not in SUPPORTED_LOCALES:
        await out.say(commands.language_usage(_tr(context, chat)))
        return
    if chat.is_group and not await _may_change_group_language(update):
        await out.say(
            commands.admins_only_language(_tr(context, chat), LANGUAGE_OPEN_TO_ALL_UP_TO)
        )
        return
    chat = await context.services.conversation.set_language(chat, choice)
    await out.say(commands.language_set(_tr(context, chat)))


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


async def collect(update: Update, context: BotContext) -> None:
    """Open a collection: members reply with media until /crea."""
    chat, out = await _chat(update, context)
    await context.services.conversation.open_collection(chat, _sender_name(update), out)
    context.services.collections.restart(out.chat_id)


async def create(update: Update, context: BotContext) -> None:
    """Close the collection and have the agent make the video, with the words given."""
    chat, out = await _chat(update, context)
    instruction = " ".join(context.args or [])
    await context.services.conversation.create(chat, instruction, out)


async def unknown_command(update: Update, context: BotContext) -> None:
    """Say the command is unknown rather than sending it to the agent."""
    chat, out = await _chat(update, context)
    await out.say(commands.unknown_command(_tr(context, chat)))


async def non_latin_command(update: Update, context: BotContext) -> None:
    """Commands such as /新建 that Telegram does not mark as commands."""
    message = update.effective_message
    parsed = addressing.command_in(message.text if message else None, context.services.me.username)
    command = commands.command_named(parsed[0]) if parsed else None
    if parsed is None or command is None:
        await unknown_command(update, context)
        return
    context.args = parsed[1].split()
    await _CALLBACKS[command](update, context)


async def on_text(update: Update, context: BotContext) -> None:
    """Route free text by intent (in a group, without the bot's @mention)."""
    message = update.effective_message
    if message is None or not message.text:
        return
    chat, out = await _chat(update, context)
    text = addressing.without_mention(message.text, context.services.me.username)
    await context.services.conversation.text(chat, text, out)


async def on_media(update: Update, context: BotContext) -> None:
    """Upload a single file now; an album item goes to its album, which takes it from there."""
    message = update.effective_message
    if message is None:
        return
    if message.media_group_id:
        # The album's task handles this update now, and releases it when done.
        context.services.inbox.keep_current()
        context.services.albums.add(message, update.update_id)
        return
    incoming = incoming_file(message, message.get_bot(), context.services.downloads)
    files = [] if incoming is None else [incoming]
    await upload_messages(context.services, update, files, lambda: message.caption)


async def on_album(services: Services, album: Album) -> None:
    """Take the chat's place in line now; upload each item as it arrives, as one batch.

    The acknowledgement and the caption wait for the album to be complete.
    """
    # Nothing is awaited before taking the place: updates that arrive later queue behind.
    async with (
        services.inbox.handling(album.update_ids),
        services.conversation.in_order(album.chat_id),
    ):
        update = Update(update_id=0, message=album.messages[0])
        files = _album_files(services, album)
        await upload_messages(services, update, files, lambda: album.caption)


async def _album_files(services: Services, album: Album) -> AsyncIterator[IncomingFile]:
    """The album's files, each as soon as its item arrives; ends once the album is complete."""
    async for message in album.arrivals():
        incoming = incoming_file(message, message.get_bot(), services.downloads)
        if incoming is not None:
            yield incoming


async def on_next_step(update: Update, context: BotContext) -> None:
    """Run the step a button under an agent reply stands for."""
    query = update.callback_query
    if query is None:
        return
    chat, out = await _chat(update, context)
    step = keyboards.parse(query.data)
    if step is None:
        await query.answer(commands.button_expired(_tr(context, chat)))
        return
    await query.answer()
    await context.services.conversation.next_step(chat, step, out)


async def on_added_to_group(update: Update, context: BotContext) -> None:
    """Introduce the bot when it joins a group, saying what members must do."""
    change = update.my_chat_member
    if change is None or change.chat.type not in GROUP_TYPES or not _joined(change):
        return
    chat, out = await _chat(update, context)
    await out.say(_group_help(context, chat))


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
    if isinstance(context.error, TimedOut):
        # Telegram did not answer in time, and what was sent may well have arrived:
        # an apology would be noise, and likely time out too.
        return
    with contextlib.suppress(TelegramError):
        chat, out = await _chat(update, context)
        await out.say(commands.something_went_wrong(_tr(context, chat)))


async def upload_messages(
    services: Services,
    update: Update,
    files: Iterable[IncomingFile] | AsyncIterable[IncomingFile],
    caption: Callable[[], str | None],
) -> None:
    """Hand ``files`` to the conversation as one batch, each uploaded as it arrives.

    ``caption`` is read once every file is in: an album's may come on any item. A
    command in it (`/crea …` under a photo) runs once the upload is done; any other
    caption is routed like a text message.
    """
    chat, out = await chat_of(services, update)
    contributor = _sender_name(update) if chat.is_group else None
    username = services.me.username

    def instruction() -> str | None:
        text = caption()
        if addressing.command_in(text, username):
            return None
        return addressing.without_mention(text or "", username)

    await services.conversation.media(chat, files, instruction, out, contributor=contributor)
    if await services.conversation.collecting(out.chat_id):
        services.collections.restart(out.chat_id)
    command = addressing.command_in(caption(), username)
    if command is not None:
        await _caption_command(services, chat, out, _sender_name(update), *command)


async def _caption_command(
    services: Services, chat: ChatRef, out: TelegramOutput, sender: str, name: str, args: str
) -> None:
    """The commands that make sense under media; others are for a text message."""
    conversation = services.conversation
    match commands.command_named(name):
        case Command.CREATE:
            await conversation.create(chat, args, out)
        case Command.COLLECT:
            await conversation.open_collection(chat, sender, out)
            services.collections.restart(out.chat_id)
        case Command.EXPORT:
            await conversation.export(chat, out)
        case Command.STATUS:
            await conversation.state(chat, out)
        case Command.CREDITS:
            await conversation.credits(chat, out)


async def chat_of(services: Services, update: Update) -> tuple[ChatRef, TelegramOutput]:
    """The core's view of the update's chat, and an output that speaks its language."""
    chat = update.effective_chat
    assert chat is not None
    user = update.effective_user
    ref = await services.conversation.chat(
        chat.id, user.language_code if user else None, is_group=chat.type in GROUP_TYPES
    )
    tr = services.catalogs.translator(ref.locale)
    bot = update.get_bot() if update.message is None else update.message.get_bot()
    output = TelegramOutput(
        bot, chat.id, tr, is_group=ref.is_group, moved=services.conversation.moved
    )
    return ref, output


async def _chat(update: Update, context: BotContext) -> tuple[ChatRef, TelegramOutput]:
    return await chat_of(context.services, update)


def _tr(context: BotContext, chat: ChatRef) -> Translator:
    return context.services.catalogs.translator(chat.locale)


def _group_help(context: BotContext, chat: ChatRef) -> str:
    sees_everything = bool(context.services.me.can_read_all_group_messages)
    return commands.group_help(_tr(context, chat), sees_everything=sees_everything)


def _sender_name(update: Update) -> str:
    user = update.effective_user
    return user.first_name if user else "?"


def _is_service(message: Message) -> bool:
    return bool(
        message.migrate_to_chat_id
        or message.migrate_from_chat_id
        or message.new_chat_members
        or message.left_chat_member
        or message.group_chat_created
        or message.supergroup_chat_created
    )


def _joined(change: ChatMemberUpdated) -> bool:
    was_in = change.old_chat_member.status in (*ADMINS, ChatMember.MEMBER)
    is_in = change.new_chat_member.status in (*ADMINS, ChatMember.MEMBER)
    return is_in and not was_in


async def _is_admin(update: Update) -> bool:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    member = await chat.get_member(user.id)
    return member.status in ADMINS


async def _may_change_group_language(update: Update) -> bool:
    chat = update.effective_chat
    assert chat is not None
    if await chat.get_member_count() <= LANGUAGE_OPEN_TO_ALL_UP_TO:
        return True
    return await _is_admin(update)


_CALLBACKS = {
    Command.START: start,
    Command.HELP: help_command,
    Command.NEW: new_project,
    Command.LANGUAGE: language,
    Command.EXPORT: export,
    Command.CREDITS: credits,
    Command.STATUS: status,
    Command.COLLECT: collect,
    Command.CREATE: create,
}


def register(application: Application) -> None:
    """Add every handler in the order they must be tried."""
    application.add_handler(TypeHandler(Update, guard), group=-2)
    application.add_handler(TypeHandler(Update, group_guard), group=-1)
    for entry in COMMANDS:
        latin = [name for name in entry.names if name.isascii()]
        application.add_handler(CommandHandler(latin, _CALLBACKS[entry.command]))
    non_latin = "|".join(NON_LATIN_NAMES)
    application.add_handler(MessageHandler(filters.Regex(rf"^/({non_latin})"), non_latin_command))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_migrate))
    application.add_handler(ChatMemberHandler(on_added_to_group, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(CallbackQueryHandler(on_next_step))
    application.add_handler(MessageHandler(MEDIA, on_media))
    application.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(filters.TEXT, on_text))
    application.add_error_handler(on_error)
