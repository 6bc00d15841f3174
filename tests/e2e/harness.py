"""Run the real bot against the two loopback fakes.

The bot runs exactly as ``python -m bot`` runs it (``Settings.from_env``, then
``bot.app.run``: polling, or a webhook when ``WEBHOOK_URL`` is set), in a thread with
its own event loop so the test can act like a person meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import psutil
from telegram.ext import Application

from bot import app
from bot.config import Settings
from storage import Database, RenderRecord
from tests.fakes.nemo import NemoFake
from tests.fakes.telegram import TelegramFake


def deployment_env(
    telegram: TelegramFake, nemo: NemoFake, database: str | Path, **overrides: str
) -> dict[str, str]:
    """The environment a deployment would set, pointed at the fakes; defaults elsewhere.

    ``database`` is the DATABASE_URL (the ``database_url`` fixture's, on either engine), or
    the path of a SQLite file.
    """
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    return {
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_URL": telegram.api_url,
        "NEMO_API_URL": nemo.url,
        "NEMO_WEB_URL": "https://nemovideo.example",
        "DATABASE_URL": url,
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
    telegram: TelegramFake, nemo: NemoFake, database: str | Path, **overrides: str
) -> dict[str, str]:
    """The deployment's environment at the tests' pace."""
    return deployment_env(telegram, nemo, database, **{**_TEST_PACE, **overrides})


ROOT = Path(__file__).parents[2]


def free_port() -> int:
    """A loopback port nothing listens on now, for the bot's webhook or health server."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(telegram: TelegramFake, *, webhook: bool = False) -> None:
    """Wait until the bot takes updates: its first getUpdates arrived, or its webhook is set.

    Not until that getUpdates is answered: with nothing to deliver, that is its timeout.
    """
    if webhook:
        telegram.wait_for_sync(lambda: telegram.webhook_info()["url"], timeout=30)
    else:
        telegram.wait_for_sync(telegram.is_polled, timeout=30)


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


def undelivered_renders(database_url: str) -> list[RenderRecord]:
    """The renders a next start would resume (neither delivered nor given up), read as the
    bot reads them, from a test's own thread."""

    async def read() -> list[RenderRecord]:
        async with await Database.open(database_url) as db:
            return await db.renders.undelivered()

    return asyncio.run(read())


def kill(process: subprocess.Popen[str]) -> None:
    """SIGKILL the bot and every process it started, as a platform kills a container.

    A child outlives a SIGKILL to its parent alone: the router's trainer, a render worker
    would run on, orphaned, taking CPU the next tests need.
    """
    if process.poll() is not None:
        return  # reaped already: its pid may be another process's by now
    with contextlib.suppress(psutil.NoSuchProcess):
        bot = psutil.Process(process.pid)
        bot.suspend()  # starts no more children while they are listed
        for member in [bot, *bot.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                member.kill()
    process.wait(timeout=30)


def stop(process: subprocess.Popen[str]) -> int:
    """SIGTERM the bot, as a platform stops a container; its exit status once it is gone."""
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=30)


@dataclass(frozen=True)
class WebhookDeployment:
    """The bot behind a webhook on a loopback port, as a platform with a public URL runs it.

    Its Bot API fake must be in local mode: only there may a webhook be plain HTTP.
    """

    telegram: TelegramFake
    env: dict[str, str]
    base: str  # the bot's web server: the webhook, /healthz and /metrics

    @property
    def url(self) -> str:
        """WEBHOOK_URL: where the fake posts the updates."""
        return self.env["WEBHOOK_URL"]

    def run(self) -> RunningBot:
        """The bot in this process, to be used with ``with``; it has set its webhook then."""
        return RunningBot(self.env, self.telegram)

    def python_m_bot(self, log: Path) -> subprocess.Popen[str]:
        """Start ``python -m bot`` (see ``python_m_bot``) and wait until it set its webhook."""
        process = python_m_bot(self.env, log)
        try:
            wait_until_serving(self.telegram, webhook=True)
        except BaseException:
            kill(process)
            raise
        return process


def webhook_deployment(
    telegram: TelegramFake, nemo: NemoFake, database: str | Path, **overrides: str
) -> WebhookDeployment:
    """``bot_env`` for webhook mode: WEBHOOK_URL and PORT on a free loopback port."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = bot_env(
        telegram, nemo, database, WEBHOOK_URL=f"{base}/telegram/hook", PORT=str(port), **overrides
    )
    return WebhookDeployment(telegram, env, base)


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
        wait_until_serving(self._telegram, webhook=bool(self.settings.webhook_url))
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
