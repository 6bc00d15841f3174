"""Run the real bot against the two loopback fakes.

The bot runs exactly as ``python -m bot`` runs it (``Settings.from_env``, then
``bot.app.run``: polling, or a webhook when ``WEBHOOK_URL`` is set), in a thread with
its own event loop so the test can act like a person meanwhile.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

from telegram.ext import Application

from bot import app
from bot.config import Settings
from tests.fakes.nemo import NemoFake
from tests.fakes.telegram import TelegramFake


def deployment_env(
    telegram: TelegramFake, nemo: NemoFake, database: Path, **overrides: str
) -> dict[str, str]:
    """The environment a deployment would set, pointed at the fakes; defaults elsewhere."""
    return {
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_URL": telegram.api_url,
        "NEMO_API_URL": nemo.url,
        "NEMO_WEB_URL": "https://nemovideo.example",
        "DATABASE_URL": f"sqlite:///{database}",
        **overrides,
    }


# Tests wait less than people do: progress and polls come sooner, and every log line shows.
# A killed bot's leases lapse in 5 s, so the next start polls soon (bot.core.leases);
# shorter, a loaded CI machine stalling a replica that long would lose it its lease.
_TEST_PACE = {
    "STILL_WORKING_SECONDS": "0.3",
    "RENDER_POLL_SECONDS": "0.5",
    "LEASE_SECONDS": "5",
    "LOG_LEVEL": "DEBUG",
}


def bot_env(
    telegram: TelegramFake, nemo: NemoFake, database: Path, **overrides: str
) -> dict[str, str]:
    """The deployment's environment at the tests' pace."""
    return deployment_env(telegram, nemo, database, **{**_TEST_PACE, **overrides})


ROOT = Path(__file__).parents[2]


def free_port() -> int:
    """A loopback port nothing listens on now, for the bot's webhook or health server."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def python_m_bot(env: Mapping[str, str], log: Path) -> subprocess.Popen[str]:
    """Start ``python -m bot`` as a deployment would, with only ``env`` configuring it.

    Its output goes to the file ``log``: an unread pipe fills up and blocks the bot.
    """
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NEMO_", "TELEGRAM_", "WEBHOOK_", "DATABASE_"))
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=ROOT,
        env={**inherited, **env},
        stdout=subprocess.DEVNULL,
        stderr=log.open("a"),
        text=True,
    )


class RunningBot:
    """The bot application running from a background thread."""

    def __init__(self, env: Mapping[str, str], telegram: TelegramFake) -> None:
        self.settings = Settings.from_env(env)
        self._telegram = telegram
        self._loop = asyncio.new_event_loop()
        self._application: Application = app.build_application(self.settings)
        self._thread = threading.Thread(target=self._run, name="bot-under-test", daemon=True)
        self.error: BaseException | None = None

    def __enter__(self) -> RunningBot:
        self._thread.start()
        ready = "setWebhook" if self.settings.webhook_url else "getUpdates"
        self._telegram.wait_for_sync(lambda: self._telegram.calls_to(ready), timeout=15)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop as on SIGTERM and wait for the shutdown to finish."""
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._application.stop_running)
            self._thread.join(timeout=30)
        assert not self._thread.is_alive(), "the bot did not shut down"
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            # A short long-poll keeps shutdown quick; polling is otherwise as deployed.
            options = {} if self.settings.webhook_url else {"timeout": 1}
            app.run(self._application, self.settings, stop_signals=None, **options)
        except BaseException as error:  # surfaced to the test in stop()
            self.error = error
