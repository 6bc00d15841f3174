"""Builds the Telegram Application and runs it; decides nothing about behaviour."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot.config import ConfigError, Settings
from bot.logging_setup import configure_logging
from bot.serving import run_webhook
from bot.startup import (
    INBOX_KEY,
    SETTINGS_KEY,
    WEBHOOK_SECRET_KEY,
    close_services,
    open_services,
)
from bot.telegram import handlers
from bot.telegram.access import ACCESS_KEY, ChatAccess
from bot.telegram.context import BotContext
from bot.telegram.graceful import GracefulApplication
from bot.telegram.inbox import Inbox, InboxProcessor, InboxQueue, InboxRequest
from bot.telegram.leadership import LeaderUpdater
from bot.telegram.ratelimit import FloodLimiter
from bot.telegram.webhook import webhook_secret

log = logging.getLogger(__name__)

MAX_CONCURRENT_UPDATES = 4096


def build_application(settings: Settings) -> Application:
    """An Application pointed at the configured Bot API server, with every handler."""
    inbox = Inbox()
    builder = (
        ApplicationBuilder()
        .application_class(
            GracefulApplication,
            {"inbox": inbox, "grace_seconds": settings.shutdown_grace_seconds},
        )
        .token(settings.telegram_token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .local_mode(settings.telegram_local_mode)
        .rate_limiter(FloodLimiter(max_retries=3))
        .update_queue(InboxQueue(inbox, save_each=settings.webhook_url is not None))
        .get_updates_request(InboxRequest(inbox))
        # An agent turn holds its update for minutes; the default 256 would cap how
        # many chats can talk to the agent at once.
        .concurrent_updates(InboxProcessor(inbox, MAX_CONCURRENT_UPDATES))
        .read_timeout(settings.telegram_timeout_seconds)
        .write_timeout(settings.telegram_timeout_seconds)
        .media_write_timeout(settings.telegram_media_timeout_seconds)
        .context_types(ContextTypes(context=BotContext))
        .post_init(open_services)
        .post_shutdown(close_services)
    )
    if settings.webhook_url:
        # bot.web serves the webhook, beside /healthz and /metrics on the same port.
        builder = builder.updater(None)
    application = builder.build()
    if settings.webhook_url:
        # Made once: the server checks what setWebhook registers.
        application.bot_data[WEBHOOK_SECRET_KEY] = webhook_secret(settings.webhook_secret)
    else:
        # One replica polls at a time; the others stand by (bot.telegram.leadership).
        application.updater = LeaderUpdater(
            bot=application.bot, update_queue=application.update_queue
        )
    application.bot_data[SETTINGS_KEY] = settings
    application.bot_data[INBOX_KEY] = inbox
    application.bot_data[ACCESS_KEY] = ChatAccess(settings.allowed_chats)
    handlers.register(application)
    return application


def run(application: Application, settings: Settings, **run_options: Any) -> None:
    """Poll, or serve the webhook when WEBHOOK_URL is set. Pending updates are never dropped.

    The webhook always has a secret (see ``bot.telegram.webhook``): without one, any POST
    to the URL would be taken for an update from Telegram.

    ``run_options`` go to ``run_polling``/``bot.serving.run_webhook`` as they are; tests
    running the bot off the main thread pass ``stop_signals=None``.
    """
    if settings.webhook_url:
        run_webhook(application, settings, **run_options)
    else:
        application.run_polling(allowed_updates=list(handlers.UPDATE_TYPES), **run_options)


def main() -> None:
    """Entry point of ``python -m bot``."""
    try:
        settings = Settings.from_env(os.environ)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    configure_logging(settings.log_level, settings.secrets(), settings.log_format)
    run(build_application(settings), settings)
