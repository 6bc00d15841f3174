"""Run the real bot application against the two loopback fakes.

The bot runs exactly as ``python -m bot`` builds it (Settings.from_env, then
build_application and run_polling), in a thread with its own event loop so the test
can act like a person meanwhile.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping
from pathlib import Path

from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.config import Settings
from tests.fakes.nemo_server import NemoFake
from tests.fakes.telegram_server import TelegramFake


def bot_env(
    telegram: TelegramFake, nemo: NemoFake, database: Path, **overrides: str
) -> dict[str, str]:
    """The environment a deployment would set, pointed at the fakes."""
    env = {
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_URL": telegram.api_url,
        "NEMO_API_URL": nemo.url,
        "NEMO_WEB_URL": "https://nemovideo.example",
        "DATABASE_URL": f"sqlite:///{database}",
        "STILL_WORKING_SECONDS": "0.3",
        "RENDER_POLL_SECONDS": "0.5",
        "LOG_LEVEL": "DEBUG",
    }
    env.update(overrides)
    return env


class RunningBot:
    """The bot application polling the fake Bot API from a background thread."""

    def __init__(self, env: Mapping[str, str], telegram: TelegramFake) -> None:
        self._settings = Settings.from_env(env)
        self._telegram = telegram
        self._loop = asyncio.new_event_loop()
        self._application: Application = build_application(self._settings)
        self._thread = threading.Thread(target=self._run, name="bot-under-test", daemon=True)
        self.error: BaseException | None = None

    def __enter__(self) -> RunningBot:
        polls_before = len(self._telegram.calls_to("getUpdates"))
        self._thread.start()
        self._telegram.wait_for_sync(
            lambda: len(self._telegram.calls_to("getUpdates")) > polls_before, timeout=15
        )
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop polling and shut down as on SIGTERM."""
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._application.stop_running)
            self._thread.join(timeout=30)
        assert not self._thread.is_alive(), "the bot did not shut down"
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._application.run_polling(
                allowed_updates=Update.ALL_TYPES,
                poll_interval=0.0,
                timeout=1,
                stop_signals=None,
                close_loop=True,
            )
        except BaseException as error:  # surfaced to the test in stop()
            self.error = error
