"""The services every handler needs, reachable from a typed callback context."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from telegram import User
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.core.conversation import Conversation
from bot.i18n import Catalogs
from bot.nemo import NemoClient
from bot.telegram.albums import AlbumCollector
from bot.telegram.collections import CollectionTimer
from bot.telegram.inbox import Inbox
from storage import Database


@dataclass
class Services:
    """Long-lived clients, opened in post_init and closed in post_shutdown."""

    settings: Settings
    db: Database
    nemo: NemoClient
    conversation: Conversation
    catalogs: Catalogs
    downloads: httpx.AsyncClient
    inbox: Inbox
    albums: AlbumCollector
    collections: CollectionTimer
    me: User


SERVICES_KEY = "services"


class BotContext(CallbackContext[ExtBot[None], dict, dict, dict]):
    """CallbackContext with typed access to the bot's services."""

    @property
    def services(self) -> Services:
        """The services opened at start-up."""
        return services_of(self.application)


def services_of(application: Application) -> Services:
    """The services of a running application."""
    services = application.bot_data[SERVICES_KEY]
    assert isinstance(services, Services)
    return services
