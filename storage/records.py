"""What the repositories return: frozen snapshots of rows, never the rows themselves."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType


@dataclass(frozen=True)
class CredentialRecord:
    """The bot's NemoVideo identity: the client id it asks with, and the token it got."""

    client_id: str
    token: str | None
    user_id: str | None
    expires_at: datetime | None

    def __repr__(self) -> str:
        # The token opens the account; a repr ends up in logs and tracebacks.
        token = None if self.token is None else "***"
        return (
            f"CredentialRecord(client_id={self.client_id!r}, token={token!r}, "
            f"user_id={self.user_id!r}, expires_at={self.expires_at!r})"
        )


@dataclass(frozen=True)
class ChatRecord:
    """Which NemoVideo project a chat is editing, in which language, with its settings."""

    chat_id: int
    session_id: str | None
    task_id: str | None
    locale: str | None
    item_count: int
    settings: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        # A copy behind a read-only view, so a frozen record stays frozen all the way down.
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))


@dataclass(frozen=True)
class RenderRecord:
    """A render job from submission to delivery; `status` "failed" is final."""

    render_id: str
    chat_id: int
    session_id: str
    status: str
    progress: float | None
    output_url: str | None
    error: str | None
    created_at: datetime
    updated_at: datetime
    delivered_at: datetime | None
    attempts: int  # how many times the bot set out to deliver it, the first included
    video_file_id: str | None = None
    source: str = "cloud"  # who makes the video: "cloud" or "local" (this machine)
    instruction: str | None = None  # a local render's words, read again on a resume


@dataclass(frozen=True)
class TurnRecord:
    """An agent turn that was in flight: what the chat asked, and when."""

    chat_id: int
    session_id: str
    text: str
    started_at: datetime


@dataclass(frozen=True)
class CollectionRecord:
    """A group's open collection: who opened it, when, and when it last saw activity."""

    chat_id: int
    opened_by: str
    opened_at: datetime
    last_activity_at: datetime


@dataclass(frozen=True)
class InboxRecord:
    """An update received and not yet handled, as Telegram sent it (JSON)."""

    update_id: int
    payload: str
    received_at: datetime
