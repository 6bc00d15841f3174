"""Start-up warnings an operator must not miss."""

import logging

import pytest

from bot.config import Settings
from bot.startup import warn_about_an_ephemeral_disk

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.mark.parametrize(
    ("variables", "warned"),
    [
        pytest.param({"DYNO": "worker.1"}, True, id="heroku-sqlite"),
        pytest.param({"K_SERVICE": "bot"}, True, id="cloud-run-sqlite"),
        pytest.param(
            {"DYNO": "worker.1", "DATABASE_URL": "postgres://bot:pw@db.example/bot"},
            False,
            id="heroku-postgresql",
        ),
        pytest.param({}, False, id="own-machine-sqlite"),
    ],
)
def test_sqlite_on_a_platform_that_wipes_its_disk_is_warned_about(
    variables: dict[str, str], warned: bool, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, **variables})
    with caplog.at_level(logging.WARNING, logger="bot.startup"):
        warn_about_an_ephemeral_disk(settings)
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert bool(warnings) is warned
    if warned:
        [record] = warnings
        assert "DATABASE_URL" in record.getMessage() and "PostgreSQL" in record.getMessage()
        assert "pw" not in record.getMessage()
