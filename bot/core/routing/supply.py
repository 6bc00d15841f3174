"""The router a running bot routes with: never trained on its event loop, waited for.

Training is seconds of pure-Python CPU, tens of seconds on a loaded machine. On the
event loop it would stop every chat, and the lease renewals with them, long enough for
another replica to take this one's work; in a thread it would slow the loop for as
long. So the bot loads the router a previous start cached (``bot.core.routing.cache``)
or trains it in a process of its own (``python -m bot.core.routing.train``), and a
message arriving before it is ready waits for it without holding the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import pickle
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.core import router
from bot.core.router import Router, Routing
from bot.core.routing import cache, pinyin

log = logging.getLogger(__name__)

Train = Callable[[Path], Awaitable[Router]]


async def train_in_a_process(cache_dir: Path) -> Router:
    """Train the shipped router in a child process, which caches it in ``cache_dir``.

    Raises RuntimeError when the child fails.
    """
    trainer = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.core.routing.train",
        str(cache_dir),
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        pickled, _ = await trainer.communicate()
    finally:
        if trainer.returncode is None:  # cancelled by a shutdown: no orphan left training
            trainer.kill()
            await trainer.wait()
    if trainer.returncode != 0:
        raise RuntimeError(f"router training exited with {trainer.returncode}")
    # Our own child's output, read from a pipe only we hold.
    return await asyncio.to_thread(pickle.loads, pickled)


class RouterSupply:
    """The shipped router for one event loop; ``route`` waits until it is there."""

    def __init__(
        self, *, cache_dir: Path = cache.CACHE_DIR, train: Train = train_in_a_process
    ) -> None:
        self._cache_dir = cache_dir
        self._train = train
        self._ready: asyncio.Task[Router] | None = None

    def start(self) -> None:
        """Start getting the router, if not started: a start-up step, ahead of messages."""
        if self._ready is None:
            self._ready = asyncio.create_task(self._supply())

    def ready(self) -> bool:
        """True once ``route`` answers at once, without waiting for the router."""
        return self._ready is not None and self._ready.done() and not self._ready.cancelled()

    async def route(self, text: str) -> Routing:
        """Route ``text`` once the router is there; see ``bot.core.router``."""
        self.start()
        assert self._ready is not None
        # Shielded: a cancelled message must not cancel the router every chat waits for.
        trained = await asyncio.shield(self._ready)
        return trained.route(text)

    async def close(self) -> None:
        """Stop getting the router: a training child is killed, not left running."""
        if self._ready is not None and not self._ready.done():
            self._ready.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ready

    async def _supply(self) -> Router:
        # Bots sharing a process (the tests') share the router trained first.
        supplied = router.trained_here()
        if supplied is None:
            supplied = await asyncio.to_thread(cache.load, self._cache_dir)
        if supplied is None:
            try:
                supplied = await self._train(self._cache_dir)
            except (OSError, RuntimeError) as error:
                # Slower for the loop (the thread shares the interpreter), never stopped.
                log.warning("router training failed (%s); training it in a thread", error)
                supplied = await asyncio.to_thread(router.trained)
        # The table of Chinese sounds is routing's too, and this process's own: loaded
        # (a quarter of a second) off the loop, not by the first Chinese message.
        await asyncio.to_thread(pinyin.load)
        router.install(supplied)
        return router.trained_here() or supplied
