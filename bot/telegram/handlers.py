"""Thin handlers: parse the update, hand a request to the dispatcher, let the output render.

Order matters: the access guard runs first (group -3), then the group guard that drops
chatter not meant for the bot (group -2), then the chat is resolved once for every
handler (group -1); commands come before the catch-all media and text handlers.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable

from telegram import CallbackQuery, ChatMember, ChatMemberUpdated, Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.core.actions import Action, Instruction, Request
from bot.core.uploads import IncomingFile
from bot.i18n import resolve_locale
from bot.telegram import addressing, commands, keyboards, priority, sharing
from bot.telegram.access import access_of, migration_of
from bot.telegram.albums import Album
from bot.telegram.context import BotContext, ChatView, Services, services_of
from bot.telegram.files import MEDIA_FILTER, incoming_file
from bot.telegram.sender import ADMINS, TelegramSender
from bot.telegram.texts import commands as texts

log = logging.getLogger(__name__)

GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP)

# The update types the handlers below serve: the only ones asked of Telegram (bot.app), and
# the only ones the guard lets through. A feature that handles another type adds it here.
UPDATE_TYPES = (
    Update.MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
    # The Share button's query: it names no chat, so the access guard lets it through
    # and the answer itself checks who asks (bot.telegram.sharing).
    Update.INLINE_QUERY,
)


async def guard(update: Update, context: BotContext) -> None:
    """Serve only UPDATE_TYPES, and only ALLOWED_CHATS when it is set; others cost nothing.

    Another type is dropped even when Telegram delivers it: an edit re-run would charge
    its request twice, and business messages, reactions or channel posts are beyond what
    the later guards understand. A person writing privately or tapping a button outside
    the list is told why, at most once an hour; a group outside it is not answered, so
    the bot never chatters in groups it does not serve.
    """
    if not any(getattr(update, kind) is not None for kind in UPDATE_TYPES):
        raise ApplicationHandlerStop
    priority.mark_update_arrived()
    access = access_of(context.application)
    chats = context.services.db.chats
    if update.message is not None and (moved := migration_of(update.message)):
        await access.follow(*moved, chats)
    chat = update.effective_chat
    if chat is None or await access.allows(chat, chats):
        return
    if not access.may_refuse(chat.id):
        raise ApplicationHandlerStop
    # Nothing is stored for a chat the bot does not serve, not even its language.
    user = update.effective_user
    locale = resolve_locale(None, user.language_code if user else None)
    refusal = texts.chat_not_allowed(context.services.catalogs.translator(locale))
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
    if addressing.has_media(message) and await context.services.collections.is_open(
        message.chat_id
    ):
        return
    raise ApplicationHandlerStop


async def resolve_chat(update: Update, context: BotContext) -> None:
    """Resolve the update's chat, its language and its output once, for every handler."""
    if update.effective_chat is not None:
        context.view = await view_of(context.services, update)


async def on_command(update: Update, context: BotContext) -> None:
    """A command by any of its names, in any language: the table says what it asks for."""
    message = update.effective_message
    parsed = addressing.command_in(message.text if message else None, context.services.me.username)
    action = commands.action_named(parsed[0]) if parsed else None
    view = context.view
    if parsed is None or action is None:
        # A group has other bots: only a command named for this bot is ours to answer.
        me = context.services.me
        if not view.chat.is_group or addressing.names_bot(
            message, bot_id=me.id, username=me.username
        ):
            await view.out.say(texts.unknown_command(view.out.tr))
        return
    await context.services.dispatcher.dispatch(
        view.chat, _command_request(action, parsed[1], view), view.out
    )


async def on_text(update: Update, context: BotContext) -> None:
    """Route free text by intent (in a group, without the bot's @mention)."""
    message = update.effective_message
    if message is None or not message.text:
        return
    view = context.view
    text = addressing.without_mention(message.text, context.services.me.username)
    links = addressing.marked_links(message)
    await context.services.dispatcher.text(view.chat, text, view.out, view.sender, links)


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
    caption = _instruction(context.services, context.view, message.caption)
    await _upload(context.services, context.view, files, lambda: caption)


async def on_album(application: Application, album: Album) -> None:
    """Take the chat's place in line now; upload each item as it arrives, as one batch.

    The acknowledgement and the caption wait for the album to be complete: the caption
    may come on any item, so it is read only then.
    """
    services = services_of(application)
    # Nothing is awaited before taking the place: updates that arrive later queue behind.
    async with (
        services.inbox.handling(album.update_ids),
        services.dispatcher.in_order(album.chat_id),
    ):
        view = await view_of(services, Update(update_id=0, message=album.messages[0]))
        files = _album_files(services, album)
        await _upload(services, view, files, lambda: _instruction(services, view, album.caption))


async def on_button(update: Update, context: BotContext) -> None:
    """Run the action a button stands for: a next step, or the reading a person picked."""
    query = update.callback_query
    if query is None:
        return
    view = context.view
    request = _button_request(query, context.services.me.username, view)
    if request is None:
        await query.answer(texts.button_expired(view.out.tr))
        return
    await query.answer()
    if keyboards.parse_choice(query.data) is not None:
        # A question is answered once: a second tap must not run it (and charge) again.
        with contextlib.suppress(TelegramError):
            await query.edit_message_reply_markup(None)
    await context.services.dispatcher.dispatch(view.chat, request, view.out)


