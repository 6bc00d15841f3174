"""Webhook mode: the Application's lifecycle as ``run_webhook`` runs it, minus the Updater.

The webhook itself is served by ``bot.web`` beside /healthz and /metrics (see there
why), so this runs the same steps in the same order as PTB's ``run_webhook``:
initialize, post_init (which starts the web servers), register the webhook, start,
run until a stop signal or ``stop_running``, then stop, post_stop, shutdown,
post_shutdown. ``Application.stop_running`` works unchanged: it stops the loop this
runs forever, as it does PTB's.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence
from typing import NoReturn

from telegram.ext import Application

from bot.config import Settings
from bot.startup import WEBHOOK_SECRET_KEY
from bot.telegram import handlers

log = logging.getLogger(__name__)

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGABRT)


def run_webhook(
    application: Application,
    settings: Settings,
    *,
    stop_signals: Sequence[int] | None = _STOP_SIGNALS,
    close_loop: bool = True,
) -> None:
    """Serve the webhook until a stop signal; pending updates are never dropped.

    ``stop_signals=None`` leaves signals alone, for a bot run off the main thread.
    """
    loop = asyncio.get_event_loop()
    for sig in stop_signals or ():
        loop.add_signal_handler(sig, _raise_system_exit)
    try:
        loop.run_until_complete(application.initialize())
        if application.post_init:
            loop.run_until_complete(application.post_init(application))
        loop.run_until_complete(_register(application, settings))
        loop.run_until_complete(application.start())
        loop.run_forever()
    except (KeyboardInterrupt, SystemExit):
        log.debug("stop signal received; shutting down")
    finally:
        try:
            if application.running:
                loop.run_until_complete(application.stop())
                if application.post_stop:
                    loop.run_until_complete(application.post_stop(application))
            loop.run_until_complete(application.shutdown())
            if application.post_shutdown:
                loop.run_until_complete(application.post_shutdown(application))
        finally:
            if close_loop:
                loop.close()


async def _register(application: Application, settings: Settings) -> None:
    """Point Telegram at WEBHOOK_URL; the server already listens, so nothing is refused."""
    await application.bot.set_webhook(
        url=settings.webhook_url or "",
        allowed_updates=list(handlers.UPDATE_TYPES),
        secret_token=application.bot_data[WEBHOOK_SECRET_KEY],
    )


def _raise_system_exit() -> NoReturn:
    raise SystemExit
