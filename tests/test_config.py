"""Settings.from_env: defaults, typing, and one error naming every bad variable."""

import re
from pathlib import Path

import pytest

from bot.config import _VARIABLES, ConfigError, Settings

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
NEMO_TOKEN = "nmv_usr_0123456789abcdef"
WEBHOOK_SECRET = "s3cret_webhook-value"


def env(**overrides: str) -> dict[str, str]:
    return {"TELEGRAM_BOT_TOKEN": TOKEN, **overrides}


def test_defaults_are_the_product_table() -> None:
    settings = Settings.from_env(env())
    assert settings == Settings(
        telegram_token=TOKEN,
        telegram_api_url="https://api.telegram.org",
        telegram_local_mode=False,
        nemo_api_url="https://mega-api-prod.nemovideo.ai",
        nemo_web_url="https://nemovideo.com",
        nemo_token=None,
        nemo_client_id=None,
        database_url="sqlite:///bot.sqlite3",
        still_working_seconds=120.0,
        render_poll_seconds=30.0,
        collection_idle_seconds=600.0,
        shutdown_grace_seconds=20.0,
        telegram_timeout_seconds=30.0,
        telegram_media_timeout_seconds=300.0,
        allowed_chats=frozenset(),
        webhook_url=None,
        port=8080,
        webhook_secret=None,
        skill_platform="telegram",
        log_level="INFO",
        log_format="text",
        health_port=None,
        local_render="offer",
        local_render_short_side=1080,
        ephemeral_platform=None,
    )


def test_every_variable_is_read_and_typed() -> None:
    settings = Settings.from_env(
        env(
            TELEGRAM_API_URL="http://bot-api:8081/",
            TELEGRAM_LOCAL_MODE="1",
            NEMO_API_URL="http://127.0.0.1:9000/",
            NEMO_WEB_URL="https://example.com/",
            NEMO_TOKEN=NEMO_TOKEN,
            NEMO_CLIENT_ID="6f1c2f1e-4a57-4bb8-9d4e-3b9e2a7f0c11",
            DATABASE_URL="sqlite:////data/bot.sqlite3",
            STILL_WORKING_SECONDS="0.5",
            RENDER_POLL_SECONDS="2",
            COLLECTION_IDLE_SECONDS="60",
            SHUTDOWN_GRACE_SECONDS="5",
            TELEGRAM_TIMEOUT_SECONDS="1.5",
            TELEGRAM_MEDIA_TIMEOUT_SECONDS="45",
            ALLOWED_CHATS=" -1001234567890, 42 ,",
            WEBHOOK_URL="https://bot.example.com/telegram",
            PORT="8443",
            WEBHOOK_SECRET=WEBHOOK_SECRET,
            SKILL_PLATFORM="telegram-test",
            LOG_LEVEL="debug",
            LOG_FORMAT="JSON",
            HEALTH_PORT="9090",
            LOCAL_RENDER="Always",
            LOCAL_RENDER_SHORT_SIDE="240",
        )
    )
    assert settings.telegram_api_url == "http://bot-api:8081"
    assert settings.telegram_local_mode is True
    assert settings.nemo_api_url == "http://127.0.0.1:9000"
    assert settings.nemo_web_url == "https://example.com"
    assert settings.nemo_token == NEMO_TOKEN
    assert settings.nemo_client_id == "6f1c2f1e-4a57-4bb8-9d4e-3b9e2a7f0c11"
    assert settings.database_url == "sqlite:////data/bot.sqlite3"
    assert settings.still_working_seconds == 0.5
    assert settings.render_poll_seconds == 2.0
    assert settings.collection_idle_seconds == 60.0
    assert settings.shutdown_grace_seconds == 5.0
    assert settings.telegram_timeout_seconds == 1.5
    assert settings.telegram_media_timeout_seconds == 45.0
    assert settings.allowed_chats == frozenset({-1001234567890, 42})
    assert settings.webhook_url == "https://bot.example.com/telegram"
    assert settings.port == 8443
    assert settings.webhook_secret == WEBHOOK_SECRET
    assert settings.skill_platform == "telegram-test"
    assert settings.log_level == "DEBUG"
    assert settings.log_format == "json"
    assert settings.health_port == 9090
    assert settings.local_render == "always"
    assert settings.local_render_short_side == 240


def test_empty_variables_count_as_unset() -> None:
    settings = Settings.from_env(env(PORT="", NEMO_TOKEN="  ", WEBHOOK_URL=""))
    assert (settings.port, settings.nemo_token, settings.webhook_url) == (8080, None, None)


@pytest.mark.parametrize(
    ("variable", "platform"),
    [
        pytest.param("DYNO", "Heroku (DYNO is set)", id="heroku"),
        pytest.param("K_SERVICE", "Cloud Run (K_SERVICE is set)", id="cloud-run"),
    ],
)
def test_a_platform_with_an_ephemeral_disk_is_recognised(variable: str, platform: str) -> None:
    assert Settings.from_env(env(**{variable: "web.1"})).ephemeral_platform == platform


