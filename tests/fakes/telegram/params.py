"""Bot API request parameters, decoded the way Telegram reads them.

PTB sends every value as a form string (nested objects as JSON text, booleans as
``true``/``false``) and file parts as multipart; other clients send JSON. Both end up as the
same typed dict here, so the methods never care which encoding came in.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.fakes.telegram.state import ApiError

__all__ = ["Params", "Upload", "decode_params"]

_JSON = frozenset(
    {
        "allowed_updates",
        "caption_entities",
        "commands",
        "entities",
        "link_preview_options",
        "media",
        "reaction",
        "reply_markup",
        "reply_parameters",
        "results",
        "scope",
    }
)
_INT = frozenset(
    {
        "cache_time",
        "draft_id",
        "duration",
        "height",
        "limit",
        "max_connections",
        "message_id",
        "message_thread_id",
        "offset",
        "reply_to_message_id",
        "user_id",
        "width",
    }
)
_FLOAT = frozenset({"timeout"})
_BOOL = frozenset(
    {
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "disable_notification",
        "disable_web_page_preview",
        "drop_pending_updates",
        "has_spoiler",
        "is_big",
        "is_personal",
        "protect_content",
        "show_alert",
        "supports_streaming",
    }
)
_CHAT_IDS = frozenset({"chat_id", "from_chat_id"})


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request, already saved under the fake's directory."""

    field: str
    filename: str | None
    content_type: str | None
    size: int
    path: Path

    def summary(self) -> dict[str, Any]:
        return {"filename": self.filename, "content_type": self.content_type, "size": self.size}


class Params:
    """The decoded parameters of one request, with the uploads they may point to."""

    def __init__(self, values: dict[str, Any], uploads: dict[str, Upload]) -> None:
        self.values = values
        self.uploads = uploads

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def require(self, name: str) -> Any:
        """The value, or the 400 Telegram gives for a missing parameter (a breach)."""
        value = self.values.get(name)
        if value is None or value == "":
            raise ApiError(
                400,
                f"Bad Request: parameter {name!r} is required",
                violation=f"missing required parameter {name!r}",
            )
        return value


def decode_params(raw: dict[str, Any]) -> dict[str, Any]:
    """Typed values from form strings or JSON; a malformed one is a 400 and a breach."""
    return {name: _decode(name, value) for name, value in raw.items()}


def _decode(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        if name in _JSON:
            return json.loads(value)
        if name in _INT:
            return int(value)
        if name in _FLOAT:
            return float(value)
        if name in _CHAT_IDS:
            return value if value.startswith("@") else int(value)
    except ValueError as exc:
        raise ApiError(
            400,
            f"Bad Request: can't parse {name}",
            violation=f"parameter {name}={value[:80]!r} is not valid: {exc}",
        ) from exc
    if name in _BOOL:
        if value.lower() not in ("true", "false", "1", "0"):
            raise ApiError(
                400,
                f"Bad Request: can't parse {name}",
                violation=f"parameter {name}={value!r} is not a boolean",
            )
        return value.lower() in ("true", "1")
    return value
