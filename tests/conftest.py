"""Fixtures shared by every test package."""

from collections.abc import Iterator

import pytest

from tests.fakes.nemo import NemoFake
from tests.fakes.telegram.fixtures import telegram_fake, telegram_fake_factory  # noqa: F401
from tests.postgres import (  # noqa: F401
    database_url,
    postgres_database,
    postgres_server,
    pytest_runtest_makereport,
)


@pytest.fixture
def nemo() -> Iterator[NemoFake]:
    """A running NemoVideo fake; the test fails if the client broke the contract."""
    with NemoFake() as fake:
        yield fake
        assert fake.violations == [], "requests broke the NemoVideo contract"
