"""Logging for the whole process, with every secret redacted before a line is written.

The redacting filter sits on the root logger's handlers, not on a logger: a logger's
filters only see records logged to that very logger, while every record that propagates
(python-telegram-bot's, httpx's, ours) reaches the root handlers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

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


def register_secret(value: str) -> None:
    """Redact `value` from every log line from now on (for secrets learned at run time)."""
    _FILTER.add_secret(value)


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Send every log record through the redactor to stderr (or the root's own handlers).

    Safe to call again: the handlers get one filter each, and new secrets are added.
    """
    for secret in secrets:
        _FILTER.add_secret(secret)
    root = logging.getLogger()
    root.setLevel(level.upper())
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    formatter = logging.Formatter(_FORMAT)
    for handler in root.handlers:
        handler.setFormatter(formatter)
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
    for name in _CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
