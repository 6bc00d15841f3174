"""Logging for the whole process, with every secret redacted before a line is written.

The redacting filter sits on the root logger's handlers, not on a logger: a logger's
filters only see records logged to that very logger, while every record that propagates
(python-telegram-bot's, httpx's, ours) reaches the root handlers.

With ``LOG_FORMAT=json`` each line is one JSON object an operator can filter on: the
chat and update being handled come from context variables set once per update
(``update_context``), so no log call has to pass them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

REDACTED = "[REDACTED]"

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Shapes of secrets, caught even when nobody registered the value. Each keeps its prefix,
# so a reader still sees what kind of value was there.
_PATTERNS = (
    # A bot token inside a Bot API URL, whatever its length: .../bot<id>:<secret>/getMe
    (re.compile(r"(?<=/bot)\d+(?::|%3A)[A-Za-z0-9_-]+"), REDACTED),
    (re.compile(r"\d{6,}(?::|%3A)[A-Za-z0-9_-]{30,}"), REDACTED),
    (re.compile(r"nmv_usr_[A-Za-z0-9_.-]+"), f"nmv_usr_{REDACTED}"),
    (re.compile(r"clm_[A-Za-z0-9_.-]+"), f"clm_{REDACTED}"),
    (re.compile(r"(?i)\b(bearer)\s+[^\s'\",;]+"), rf"\1 {REDACTED}"),
)

# httpx's request lines carry the bot token in the URL; aiosqlite's DEBUG lines carry every
# SQL parameter, the stored NemoVideo token and people's messages included. WARNING keeps
# the failures.
_CHATTY_LOGGERS = ("httpx", "httpcore", "aiosqlite")


class RedactingFilter(logging.Filter):
    """Replaces secrets in a record's message, arguments, traceback and stack.

    The record is formatted first and only the resulting text is redacted, so a secret
    hidden in any argument's `str()` is caught and the caller's objects stay untouched.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._known: re.Pattern[str] | None = None
        for secret in secrets:
            self.add_secret(secret)

    def add_secret(self, value: str) -> None:
        """Redact `value` from now on; an empty value is ignored."""
        if not value or value in self._secrets:
            return
        self._secrets.add(value)
        # Longest first, so a secret that contains another is replaced whole.
        ordered = sorted(self._secrets, key=len, reverse=True)
        self._known = re.compile("|".join(map(re.escape, ordered)))

    def redact(self, text: str) -> str:
        """Return `text` with every registered secret and secret-shaped value replaced."""
        known = self._known
        if known is not None:
            text = known.sub(REDACTED, text)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place and let it through."""
        try:
            message = record.getMessage()
        except Exception:
            # A mismatched format would otherwise be reported with its raw arguments.
            message = f"{record.msg} {record.args!r}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info:
            if not record.exc_text:
                record.exc_text = _PLAIN.formatException(record.exc_info)
            # Handlers print exc_text; without exc_info none can re-render the raw traceback.
            record.exc_info = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_PLAIN = logging.Formatter()
_FILTER = RedactingFilter()

_chat_id: ContextVar[int | None] = ContextVar("log_chat_id", default=None)
_update_id: ContextVar[int | None] = ContextVar("log_update_id", default=None)


@contextlib.contextmanager
def update_context(update_id: int | None, chat_id: int | None) -> Iterator[None]:
    """Tag every record logged inside (and in tasks started inside) with these ids."""
    update_token = _update_id.set(update_id)
    chat_token = _chat_id.set(chat_id)
    try:
        yield
    finally:
        _chat_id.reset(chat_token)
        _update_id.reset(update_token)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, event, message, chat and update ids.

    ``event`` is the ``extra={"event": ...}`` a call gave, else the logger's name, so a
    query can select a kind of line without matching its words. The message and the
    traceback arrive redacted by the filter; ``event`` is redacted here, as it comes
    from the caller and skips the filter.
    """

    def format(self, record: logging.LogRecord) -> str:
        """Render ``record`` as one line of JSON."""
        entry: dict[str, object] = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "event": _FILTER.redact(str(getattr(record, "event", record.name))),
            "message": record.getMessage(),
        }
        if (chat_id := _chat_id.get()) is not None:
            entry["chat_id"] = chat_id
        if (update_id := _update_id.get()) is not None:
            entry["update_id"] = update_id
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


def register_secret(value: str) -> None:
    """Redact `value` from every log line from now on (for secrets learned at run time)."""
    _FILTER.add_secret(value)


def configure_logging(level: str, secrets: Iterable[str] = (), log_format: str = "text") -> None:
    """Send every log record through the redactor to stderr (or the root's own handlers).

    ``log_format`` is ``text`` (a line for people) or ``json`` (a line for queries).
    Safe to call again: the handlers get one filter each, and new secrets are added.
    """
    for secret in secrets:
        _FILTER.add_secret(secret)
    root = logging.getLogger()
    root.setLevel(level.upper())
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    formatter = JsonFormatter() if log_format == "json" else logging.Formatter(_FORMAT)
    for handler in root.handlers:
        handler.setFormatter(formatter)
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
    for name in _CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
