"""An Application whose stop gives running work a grace period, then cuts it.

PTB's stop waits for every running handler, and an agent turn or a render can run for
many minutes, longer than any platform waits after SIGTERM before it kills. Within
the grace period short work (a reply, an upload, a video on its way) finishes; after
it the inbox cuts what still runs, which is resumed or reported at the next start.
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.ext import Application

from bot.telegram.inbox import Inbox


class GracefulApplication(Application):
    """Application with a bounded stop; built through ``ApplicationBuilder.application_class``."""

    def __init__(self, *, inbox: Inbox, grace_seconds: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._inbox = inbox
        self._grace_seconds = grace_seconds

    async def stop(self) -> None:
        """Stop taking updates, let running work finish for the grace period, then cut it."""
        timer = asyncio.get_running_loop().call_later(self._grace_seconds, self._inbox.cut)
        try:
            await super().stop()
        finally:
            timer.cancel()
