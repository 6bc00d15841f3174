"""What the NemoVideo fake keeps of what it saw, for tests to assert on."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class UploadedPart:
    """One multipart part as it streamed past: counted and hashed, not kept."""

    field: str
    filename: str
    content_type: str
    size: int
    sha256: str


@dataclass
class RecordedRequest:
    """A request as the fake saw it (headers with lower-case names)."""

    method: str
    path: str
    host: str
    headers: dict[str, str]
    time: float  # time.monotonic() on arrival
    json: Any = None
    files: list[UploadedPart] = field(default_factory=list)


@dataclass
class FakeSession:
    """A session's timeline and what was sent to it."""

    session_id: str
    task_id: str
    user_id: str
    language: str
    draft: dict[str, Any] = field(default_factory=lambda: {"t": [], "d": 0})
    uploads: list[dict[str, Any]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


@dataclass
class FakeRender:
    """A render job; `failure` set means it ends failed with that reason."""

    render_id: str
    session_id: str
    submitted_at: float
    seconds: float
    failure: str | None
    with_url: bool
    finished: bool = False
