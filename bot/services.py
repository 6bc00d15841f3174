"""Opening and closing the bot's long-lived services around the Application's life."""

from __future__ import annotations

import asyncio
import gc
import logging

import httpx
from telegram import (
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
)
from telegram.ext import Application

from bot import __version__
from bot.config import Settings
from bot.core.conversation import Conversation
from bot.core.exports import Exporter
from bot.core.media import (
    BOT_API_DOWNLOAD_MAX,
    BOT_API_UPLOAD_MAX,
    LOCAL_MODE_DOWNLOAD_MAX,
    LOCAL_MODE_UPLOAD_MAX,
)
from bot.core.ports import ChatRef
from bot.core.projects import Projects
from bot.core.turns import TurnRunner
from bot.core.uploads import Uploader
from bot.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES, Catalogs
from bot.logging_setup import register_secret
from bot.nemo import NemoClient, NemoTimeouts, StoredCredentials
from bot.telegram import commands, handlers
from bot.telegram.albums import AlbumCollector
from bot.telegram.collections import CollectionTimer
from bot.telegram.commands import MenuScope
from bot.telegram.context import SERVICES_KEY, Services
from bot.telegram.inbox import Inbox
from bot.telegram.output import TelegramOutput
from storage import CredentialRecord, Database

log = logging.getLogger(__name__)

SETTINGS_KEY = "settings"
INBOX_KEY = "inbox"
_RESUME_TASK_KEY = "resume_task"


class StoredNemoCredentials:
    """The NemoVideo credential store, kept in the bot's database so tokens survive restarts."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self) -> StoredCredentials | None:
        """The stored credentials, if the bot has any yet."""
        record = await self._db.credentials.get()
        if record is None:
            return None
        if record.token:
            register_secret(record.token)
        return StoredCredentials(
            client_id=record.client_id,
            token=record.token,
            user_id=record.user_id,
            expires_at=record.expires_at,
        )

    async def save(self, credentials: StoredCredentials) -> None:
        """Remember new credentials; the token is redacted from logs from now on."""
        if credentials.token:
            register_secret(credentials.token)
        await self._db.credentials.save(
            CredentialRecord(
                client_id=credentials.client_id,
                token=credentials.token,
                user_id=credentials.user_id,
                expires_at=credentials.expires_at,
            )
        )


async def open_services(application: Application) -> None:
    """post_init: open the database and clients, register commands, resume work in flight."""
    settings: Settings = application.bot_data[SETTINGS_KEY]
    inbox: Inbox = application.bot_data[INBOX_KEY]
    db = await Database.open(settings.database_url)
    inbox.attach(db.inbox)
    nemo = NemoClient(
        base_url=settings.nemo_api_url,
        skill_version=__version__,
        skill_platform=settings.skill_platform,
        credentials=StoredNemoCredentials(db),
        static_token=settings.nemo_token,
        client_id=settings.nemo_client_id,
        timeouts=NemoTimeouts(render_poll_max=settings.render_poll_seconds),
    )
    local = settings.telegram_local_mode
    projects = Projects(db, nemo, settings.nemo_web_url)
    conversation = Conversation(
        nemo=nemo,
        db=db,
        projects=projects,
        turns=TurnRunner(nemo, projects, db, still_working_seconds=settings.still_working_seconds),
        uploader=Uploader(
            nemo,
            projects,
            db,
            download_limit=LOCAL_MODE_DOWNLOAD_MAX if local else BOT_API_DOWNLOAD_MAX,
        ),
        exporter=Exporter(
            nemo,
            projects,
            db,
            upload_limit=LOCAL_MODE_UPLOAD_MAX if local else BOT_API_UPLOAD_MAX,
        ),
    )
    me = await application.bot.get_me()
    idle = settings.collection_idle_seconds

    async def close_if_idle(chat_id: int) -> float | None:
        chat = await conversation.chat(chat_id, None, is_group=True)
        return await conversation.close_if_idle(chat, idle, _output(application, services, chat))

    services = Services(
        settings=settings,
        db=db,
        nemo=nemo,
        conversation=conversation,
        catalogs=Catalogs(),
        downloads=httpx.AsyncClient(timeout=httpx.Timeout(60.0, connect=10.0)),
        inbox=inbox,
        albums=AlbumCollector(
            application.job_queue, lambda album: handlers.on_album(services, album)
        ),
        collections=CollectionTimer(application.job_queue, idle, close_if_idle),
        me=me,
    )
    application.bot_data[SERVICES_KEY] = services
    # Queued before polling starts, so they are handled before anything newer.
    for update in await inbox.restore(application.bot):
        await application.update_queue.put(update)
    await _introduce(application, services)
    for collection in await db.collections.all_open():
        services.collections.restart(collection.chat_id, after=0)
    application.bot_data[_RESUME_TASK_KEY] = asyncio.create_task(
        conversation.resume(lambda chat: _output(application, services, chat))
    )
    # What start-up loaded lives as long as the process. Left in the collector, each
    # full collection scans it all: ~50 ms during which no chat is answered
    # (bench/reply_overhead.py). Frozen, a collection scans only what came after.
    gc.freeze()


async def close_services(application: Application) -> None:
    """post_shutdown: close what open_services opened. Renders in flight stay resumable."""
    task = application.bot_data.get(_RESUME_TASK_KEY)
    if task is not None:
        task.cancel()
    services = application.bot_data.get(SERVICES_KEY)
    if services is None:
        return
    await services.downloads.aclose()
    await services.nemo.aclose()
    await services.db.close()


async def _introduce(application: Application, services: Services) -> None:
    """Register the command menus and note whether the bot sees every group message.

    Under privacy mode (the default) a group's plain messages never reach the bot, so
    what members are told to do depends on it.
    """
    me = services.me
    log.info(
        "running as @%s; can_read_all_group_messages=%s",
        me.username,
        me.can_read_all_group_messages,
    )
    for scope, menu_scope in _MENU_SCOPES:
        for locale in (*SUPPORTED_LOCALES, None):
            tr = services.catalogs.translator(locale or DEFAULT_LOCALE)
            await application.bot.set_my_commands(
                commands.menu(tr, menu_scope), scope=scope, language_code=locale
            )


def _output(application: Application, services: Services, chat: ChatRef) -> TelegramOutput:
    tr = services.catalogs.translator(chat.locale)
    return TelegramOutput(
        application.bot,
        chat.chat_id,
        tr,
        is_group=chat.is_group,
        moved=services.conversation.moved,
    )


_MENU_SCOPES = (
    (BotCommandScopeAllPrivateChats(), MenuScope.PRIVATE),
    (BotCommandScopeAllGroupChats(), MenuScope.GROUP),
    (BotCommandScopeAllChatAdministrators(), MenuScope.GROUP_ADMIN),
)
