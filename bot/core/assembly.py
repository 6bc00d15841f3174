"""The conversation core assembled in dependency order, for the bot and for tests alike."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.core.agent_turns import TurnRunner
from bot.core.chats import ChatDirectory
from bot.core.collections import Collections
from bot.core.dispatcher import Dispatcher
from bot.core.exports import Exporter
from bot.core.ports import OutputFactory, Timer
from bot.core.recovery import Recovery
from bot.core.requests import RequestRunner
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
    workdir: Path | None = None


@dataclass(frozen=True)
class Core:
    """What the messenger layer calls: the dispatcher, and the pieces start-up needs."""

    collections: Collections
    dispatcher: Dispatcher
    recovery: Recovery
    runner: RequestRunner


def build_core(
    *,
    db: Database,
    nemo: NemoClient,
    chats: ChatDirectory,
    outputs: OutputFactory,
    timer: Timer,
    settings: CoreSettings,
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
    dispatcher = Dispatcher(
        nemo=nemo,
        chats=chats,
        sessions=sessions,
        timelines=timelines,
        collections=collections,
        runner=runner,
        turns=TurnRunner(nemo, sessions, db, still_working_seconds=settings.still_working_seconds),
        uploader=Uploader(nemo, sessions, db, download_limit=settings.download_limit),
        exporter=exporter,
    )
    recovery = Recovery(db, chats, timelines, exporter, runner, outputs)
    return Core(collections=collections, dispatcher=dispatcher, recovery=recovery, runner=runner)
