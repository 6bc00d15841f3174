"""Fixtures that start the real bot against both fakes, on each database engine.

Every bot a test starts uses the ``database_url`` fixture (tests/postgres.py): the test
runs once on SQLite and once on PostgreSQL, its id naming the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.e2e.harness import RunningBot, WebhookDeployment, bot_env, webhook_deployment
from tests.fakes.nemo import NemoFake
from tests.fakes.telegram import TelegramFake


@pytest.fixture
def start_bot(
    telegram_fake: TelegramFake, nemo: NemoFake, database_url: str
) -> Iterator[Callable[..., RunningBot]]:
    """Start the bot (once per call, e.g. again after a restart) with optional env overrides."""
    running: list[RunningBot] = []

    def start(**overrides: str) -> RunningBot:
        env = bot_env(telegram_fake, nemo, database_url, **overrides)
        bot = RunningBot(env, telegram_fake).__enter__()
        running.append(bot)
        return bot

    yield start
    for bot in running:
        bot.stop()


@pytest.fixture
def bot(start_bot: Callable[..., RunningBot]) -> RunningBot:
    """The bot, running with the default test settings."""
    return start_bot()


@pytest.fixture
def webhook(
    telegram_fake_factory: Callable[..., TelegramFake], nemo: NemoFake, database_url: str
) -> Callable[..., WebhookDeployment]:
    """Deploy the bot behind a webhook, with optional env overrides; start it from there.

    Each call has a Bot API fake of its own, in local mode (plain-HTTP webhooks need it).
    """

    def deploy(**overrides: str) -> WebhookDeployment:
        telegram = telegram_fake_factory(local_mode=True)
        return webhook_deployment(telegram, nemo, database_url, **overrides)

    return deploy
