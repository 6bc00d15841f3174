"""What happens between building the services and the first getUpdates, step by step.

``open_services`` (post_init) and ``close_services`` (post_shutdown) are the
Application's lifecycle hooks; each start-up step is a named function, in the order
that matters: updates kept from the last run are queued before anything newer.

Several replicas may share the database, so what a restart picks up may belong to a
replica still running: it is picked up under a lease. Polling, by the replica that gets
the poller's lease (``bot.telegram.leadership``), all at once; with a webhook, chat by
chat, by whichever replica takes over a chat nobody holds (``bot.telegram.ownership``).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging

from telegram import (
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
)
from telegram.ext import Application

from bot.config import Settings
from bot.core.assembly import Core
from bot.core.leases import LeaseKeeper, replica_name
from bot.health import Health
from bot.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES
from bot.telegram.context import SERVICES_KEY, Services
from bot.telegram.inbox import Inbox, InboxQueue
from bot.telegram.leadership import POLLER, LeaderUpdater
from bot.telegram.menus import MenuScope, menu
from bot.telegram.ownership import ChatOwnership
from bot.telegram.texts.native import description, short_description
from bot.web import WebServers
from bot.wiring import build_services
from storage.location import is_postgresql

log = logging.getLogger(__name__)

SETTINGS_KEY = "settings"
INBOX_KEY = "inbox"
_RESUME_TASK_KEY = "resume_task"
_KEEPER_KEY = "leases"
_OWNERSHIP_KEY = "ownership"
_BACKGROUND_KEY = "replica_tasks"
_WEB_KEY = "web_servers"
WEBHOOK_SECRET_KEY = "webhook_secret"

_MENU_SCOPES = (
    (BotCommandScopeAllPrivateChats(), MenuScope.PRIVATE),
    (BotCommandScopeAllGroupChats(), MenuScope.GROUP),
    (BotCommandScopeAllChatAdministrators(), MenuScope.GROUP_ADMIN),
)


async def open_services(application: Application) -> None:
    """post_init: build the services, then run the start-up steps in order."""
    settings: Settings = application.bot_data[SETTINGS_KEY]
    inbox: Inbox = application.bot_data[INBOX_KEY]
    warn_about_an_ephemeral_disk(settings)
    services, core = await build_services(application, settings, inbox)
    application.bot_data[SERVICES_KEY] = services
    await share_with_replicas(application, settings, services, core)
    # After the kept updates: a webhook still registered may post newer ones at once.
    start_web_servers(application, services)
    await register_menus(application, services)
    await describe_bot(application, services)
    await services.collections.restore()
    # Loaded or trained beside the event loop; a message arriving before waits for it.
    services.router.start()
    freeze_startup_objects()


async def share_with_replicas(
    application: Application, settings: Settings, services: Services, core: Core
) -> None:
    """Take this replica's part: poll when it gets the lease, or hold the chats it serves."""
    keeper = LeaseKeeper(services.db.leases, seconds=settings.lease_seconds, holder=replica_name())
    application.bot_data[_KEEPER_KEY] = keeper
    tasks = [asyncio.create_task(keeper.run())]
    if settings.webhook_url:
        ownership = ChatOwnership(
            keeper=keeper,
            db=services.db,
            inbox=services.inbox,
            runner=core.runner,
            bot=application.bot,
            put=application.update_queue.put,
            resume=core.recovery.resume,
        )
        queue = application.update_queue
        assert isinstance(queue, InboxQueue)
        queue.admit_with(ownership.admit)
        services.albums.gather_first(ownership.take_waiting)
        application.bot_data[_OWNERSHIP_KEY] = ownership
        tasks.append(asyncio.create_task(ownership.run()))
    else:
        updater = application.updater
        assert isinstance(updater, LeaderUpdater)

        async def take_over() -> None:
            await queue_kept_updates(application, services.inbox)
            application.bot_data[_RESUME_TASK_KEY] = asyncio.create_task(core.recovery.resume())

        def on_lost(names: set[str]) -> None:
            if POLLER in names:
                log.error("the poller's lease was lost: stopping, to start again standing by")
                application.stop_running()

        updater.lead_with(keeper, take_over)
        keeper.when_lost(on_lost)
    application.bot_data[_BACKGROUND_KEY] = tasks