def test_telegram_urls_for_the_library() -> None:
    settings = Settings.from_env(env(TELEGRAM_API_URL="http://localhost:8081/"))
    assert settings.telegram_base_url == "http://localhost:8081/bot"
    assert settings.telegram_base_file_url == "http://localhost:8081/file/bot"


def test_a_missing_token_is_named() -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN is not set"):
        Settings.from_env({"TELEGRAM_BOT_TOKEN": "  "})


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        pytest.param("TELEGRAM_BOT_TOKEN", "bot123:abc", "does not look like", id="bad-token"),
        pytest.param(
            "LOCAL_RENDER", "sometimes", "must be one of offer, always, off", id="local-mode"
        ),
        pytest.param(
            "LOCAL_RENDER_SHORT_SIDE", "100", "must be a number of pixels", id="local-small"
        ),
        pytest.param(
            "PORT", "abc", "must be an integer between 1 and 65535, got 'abc'", id="bad-port"
        ),
        pytest.param(
            "PORT", "0", "must be an integer between 1 and 65535, got '0'", id="port-zero"
        ),
        pytest.param("PORT", "65536", "must be an integer between 1 and 65535", id="port-too-big"),
        pytest.param(
            "WEBHOOK_URL", "http://bot.example.com/h", "must start with https://", id="plain-http"
        ),
        pytest.param(
            "WEBHOOK_URL", "bot.example.com", "must start with https://", id="webhook-no-scheme"
        ),
        pytest.param(
            "LOG_LEVEL",
            "LOUD",
            "must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got 'LOUD'",
            id="bad-log-level",
        ),
        pytest.param(
            "LOG_FORMAT", "logfmt", "must be one of text, json, got 'logfmt'", id="bad-log-format"
        ),
        pytest.param(
            "HEALTH_PORT",
            "99999",
            "must be an integer between 1 and 65535, got '99999'",
            id="bad-health-port",
        ),
        pytest.param(
            "STILL_WORKING_SECONDS",
            "0",
            "must be a number of seconds greater than 0, got '0'",
            id="zero-seconds",
        ),
        pytest.param(
            "STILL_WORKING_SECONDS", "-5", "must be a number of seconds", id="negative-seconds"
        ),
        pytest.param(
            "RENDER_POLL_SECONDS", "soon", "must be a number of seconds", id="words-seconds"
        ),
        pytest.param(
            "RENDER_POLL_SECONDS", "inf", "must be a number of seconds", id="infinite-seconds"
        ),
        pytest.param(
            "NEMO_CLIENT_ID",
            "x" * 65,
            "must be at most 64 characters, got 65",
            id="long-client-id",
        ),
        pytest.param(
            "NEMO_CLIENT_ID", "has space", "must be printable ASCII", id="client-id-space"
        ),
        pytest.param(
            "TELEGRAM_LOCAL_MODE", "yes", "must be 0 or 1, got 'yes'", id="bad-local-mode"
        ),
        pytest.param(
            "ALLOWED_CHATS",
            "12,abc,-3,4.5",
            "must be comma-separated chat ids, got 'abc', '4.5'",
            id="bad-allowed-chats",
        ),
        pytest.param(
            "WEBHOOK_SECRET", "has space", "must be 1-256 characters", id="secret-bad-chars"
        ),
        pytest.param(
            "WEBHOOK_SECRET", "x" * 257, "must be 1-256 characters", id="secret-too-long"
        ),
        pytest.param(
            "TELEGRAM_API_URL",
            "api.telegram.org",
            "must be an http:// or https:// URL",
            id="api-url-no-scheme",
        ),
        pytest.param(
            "NEMO_API_URL",
            "ftp://example.com",
            "must be an http:// or https:// URL",
            id="nemo-url-ftp",
        ),
        pytest.param(
            "NEMO_WEB_URL", "https://", "must be an http:// or https:// URL", id="web-url-no-host"
        ),
        pytest.param(
            "SKILL_PLATFORM", "tele gram", "must be printable ASCII", id="platform-space"
        ),
        pytest.param(
            "DATABASE_URL",
            "mysql://bot:pw@db.example/bot",
            "must be sqlite:///<file> or postgresql://",
            id="database-other-engine",
        ),
        pytest.param(
            "DATABASE_URL", "sqlite:///", "must be sqlite:///<file>", id="database-no-file"
        ),
        pytest.param(
            "DATABASE_URL",
            "postgresql://bot:pw@db.example:port/bot",
            "has a port that is not a number",
            id="database-bad-port",
        ),
    ],
)
def test_a_bad_variable_is_named_with_what_is_wrong(name: str, value: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(env(**{name: value}))
    [problem] = caught.value.problems
    assert problem.startswith(f"{name} {expected}")
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://127.0.0.1:8443/hook", id="loopback-ip"),
        pytest.param("http://localhost/hook", id="localhost"),
        pytest.param("https://bot.example.com/hook", id="https"),
    ],
)
def test_webhook_urls_that_are_allowed(url: str) -> None:
    assert Settings.from_env(env(WEBHOOK_URL=url)).webhook_url == url


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("sqlite:///bot.sqlite3", id="sqlite-relative"),
        pytest.param("sqlite:////data/bot.sqlite3", id="sqlite-absolute"),
        pytest.param("/data/bot.sqlite3", id="bare-path"),
        pytest.param(":memory:", id="memory"),
        pytest.param("postgresql://bot:pw@db.example:5432/bot", id="postgresql"),
        pytest.param("postgres://bot:pw@db.example/bot?sslmode=require", id="postgres-heroku"),
        pytest.param("postgresql:///bot?host=/run/postgresql", id="postgresql-socket"),
    ],
)
def test_database_urls_that_are_allowed(url: str) -> None:
    assert Settings.from_env(env(DATABASE_URL=url)).database_url == url


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"PORT": "abc", "LOG_LEVEL": "LOUD", "TELEGRAM_LOCAL_MODE": "2"})
    assert [problem.split()[0] for problem in caught.value.problems] == [
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_LOCAL_MODE",
        "PORT",
        "LOG_LEVEL",
    ]


