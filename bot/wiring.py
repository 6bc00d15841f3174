"""Builds the bot's long-lived objects, each after what it needs, and nothing else."""

from __future__ import annotations

import httpx
from telegram.ext import Application

from bot import __version__
from bot.config import Settings
from bot.core.assembly import Core, CoreSettings, build_core
from bot.core.chats import ChatDirectory
from bot.core.local_exports import LocalRender
from bot.core.media import (
    BOT_API_DOWNLOAD_MAX,
    BOT_API_UPLOAD_MAX,
    LOCAL_MODE_DOWNLOAD_MAX,
    LOCAL_MODE_UPLOAD_MAX,
)
from bot.core.routing.supply import RouterSupply
from bot.core.shares import SharedVideos
from bot.credential_store import DatabaseCredentials
from bot.i18n import Catalogs
from bot.nemo import NemoClient, NemoTimeouts
from bot.telegram import handlers
from bot.telegram.albums import AlbumCollector
from bot.telegram.context import Services
from bot.telegram.files import TelegramMedia
from bot.telegram.inbox import Inbox
from bot.telegram.output import Outputs
from bot.telegram.timer import JobQueueTimer
from storage import Database


async def build_services(
    application: Application, settings: Settings, inbox: Inbox
) -> tuple[Services, Core]:
    """Open the database and clients and build the core around them.

    Returns the services handlers reach through their context, and the core, whose
    recovery start-up runs once done.
    """
    db = await Database.open(settings.database_url)
    inbox.attach(db.inbox)
    nemo = NemoClient(
        base_url=settings.nemo_api_url,
        skill_version=__version__,
        skill_platform=settings.skill_platform,
        credentials=DatabaseCredentials(db),
        static_token=settings.nemo_token,
        client_id=settings.nemo_client_id,
        timeouts=NemoTimeouts(render_poll_max=settings.render_poll_seconds),
    )
    me = await application.bot.get_me()
    catalogs = Catalogs()
    chats = ChatDirectory(db)
    shares = SharedVideos(db)
    outputs = Outputs(
        application.bot,
        catalogs,
        sees_everything=bool(me.can_read_all_group_messages),
        moved=chats.moved,
        # The Share button needs inline mode, which only BotFather can turn on.
        can_share=bool(me.supports_inline_queries),
        delivered=shares.delivered,
    )
    local = settings.telegram_local_mode
    downloads = httpx.AsyncClient(timeout=httpx.Timeout(60.0, connect=10.0))
    router = RouterSupply()
    core = build_core(
        db=db,
        nemo=nemo,
        chats=chats,
        outputs=outputs,
        timer=JobQueueTimer(application.job_queue),
        fetcher=TelegramMedia(application.bot, downloads),
        settings=CoreSettings(
            web_url=settings.nemo_web_url,
            still_working_seconds=settings.still_working_seconds,
            collection_idle_seconds=settings.collection_idle_seconds,
            download_limit=LOCAL_MODE_DOWNLOAD_MAX if local else BOT_API_DOWNLOAD_MAX,
            upload_limit=LOCAL_MODE_UPLOAD_MAX if local else BOT_API_UPLOAD_MAX,
            max_image_pixels=settings.max_image_pixels,
            conversions_at_once=settings.max_concurrent_conversions,
            local_render=LocalRender(settings.local_render),
            local_render_short_side=settings.local_render_short_side,
        ),
        route=router.route,
        router_ready=router.ready,
    )
    services = Services(
        settings=settings,
        db=db,
        nemo=nemo,
        chats=chats,
        collections=core.collections,
        dispatcher=core.dispatcher,
        catalogs=catalogs,
        downloads=downloads,
        inbox=inbox,
        albums=AlbumCollector(application.job_queue, handlers.on_album, inbox.album_items_in_hand),
        outputs=outputs,
        me=me,
        shares=shares,
        render_pool=core.render_pool,
        router=router,
    )
    return services, core
