"""Everything the NemoVideo fake knows, shared by its routes and the calls tests make.

The server thread changes it while a test reads it; ``lock`` guards what both sides
change (scripts, faults, tokens), the rest is appended to or set by one side only.
"""

import threading
from typing import Any, Literal

from tests.fakes.nemo.faults import Fault
from tests.fakes.nemo.records import FakeRender, FakeSession, RecordedRequest
from tests.fakes.nemo.steps import Step


class NemoState:
    """The service's accounts, sessions and renders, the test's knobs and the records."""

    def __init__(
        self,
        *,
        max_upload_bytes: int,
        initial_credits: float,
        turn_cost: float,
        render_seconds: float,
    ) -> None:
        self.max_upload_bytes = max_upload_bytes
        self.initial_credits = initial_credits
        self.turn_cost = turn_cost
        self.render_seconds = render_seconds
        self.render_shape: Literal["gateway", "flat"] = "gateway"
        self.render_without_url = False
        self.video_size_override: int | None = None
        self.video_without_length = False  # sent chunked, as a CDN may, with no size announced
        self.video_chunk_seconds = 0.0  # a pause before each MiB of video, for slow downloads
        self.video_bytes_sent = 0  # by every video download, so far
        self.cdn_host = "127.0.0.1"  # "localhost" makes the CDN a foreign host
        self.port = 0  # the server's, once it has one
        self.requests: list[RecordedRequest] = []
        self.violations: list[str] = []
        self.sessions: dict[str, FakeSession] = {}
        self.renders: dict[str, FakeRender] = {}
        self.mark_completed_at: dict[str, float] = {}
        self.credits: dict[str, float] = {}
        self.tokens_issued = 0
        self.lock = threading.Lock()
        self.tokens: dict[str, str] = {}  # token -> user id
        self.expired_tokens: set[str] = set()
        self.client_tokens: dict[str, str] = {}
        self.client_users: dict[str, str] = {}
        self.forgotten_sessions: set[str] = set()
        self.render_ids: set[str] = set()
        self.failing_renders: list[str] = []
        self.turns: list[tuple[Step, ...]] = []
        self.faults: list[Fault] = []

    @property
    def url(self) -> str:
        """The API root, e.g. http://127.0.0.1:41234."""
        return f"http://127.0.0.1:{self.port}"

    def violate(self, message: str) -> None:
        self.violations.append(message)

    def session(self, session_id: Any) -> FakeSession | None:
        """The session if the service still knows it (a forgotten one has expired)."""
        if session_id in self.forgotten_sessions:
            return None
        return self.sessions.get(session_id) if isinstance(session_id, str) else None
