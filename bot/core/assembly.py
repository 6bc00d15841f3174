"""The conversation core assembled in dependency order, for the bot and for tests alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.core.agent_turns import TurnRunner
from bot.core.chats import ChatDirectory
from bot.core.collections import Collections
from bot.core.conversions import Conversions
from bot.core.dispatcher import Dispatcher, Route
from bot.core.exports import Exporter
from bot.core.local_exports import LocalExporter, LocalRender
from bot.core.media import DEFAULT_MAX_PIXELS
from bot.core.ports import MediaFetcher, OutputFactory, Timer
from bot.core.recovery import Recovery
from bot.core.render_pool import RenderPool
from bot.core.requests import RequestRunner
from bot.core.router import Routing, route
from bot.core.sessions import Sessions
from bot.core.timelines import Timelines
from bot.core.uploads import Uploader
from bot.nemo import NemoClient
from storage import Database


@dataclass(frozen=True)
class CoreSettings:
    """The numbers the core is tuned by; limits are the messenger's."""

    web_url: str
    still_working_seconds: float
    collection_idle_seconds: float
    download_limit: int
    upload_limit: int
    local_render: LocalRender = LocalRender.OFFER
    local_render_short_side: int = 1080
    workdir: Path | None = None
    max_image_pixels: int = DEFAULT_MAX_PIXELS
    conversions_at_once: int = 1


@dataclass(frozen=True)
class Core:
    """What the messenger layer calls: the dispatcher, and the pieces start-up needs."""

    collections: Collections
    dispatcher: Dispatcher
    recovery: Recovery
    render_pool: RenderPool
    runner: RequestRunner


async def route_in_place(text: str) -> Routing:
    """Route with the router trained here on first use: for tests and tools, not the bot,
    which must not train on its event loop (``bot.core.routing.supply``)."""
    return route(text)


def build_core(
    *,
    db: Database,
    nemo: NemoClient,
    chats: ChatDirectory,
    outputs: OutputFactory,
    timer: Timer,
    fetcher: MediaFetcher,
    settings: CoreSettings,
    route: Route = route_in_place,
    router_ready: Callable[[], bool] = lambda: True,
) -> Core:
    """Build every piece of the core after the pieces it needs."""
    sessions = Sessions(db, nemo, settings.web_url)
    timelines = Timelines(nemo, sessions)
    runner = RequestRunner(sessions)
    collections = Collections(
        db, chats, sessions, timer, outputs, idle_seconds=settings.collection_idle_seconds
    )
    exporter = Exporter(
        nemo, sessions, db, upload_limit=settings.upload_limit, workdir=settings.workdir
    )
    pool = RenderPool()
    local = LocalExporter(
        sessions,
        nemo,
        db,
        fetcher,
        pool,
        short_side=settings.local_render_short_side,
        workdir=settings.workdir,
    )
    dispatcher = Dispatcher(
        nemo=nemo,
        chats=chats,
        sessions=sessions,
        timelines=timelines,
        collections=collections,
        runner=runner,
        turns=TurnRunner(nemo, sessions, db, still_working_seconds=settings.still_working_seconds),
        uploader=Uploader(
            nemo,
            sessions,
            db,
            download_limit=settings.download_limit,
            conversions=Conversions(
                max_pixels=settings.max_image_pixels, at_once=settings.conversions_at_once
            ),
        ),
        exporter=exporter,
        local=local,
        local_render=settings.local_render,
        route=route,
        router_ready=router_ready,
    )
    recovery = Recovery(db, chats, timelines, exporter, local, runner, outputs)
    return Core(
        collections=collections,
        dispatcher=dispatcher,
        recovery=recovery,
        render_pool=pool,
        runner=runner,
    )