def _button_request(query: CallbackQuery, username: str, view: ChatView) -> Request | None:
    """The request behind a tap, or None when the button's data or message is gone.

    A choice answers the question, which replies to the message it is about: that
    message (its text, or a caption) is what the chosen action runs on.
    """
    action = keyboards.parse(query.data)
    if action is not None:
        return Request(action, sender=view.sender)
    chosen = keyboards.parse_choice(query.data)
    question = query.message if isinstance(query.message, Message) else None
    asked = question.reply_to_message if question is not None else None
    wording = (asked.text or asked.caption) if asked is not None else None
    if chosen is None or not wording:
        return None
    return Request(chosen, addressing.without_mention(wording, username), view.sender)


async def on_added_to_group(update: Update, context: BotContext) -> None:
    """Introduce the bot when it joins a group, saying what members must do."""
    change = update.my_chat_member
    if change is None or change.chat.type not in GROUP_TYPES or not _joined(change):
        return
    view = context.view
    await context.services.dispatcher.dispatch(view.chat, Request(Action.HELP), view.out)


async def on_migrate(update: Update, context: BotContext) -> None:
    """Follow a group that became a supergroup: its project moves with it.

    Only a basic group can be upgraded, so only a group's service message is believed:
    the same field in a private chat would hand that person's project to another chat.
    """
    message = update.message
    if message is None or message.migrate_to_chat_id is None:
        return
    if message.chat.type != ChatType.GROUP:
        log.warning("ignored a migration from a %s chat", message.chat.type)
        return
    await context.services.chats.moved(message.chat_id, message.migrate_to_chat_id)


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
        view = await view_of(context.services, update)
        await view.out.say(texts.something_went_wrong(view.out.tr))


async def view_of(services: Services, update: Update) -> ChatView:
    """The core's view of the update's chat, an output in its language, and the sender."""
    chat = update.effective_chat
    assert chat is not None
    user = update.effective_user
    ref = await services.chats.resolve(
        chat.id,
        user.language_code if user else None,
        is_group=chat.type in GROUP_TYPES,
        topic=_topic(update),
    )
    message = update.message
    output = services.outputs(ref, message.message_id if message is not None else None)
    sender = TelegramSender(chat, user, message.sender_chat if message else None)
    return ChatView(ref, output, sender)


async def _upload(
    services: Services,
    view: ChatView,
    files: Iterable[IncomingFile] | AsyncIterable[IncomingFile],
    instruction: Callable[[], Instruction | None],
) -> None:
    await services.dispatcher.media(
        view.chat, files, view.out, instruction=instruction, sender=view.sender
    )


def _instruction(services: Services, view: ChatView, caption: str | None) -> Instruction | None:
    """What a caption asks for once its files are in: a command, or text to read.

    Commands that make no sense under media (/lingua under a photo) are left out.
    """
    username = services.me.username
    command = addressing.command_in(caption, username)
    if command is None:
        return addressing.without_mention(caption or "", username) or None
    action = commands.action_named(command[0])
    if action is None or action not in commands.CAPTION_ACTIONS:
        return None
    return _command_request(action, command[1], view)


def _command_request(action: Action, args: str, view: ChatView) -> Request:
    """A command's request; a group's /crea without words gets the default wish."""
    if action is Action.CREATE and not args.strip():
        args = texts.default_instruction(view.out.tr)
    return Request(action, args, view.sender)


async def _album_files(services: Services, album: Album) -> AsyncIterator[IncomingFile]:
    """The album's files, each as soon as its item arrives; ends once the album is complete."""
    async for message in album.arrivals():
        incoming = incoming_file(message, message.get_bot(), services.downloads)
        if incoming is not None:
            yield incoming


def _topic(update: Update) -> int | None:
    """The forum topic the update comes from (a button's message tells it too)."""
    message = update.effective_message
    if isinstance(message, Message) and message.is_topic_message:
        return message.message_thread_id
    return None


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


def register(application: Application) -> None:
    """Add every handler in the order they must be tried."""
    application.add_handler(TypeHandler(Update, guard), group=-3)
    application.add_handler(TypeHandler(Update, group_guard), group=-2)
    application.add_handler(TypeHandler(Update, resolve_chat), group=-1)
    application.add_handler(CommandHandler(commands.LATIN_NAMES, on_command))
    non_latin = "|".join(commands.NON_LATIN_NAMES)
    application.add_handler(MessageHandler(filters.Regex(rf"^/({non_latin})"), on_command))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_migrate))
    application.add_handler(ChatMemberHandler(on_added_to_group, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(InlineQueryHandler(sharing.on_inline_query))
    application.add_handler(MessageHandler(MEDIA_FILTER, on_media))
    application.add_handler(MessageHandler(filters.COMMAND, on_command))
    application.add_handler(MessageHandler(filters.TEXT, on_text))
    application.add_error_handler(on_error)