@pytest.mark.parametrize(
    ("variables", "secret"),
    [
        pytest.param({"TELEGRAM_BOT_TOKEN": "bot" + TOKEN}, TOKEN, id="malformed-bot-token"),
        pytest.param(env(WEBHOOK_SECRET="secret value!"), "secret value!", id="webhook-secret"),
        pytest.param(
            env(NEMO_TOKEN="nmv_usr_ with space"), "nmv_usr_ with space", id="nemo-token"
        ),
        pytest.param(env(NEMO_API_URL="ftp://user:hunter2@host"), "hunter2", id="url-credentials"),
        pytest.param(
            env(DATABASE_URL="mysql://bot:hunter2@db/bot"), "hunter2", id="database-credentials"
        ),
        pytest.param(
            env(DATABASE_URL="postgres://bot:hunter2@db:x/bot"), "hunter2", id="database-port"
        ),
    ],
)
def test_errors_never_quote_a_secret(variables: dict[str, str], secret: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(variables)
    assert secret not in str(caught.value)


def test_repr_masks_secrets() -> None:
    settings = Settings.from_env(env(NEMO_TOKEN=NEMO_TOKEN, WEBHOOK_SECRET=WEBHOOK_SECRET))
    text = repr(settings)
    for secret in (TOKEN, NEMO_TOKEN, WEBHOOK_SECRET):
        assert secret not in text
    assert "telegram_token='***'" in text
    assert "port=8080" in text


def test_repr_masks_the_database_password() -> None:
    url = "postgres://bot:hunter2@db.example:5432/bot?sslmode=require"
    text = repr(Settings.from_env(env(DATABASE_URL=url)))
    assert "hunter2" not in text
    assert "database_url='postgres://bot:***@db.example:5432/bot?sslmode=require'" in text


def test_repr_shows_unset_secrets_as_none() -> None:
    assert "nemo_token=None" in repr(Settings.from_env(env()))


def test_secrets_lists_the_values_that_are_set() -> None:
    assert Settings.from_env(env()).secrets() == (TOKEN,)
    settings = Settings.from_env(env(NEMO_TOKEN=NEMO_TOKEN, WEBHOOK_SECRET=WEBHOOK_SECRET))
    assert set(settings.secrets()) == {TOKEN, NEMO_TOKEN, WEBHOOK_SECRET}


def test_secrets_hold_the_database_password_as_written_and_decoded() -> None:
    settings = Settings.from_env(env(DATABASE_URL="postgresql://bot:p%40ss@db/bot"))
    assert set(settings.secrets()) == {TOKEN, "p%40ss", "p@ss"}


def test_settings_are_frozen() -> None:
    settings = Settings.from_env(env())
    with pytest.raises(AttributeError):
        settings.port = 1  # type: ignore[misc]


ROOT = Path(__file__).parents[1]
# Set by the platform, never by an operator: the README's deploying section tells of them.
_PLATFORM_VARIABLES = {"DYNO", "K_SERVICE"}


def _documented(text: str, pattern: str) -> set[str]:
    return set(re.findall(pattern, text, re.MULTILINE))


def test_every_variable_is_in_env_example_and_the_readme_table() -> None:
    read = {name for name, _, _ in _VARIABLES} - _PLATFORM_VARIABLES
    env_example = _documented((ROOT / ".env.example").read_text(), r"^([A-Z_]+)=")
    readme = _documented((ROOT / "README.md").read_text(), r"^\| `([A-Z_]+)` \|")
    assert read <= env_example
    assert read == readme
    assert {name for name, _, _ in _VARIABLES} >= _PLATFORM_VARIABLES
