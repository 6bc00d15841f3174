"""Fixtures shared by every test package."""

from collections.abc import Iterator

import pytest

from bot.core import router
from bot.core.routing import cache
from tests.fakes.nemo import NemoFake
from tests.fakes.telegram.fixtures import telegram_fake, telegram_fake_factory  # noqa: F401
from tests.postgres import (  # noqa: F401
    database_url,
    postgres_database,
    postgres_server,
    pytest_runtest_makereport,
)


def pytest_configure(config: pytest.Config) -> None:
    """Have the trained router before the first test, as a bot that has run before has it.

    It is trained once a machine (once per table and code: its cache), before the
    workers start, then each process loads it: a bot a test starts routes at once, and no
    test process trains it beside a bot it runs, nor every bot process on its own.
    """
    if not hasattr(config, "workerinput") and cache.load() is None:
        cache.store(router.trained())
    router.install(cache.load() or router.trained())


@pytest.fixture
def nemo() -> Iterator[NemoFake]:
    """A running NemoVideo fake; the test fails if the client broke the contract."""
    with NemoFake() as fake:
        yield fake
        assert fake.violations == [], "requests broke the NemoVideo contract"


# The user property under which a test hands a report to the end of the run. Reports
# travel with test results, so they reach the terminal from pytest-xdist's workers too.
REPORT = "report"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the reports tests recorded (the router's accuracy), after every run."""
    reports = [
        value
        for outcome in ("passed", "failed")
        for test in terminalreporter.stats.get(outcome, [])
        for name, value in getattr(test, "user_properties", [])
        if name == REPORT and getattr(test, "when", "call") == "call"
    ]
    if reports:
        terminalreporter.write_sep("-", "reports")
        for report in reports:
            terminalreporter.write_line(str(report))
