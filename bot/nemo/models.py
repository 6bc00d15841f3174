"""Values exchanged with NemoVideo, as frozen dataclasses the rest of the bot can keep."""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class StoredCredentials:
    """What must survive a restart so the bot never asks for a token per message."""

    client_id: str
    token: str | None = field(repr=False)  # kept out of logs and tracebacks
    user_id: str | None
    expires_at: datetime | None


@dataclass(frozen=True)
class Session:
    """One NemoVideo editing project: the chat's timeline lives behind session_id."""

    session_id: str
    task_id: str


@dataclass(frozen=True)
class Credits:
    """The token's credit balance."""

    available: float
    frozen: float
    total: float


@dataclass(frozen=True)
class UploadedFile:
    """A file the service took in, as it describes it back."""

    filename: str
    file_type: str
    cdn_url: str
    width: int | None
    height: int | None
    duration: float | None


@dataclass(frozen=True)
class UploadResult:
    """The files of one upload call, and whether the session's timeline already has them."""

    files: tuple[UploadedFile, ...]
    session_state_applied: bool


@dataclass(frozen=True)
class UploadSource:
    """A file to upload, read lazily.

    `open` returns a fresh async byte iterator on every call, so an upload can be sent
    again (after a token refresh) without holding the file in memory. `size`, when
    known for every source, lets the upload carry a Content-Length.
    """

    filename: str
    content_type: str
    open: Callable[[], AsyncIterator[bytes]]
    size: int | None


@dataclass(frozen=True)
class SessionState:
    """The latest state of a session: its compact draft and the whole answer."""

    session_id: str
    task_id: str
    draft: dict[str, Any]
    raw: dict[str, Any]

    @property
    def has_segments(self) -> bool:
        """Whether some track has segments, which is what makes a draft exportable."""
        tracks = self.draft.get("t")
        if not isinstance(tracks, list):
            return False
        return any(isinstance(track, dict) and track.get("sg") for track in tracks)


class RenderPhase(StrEnum):
    """Where a render is; only COMPLETED and FAILED are final."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass(frozen=True)
class RenderStatus:
    """One answer of the render poll, whichever of the two documented shapes it came in."""

    render_id: str
    phase: RenderPhase
    progress: float | None
    output_url: str | None
    duration: float | None
    size: int | None
    error: str | None


@dataclass(frozen=True)
class AgentText:
    """Text the agent wants the person to read."""

    text: str


@dataclass(frozen=True)
class ToolCall:
    """The agent called one of its tools (never shown to people)."""

    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class ToolResult:
    """A tool answered the agent (never shown to people)."""

    name: str
    response: Any


@dataclass(frozen=True)
class Heartbeat:
    """The turn is still alive but has nothing to say; callers use it to show progress."""


@dataclass(frozen=True)
class AgentError:
    """The stream reported an error; it ends the turn."""

    message: str
    code: int | str | None


AgentEvent = AgentText | ToolCall | ToolResult | Heartbeat | AgentError
