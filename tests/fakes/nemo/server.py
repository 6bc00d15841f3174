"""`NemoFake`: the fake's state, served on a loopback port, and the calls tests make on it."""

import secrets
from typing import Self

from tests.fakes.nemo import routes
from tests.fakes.nemo.faults import Fault
from tests.fakes.nemo.records import RecordedRequest
from tests.fakes.nemo.state import NemoState
from tests.fakes.nemo.steps import Step
from tests.fakes.server_thread import ServerThread


class NemoFake(NemoState):
    """The fake NemoVideo service; a context manager that starts and stops the server.

    It is its own state, so that tests read the records and turn the knobs
    (``nemo.render_seconds = 0.2``) on the object they hold.
    """

    def __init__(
        self,
        *,
        max_upload_bytes: int = 200 * 1024 * 1024,
        initial_credits: float = 100,
        turn_cost: float = 10,
        render_seconds: float = 1.5,
    ) -> None:
        super().__init__(
            max_upload_bytes=max_upload_bytes,
            initial_credits=initial_credits,
            turn_cost=turn_cost,
            render_seconds=render_seconds,
        )
        self._server = ServerThread(routes.app(self), name="nemo-fake")
        self.port = self._server.port

    # lifecycle

    def __enter__(self) -> Self:
        self._server.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.stop()

    # what tests call

    def script_turn(self, *steps: Step) -> None:
        """Queue the turn the next /run_sse plays; no steps is a silent turn."""
        with self.lock:
            self.turns.append(steps)

    def fail_next(
        self,
        method: str,
        path_prefix: str,
        *,
        status: int | None = None,
        code: int | None = None,
        message: str = "",
        retry_after: float | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` matching requests with an error instead.

        The status defaults to 200 when a `code` is given (an error envelope), else 500.
        """
        status = status if status is not None else (200 if code is not None else 500)
        fault = Fault(method, path_prefix, 0.0, status, code, message, retry_after, times)
        with self.lock:
            self.faults.append(fault)

    def delay_next(self, method: str, path_prefix: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next `times` matching requests normally, but `seconds` late."""
        with self.lock:
            self.faults.append(Fault(method, path_prefix, seconds, None, None, "", None, times))

    def fail_next_render(self, reason: str = "encoder crashed") -> None:
        """Make the next submitted render end with status failed."""
        with self.lock:
            self.failing_renders.append(reason)

    def expire_tokens(self) -> None:
        """Make every token issued so far answer code 1001 (a new one is issued on request)."""
        with self.lock:
            self.expired_tokens.update(self.tokens)
            self.client_tokens.clear()

    def add_token(self, token: str | None = None, *, user_id: str = "user_registered") -> str:
        """Register a token as an operator's NEMO_TOKEN would be; returns it."""
        token = token or f"nmv_usr_{secrets.token_hex(12)}"
        with self.lock:
            self.tokens[token] = user_id
            self.credits.setdefault(user_id, self.initial_credits)
        return token

    def forget_session(self, session_id: str) -> None:
        """Make a session unknown, as if it had expired on the service."""
        self.forgotten_sessions.add(session_id)

    def requests_to(self, method: str, path_prefix: str) -> list[RecordedRequest]:
        """The recorded requests with this method whose path starts with `path_prefix`."""
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    def count(self, method: str, path_prefix: str) -> int:
        """How many requests matched `requests_to`."""
        return len(self.requests_to(method, path_prefix))