def warn_about_an_ephemeral_disk(settings: Settings) -> None:
    """Warn when the SQLite file lives on a disk the platform wipes at each restart.

    With it go the inbox, the renders in flight, every chat's project and the anonymous
    NemoVideo token with its credits; the bot still runs, as a trial might want.
    """
    if settings.ephemeral_platform and not is_postgresql(settings.database_url):
        log.warning(
            "running on %s, whose disk is wiped at every restart, with SQLite: every "
            "chat's project, the renders in flight and the NemoVideo token will be lost. "
            "Set DATABASE_URL to a PostgreSQL database.",
            settings.ephemeral_platform,
            extra={"event": "sqlite_on_ephemeral_disk"},
        )


def start_web_servers(application: Application, services: Services) -> None:
    """Serve /healthz and /metrics (and the webhook) on the ports the settings name."""
    settings = services.settings
    keeper: LeaseKeeper = application.bot_data[_KEEPER_KEY]
    health = Health(
        db=services.db,
        nemo=services.nemo,
        bot=application.bot,
        webhook_url=settings.webhook_url,
        standing_by=lambda: not settings.webhook_url and not keeper.holds(POLLER),
    )
    secret = application.bot_data.get(WEBHOOK_SECRET_KEY)
    servers = WebServers(application, settings, health, webhook_secret=secret)
    servers.start()
    application.bot_data[_WEB_KEY] = servers


async def queue_kept_updates(application: Application, inbox: Inbox) -> None:
    """Queue what the last run received and did not handle, before polling starts."""
    for update in await inbox.restore(application.bot):
        await application.update_queue.put(update)


async def register_menus(application: Application, services: Services) -> None:
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
                menu(tr, menu_scope), scope=scope, language_code=locale
            )


async def describe_bot(application: Application, services: Services) -> None:
    """Set the bot's description and short description in each language it speaks.

    The description is what an empty chat shows before the first message; Telegram
    picks it by the person's app language, the default (Italian) for any other.
    """
    for locale in (*SUPPORTED_LOCALES, None):
        tr = services.catalogs.translator(locale or DEFAULT_LOCALE)
        await application.bot.set_my_description(description(tr), language_code=locale)
        await application.bot.set_my_short_description(short_description(tr), language_code=locale)


def freeze_startup_objects() -> None:
    """Keep what start-up loaded out of the garbage collector's full collections.

    It lives as long as the process. Left in the collector, each full collection scans
    it all: ~50 ms during which no chat is answered (bench/reply_overhead.py). Frozen,
    a collection scans only what came after.
    """
    gc.freeze()


async def close_services(application: Application) -> None:
    """post_shutdown: close what open_services opened. Renders in flight stay resumable."""
    servers = application.bot_data.get(_WEB_KEY)
    if servers is not None:
        await servers.stop()
    if (resuming := application.bot_data.get(_RESUME_TASK_KEY)) is not None:
        resuming.cancel()
    for background in application.bot_data.get(_BACKGROUND_KEY, []):
        background.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await background
    if (ownership := application.bot_data.get(_OWNERSHIP_KEY)) is not None:
        await ownership.close()
    if (keeper := application.bot_data.get(_KEEPER_KEY)) is not None:
        # Everything here stopped: the other replicas may take it over at once.
        await keeper.release_all()
    services = application.bot_data.get(SERVICES_KEY)
    if services is None:
        return
    await services.router.close()
    services.render_pool.close()
    await services.downloads.aclose()
    await services.nemo.aclose()
    await services.db.close()
