"""The services every handler needs, and the chat an update is about, from a typed context.

PTB hands one context to every handler group an update passes through, so the chat is
resolved once, by ``resolve_chat`` in the guard groups, the way a middleware would.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from telegram import User
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.core.chats import ChatDirectory
from bot.core.collections import Collections
from bot.core.dispatcher import Dispatcher
from bot.core.ports import ChatRef
from bot.core.render_pool import RenderPool
from bot.core.routing.supply import RouterSupply
from bot.core.shares import SharedVideos
from bot.i18n import Catalogs
from bot.nemo import NemoClient
from bot.telegram.albums import AlbumCollector
from bot.telegram.inbox import Inbox
from bot.telegram.output import Outputs, TelegramOutput
from bot.telegram.sender import TelegramSender
from storage import Database


@dataclass
class Services:
    """Long-lived clients, opened in post_init and closed in post_shutdown."""

    settings: Settings
    db: Database
    nemo: NemoClient
    chats: ChatDirectory
    collections: Collections
    dispatcher: Dispatcher
    catalogs: Catalogs
    downloads: httpx.AsyncClient
    inbox: Inbox
    albums: AlbumCollector
    outputs: Outputs
    me: User
    shares: SharedVideos
    render_pool: RenderPool
    router: RouterSupply


@dataclass(frozen=True)
class ChatView:
    """The update's chat as the core knows it, how to answer it, and who asked."""

    chat: ChatRef
    out: TelegramOutput
    sender: TelegramSender


SERVICES_KEY = "services"


class BotContext(CallbackContext[ExtBot[None], dict, dict, dict]):
    """CallbackContext with typed access to the bot's services and the update's chat."""

    @property
    def services(self) -> Services:
        """The services opened at start-up."""
        return services_of(self.application)

    @property
    def view(self) -> ChatView:
        """The update's chat, set by ``resolve_chat`` before any handler runs."""
        view = self.__dict__.get("_view")
        assert isinstance(view, ChatView), "resolve_chat runs before every handler"
        return view

    @view.setter
    def view(self, view: ChatView) -> None:
        self.__dict__["_view"] = view


def services_of(application: Application) -> Services:
    """The services of a running application."""
    services = application.bot_data[SERVICES_KEY]
    assert isinstance(services, Services)
    return services
