"""uvicorn in a daemon thread with its own event loop: how every fake is served.

A fake on its own loop serves sync tests, async tests (whose loop it must not share: the
test may block it), a ``python -m bot`` subprocess and the benchmarks alike. What differs
between fakes comes in as hooks: work to run beside the server on its loop, and whether
requests in flight get to finish when the fake closes.
"""

import asyncio
import contextlib
import logging
import socket
import threading
from collections.abc import Callable, Coroutine
from typing import Any

import uvicorn
from starlette.types import ASGIApp

__all__ = ["ServerThread", "quiet_uvicorn_errors"]

Job = Callable[[], Coroutine[Any, Any, None]]


def quiet_uvicorn_errors(*expected: type[BaseException]) -> None:
    """Hide uvicorn's tracebacks for errors a fake raises or causes on purpose."""
    logging.getLogger("uvicorn.error").addFilter(_Expected(expected))


class _Expected(logging.Filter):
    def __init__(self, expected: tuple[type[BaseException], ...]) -> None:
        super().__init__()
        self._expected = expected

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, BaseExceptionGroup):
            return error.subgroup(self._expected) is None
        return not isinstance(error, self._expected)


# A fake that closes without grace cancels the streams still open: that is no error.
quiet_uvicorn_errors(asyncio.CancelledError)


class _Server(uvicorn.Server):
    """uvicorn that says when it listens and stops as soon as told, not at its next tick."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.ready = threading.Event()
        self._stop: asyncio.Event | None = None

    async def main_loop(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self.ready.set()
        counter = 0
        # uvicorn's own loop, which keeps the Date header fresh, woken early by stop_soon.
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), 0.1)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """With no grace, close at once: whatever a test left open is moot."""
        if self.config.timeout_graceful_shutdown:
            await super().shutdown(sockets)
            return
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        for task in list(self.server_state.tasks):
            task.cancel()

    def stop_soon(self) -> None:
        """Ask the server to stop; safe from any thread."""
        self.should_exit = True
        if self.loop is not None and self._stop is not None:
            self.loop.call_soon_threadsafe(self._stop.set)


class ServerThread:
    """Serves ``app`` on a free loopback port from construction until ``stop``.

    ``alongside`` runs on the server's loop while it serves and is cancelled when it stops.
    ``grace`` is how long requests in flight may take to be answered once stopping starts;
    0 cuts them off at once.
    """

    def __init__(
        self, app: ASGIApp, *, name: str, alongside: Job | None = None, grace: float = 0.0
    ) -> None:
        # Listening now queues connections before uvicorn accepts them. IPPROTO_TCP spelled
        # out: asyncio sets TCP_NODELAY only on sockets that say so, and without it every
        # answer waits ~40 ms for the client's delayed ACK.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(128)
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(
            app,
            http="h11",
            ws="none",
            lifespan="off",
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=grace,
        )
        self._server = _Server(config)
        self._alongside = alongside
        self._name = name
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    @property
    def url(self) -> str:
        """The root URL, e.g. http://127.0.0.1:41234."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()
        if not self._server.ready.wait(timeout=10):
            raise RuntimeError(f"{self._name} did not start")

    def stop(self) -> None:
        self._server.stop_soon()
        self._thread.join(timeout=10)
        self._socket.close()

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        job = asyncio.create_task(self._alongside()) if self._alongside else None
        try:
            await self._server.serve(sockets=[self._socket])
        finally:
            if job is not None:
                job.cancel()  # it must not hold up the exit, e.g. with a POST in flight
                with contextlib.suppress(asyncio.CancelledError):
                    await job
