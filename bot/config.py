"""Configuration, read once from the environment and handed down as a frozen Settings.

`Settings.from_env(os.environ)` is the only place the environment is read. It checks every
variable before failing, so one ConfigError lists everything to fix. An empty variable counts
as unset. Secret values (the bot token, NEMO_TOKEN, WEBHOOK_SECRET, the password in a
PostgreSQL DATABASE_URL) appear neither in the error nor in `repr(settings)`.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from bot.core.media import DEFAULT_MAX_PIXELS
from storage.errors import StorageError
from storage.location import is_postgresql, sqlite_path

_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_LOG_FORMATS = ("text", "json")
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_BOT_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]+")
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_HEADER_VALUE = re.compile(r"[\x21-\x7e]+")
_SECRET_FIELDS = ("telegram_token", "nemo_token", "webhook_secret")
LOCAL_RENDER_MODES = ("offer", "always", "off")


class ConfigError(Exception):
    """The environment does not make a valid configuration; `.problems` says each reason."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("invalid configuration: " + "; ".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything the bot is configured with; the defaults are product.md's."""

    telegram_token: str
    telegram_api_url: str = "https://api.telegram.org"
    telegram_local_mode: bool = False
    nemo_api_url: str = "https://mega-api-prod.nemovideo.ai"
    nemo_web_url: str = "https://nemovideo.com"
    nemo_token: str | None = None
    nemo_client_id: str | None = None
    database_url: str = "sqlite:///bot.sqlite3"
    still_working_seconds: float = 120.0
    render_poll_seconds: float = 30.0
    collection_idle_seconds: float = 600.0
    shutdown_grace_seconds: float = 20.0
    # Replicas sharing a database: a dead replica's polling and chats pass to another
    # within this period and a little more (bot.core.leases).
    lease_seconds: float = 10.0
    telegram_timeout_seconds: float = 30.0
    telegram_media_timeout_seconds: float = 300.0
    allowed_chats: frozenset[int] = frozenset()
    webhook_url: str | None = None
    port: int = 8080
    webhook_secret: str | None = None
    skill_platform: str = "telegram"
    log_level: str = "INFO"
    # Decoding costs about 4 bytes a pixel: these two bound what conversions hold at once.
    max_image_pixels: int = DEFAULT_MAX_PIXELS
    max_concurrent_conversions: int = 1
    log_format: str = "text"
    health_port: int | None = None
    # offer: a local video when the cloud cannot export; always: never the cloud; off.
    local_render: str = "offer"
    # Pixels across the narrow side of a local video: 1080 for people, less for a test.
    local_render_short_side: int = 1080
    # Set when a platform's variable shows that the local disk is wiped at each restart.
    ephemeral_platform: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Build the settings from `env`. Raises ConfigError naming every bad variable."""
        values: dict[str, Any] = {}
        problems: list[str] = []
        for name, field_name, parse in _VARIABLES:
            raw = env.get(name, "").strip()
            if not raw:
                continue
            try:
                values[field_name] = parse(raw)
            except ValueError as exc:
                problems.append(f"{name} {exc}")
        if not env.get("TELEGRAM_BOT_TOKEN", "").strip():
            problems.insert(0, "TELEGRAM_BOT_TOKEN is not set")
        if problems:
            raise ConfigError(problems)
        return cls(**values)

    @property
    def telegram_base_url(self) -> str:
        """The Bot API root for methods; the library appends the token and the method."""
        return f"{self.telegram_api_url}/bot"

    @property
    def telegram_base_file_url(self) -> str:
        """The Bot API root for file downloads; the library appends the token and the path."""
        return f"{self.telegram_api_url}/file/bot"

    def secrets(self) -> tuple[str, ...]:
        """Return the secret values that are set, for the log redactor."""
        values = [value for name in _SECRET_FIELDS if (value := getattr(self, name))]
        if password := _database_password(self.database_url):
            # A log line may show it as written in the URL or as the driver decoded it.
            values += dict.fromkeys((password, unquote(password)))
        return tuple(values)

    def __repr__(self) -> str:
        shown = (
            f"{field.name}={_masked(field.name, getattr(self, field.name))!r}"
            for field in dataclasses.fields(self)
        )
        return f"Settings({', '.join(shown)})"


def _masked(name: str, value: object) -> object:
    if name == "database_url" and isinstance(value, str) and _database_password(value):
        parts = urlsplit(value)
        user = f"{parts.username}:" if parts.username else ":"
        host = parts.netloc.rsplit("@", 1)[1]
        return urlunsplit(parts._replace(netloc=f"{user}***@{host}"))
    return "***" if name in _SECRET_FIELDS and value is not None else value


def _database_password(url: str) -> str | None:
    return urlsplit(url).password if is_postgresql(url) else None


# Parsers: each takes the stripped, non-empty value and returns it typed, or raises
# ValueError completing the sentence "<NAME> ...". Secret values are never quoted back.


def _bot_token(raw: str) -> str:
    if not _BOT_TOKEN.fullmatch(raw):
        raise ValueError("does not look like a bot token (digits, a colon, then letters)")
    return raw


def _header_value(raw: str) -> str:
    # It goes into an HTTP header, where a space or a newline would break the request.
    if not _HEADER_VALUE.fullmatch(raw):
        raise ValueError("must be printable ASCII without spaces")
    return raw


def _flag(raw: str) -> bool:
    if raw not in ("0", "1"):
        raise ValueError(f"must be 0 or 1, got {raw!r}")
    return raw == "1"


def _base_url(raw: str) -> str:
    # URLs are not quoted back: one may carry credentials (https://user:pass@host).
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL")
    return raw.rstrip("/")


def _webhook_url(raw: str) -> str:
    parts = urlsplit(raw)
    local_http = parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS
    if not (parts.scheme == "https" or local_http) or not parts.hostname:
        raise ValueError("must start with https:// (http:// only for localhost)")
    return raw


def _database_url(raw: str) -> str:
    # The URL is not quoted back: a PostgreSQL URL may carry a password.
    if is_postgresql(raw):
        try:
            port = urlsplit(raw).port
        except ValueError:
            port = -1  # urlsplit refuses a port that is not a number or out of range
        if port == -1:
            raise ValueError("has a port that is not a number between 0 and 65535")
        return raw
    try:
        sqlite_path(raw)
    except StorageError:
        raise ValueError(
            "must be sqlite:///<file> or postgresql://<user>:<password>@<host>/<database>"
        ) from None
    return raw


def _seconds(raw: str) -> float:
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"must be a number of seconds greater than 0, got {raw!r}")
    return seconds


def _port(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 65535):
        raise ValueError(f"must be an integer between 1 and 65535, got {raw!r}")
    return int(raw)


def _positive_int(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit() and int(raw) > 0):
        raise ValueError(f"must be a whole number greater than 0, got {raw!r}")
    return int(raw)


def _chat_ids(raw: str) -> frozenset[int]:
    items = [item.strip() for item in raw.split(",") if item.strip()]
    bad = [item for item in items if not re.fullmatch(r"-?\d+", item)]
    if bad:
        raise ValueError(f"must be comma-separated chat ids, got {', '.join(map(repr, bad))}")
    return frozenset(int(item) for item in items)


def _client_id(raw: str) -> str:
    if len(raw) > 64:
        raise ValueError(f"must be at most 64 characters, got {len(raw)}")
    return _header_value(raw)


def _webhook_secret(raw: str) -> str:
    if not _WEBHOOK_SECRET.fullmatch(raw):
        raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    return raw


def _log_format(raw: str) -> str:
    log_format = raw.lower()
    if log_format not in _LOG_FORMATS:
        raise ValueError(f"must be one of {', '.join(_LOG_FORMATS)}, got {raw!r}")
    return log_format


def _local_render(raw: str) -> str:
    mode = raw.lower()
    if mode not in LOCAL_RENDER_MODES:
        raise ValueError(f"must be one of {', '.join(LOCAL_RENDER_MODES)}, got {raw!r}")
    return mode


def _short_side(raw: str) -> int:
    # Below 144 the title card's text no longer fits; above 2160 sendVideo's limit nears.
    if not (raw.isascii() and raw.isdigit() and 144 <= int(raw) <= 2160):
        raise ValueError(f"must be a number of pixels between 144 and 2160, got {raw!r}")
    return int(raw)


def _platform(name: str) -> Callable[[str], str]:
    """A parser that ignores the value: the variable being set is what tells the platform."""

    def parse(_raw: str) -> str:
        return name

    return parse


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in _LOG_LEVELS:
        raise ValueError(f"must be one of {', '.join(_LOG_LEVELS)}, got {raw!r}")
    return level


# Variable, Settings field, parser: the whole mapping from environment to settings.
_VARIABLES: tuple[tuple[str, str, Callable[[str], object]], ...] = (
    ("TELEGRAM_BOT_TOKEN", "telegram_token", _bot_token),
    ("TELEGRAM_API_URL", "telegram_api_url", _base_url),
    ("TELEGRAM_LOCAL_MODE", "telegram_local_mode", _flag),
    ("NEMO_API_URL", "nemo_api_url", _base_url),
    ("NEMO_WEB_URL", "nemo_web_url", _base_url),
    ("NEMO_TOKEN", "nemo_token", _header_value),
    ("NEMO_CLIENT_ID", "nemo_client_id", _client_id),
    ("DATABASE_URL", "database_url", _database_url),
    ("STILL_WORKING_SECONDS", "still_working_seconds", _seconds),
    ("RENDER_POLL_SECONDS", "render_poll_seconds", _seconds),
    ("COLLECTION_IDLE_SECONDS", "collection_idle_seconds", _seconds),
    ("SHUTDOWN_GRACE_SECONDS", "shutdown_grace_seconds", _seconds),
    ("LEASE_SECONDS", "lease_seconds", _seconds),
    ("TELEGRAM_TIMEOUT_SECONDS", "telegram_timeout_seconds", _seconds),
    ("TELEGRAM_MEDIA_TIMEOUT_SECONDS", "telegram_media_timeout_seconds", _seconds),
    ("ALLOWED_CHATS", "allowed_chats", _chat_ids),
    ("WEBHOOK_URL", "webhook_url", _webhook_url),
    ("PORT", "port", _port),
    ("WEBHOOK_SECRET", "webhook_secret", _webhook_secret),
    ("SKILL_PLATFORM", "skill_platform", _header_value),
    ("LOG_LEVEL", "log_level", _log_level),
    ("MAX_IMAGE_PIXELS", "max_image_pixels", _positive_int),
    ("MAX_CONCURRENT_CONVERSIONS", "max_concurrent_conversions", _positive_int),
    ("LOG_FORMAT", "log_format", _log_format),
    ("HEALTH_PORT", "health_port", _port),
    ("LOCAL_RENDER", "local_render", _local_render),
    ("LOCAL_RENDER_SHORT_SIDE", "local_render_short_side", _short_side),
    # Set by the platform itself, never by an operator; its disk is wiped at each restart.
    ("DYNO", "ephemeral_platform", _platform("Heroku (DYNO is set)")),
    ("K_SERVICE", "ephemeral_platform", _platform("Cloud Run (K_SERVICE is set)")),
)
