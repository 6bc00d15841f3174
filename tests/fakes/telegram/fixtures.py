"""Pytest fixtures for the fake Bot API; they fail the test if the bot broke the contract.

Make them available everywhere by importing them in ``tests/conftest.py``::

    from tests.fakes.telegram.fixtures import telegram_fake, telegram_fake_factory  # noqa: F401
"""

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.fakes.telegram.server import TelegramFake

__all__ = ["checked_fake", "telegram_fake", "telegram_fake_factory"]


@contextlib.contextmanager
def checked_fake(**options: Any) -> Iterator[TelegramFake]:
    """A running TelegramFake; on a clean exit, fail if any contract violation remains."""
    with TelegramFake(**options) as fake:
        yield fake
        if fake.violations:
            listed = "\n".join(f"- {violation}" for violation in fake.violations)
            pytest.fail(f"the bot broke the Bot API contract:\n{listed}", pytrace=False)


@pytest.fixture
def telegram_fake() -> Iterator[TelegramFake]:
    """A fake Bot API with default options (cloud limits, privacy mode on)."""
    with checked_fake() as fake:
        yield fake


@pytest.fixture
def telegram_fake_factory() -> Iterator[Callable[..., TelegramFake]]:
    """Make fakes with options, e.g. ``telegram_fake_factory(local_mode=True)``."""
    with contextlib.ExitStack() as stack:
        yield lambda **options: stack.enter_context(checked_fake(**options))
