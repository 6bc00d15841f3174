"""Webhook with several replicas: every replica takes updates, one handles each chat.

A load balancer hands a chat's updates to any replica, but they must be handled once
and in order, an album together, and a chat's turn, export and render one after the
other. So a chat's work belongs to the replica holding its lease ("chat:<id>"):

- every update is saved to the shared inbox first (its update_id makes a second copy a
  no-op), then queued here only if this replica holds, or gets, the chat's lease;
  otherwise it stays in the inbox, and the holder picks it up within ``HANDOFF_SECONDS``
  (``take_waiting``), in update_id order, behind what it already has of that chat;
- the lease is renewed while the chat has anything here (an update, a turn, a render,
  an album: ``RequestRunner.active``) and given back once it has nothing, unless updates
  of the chat still wait in the inbox;
- every third of a lease period each replica looks for chats with work left (inbox rows,
  a turn in flight, an undelivered render) and nobody's live lease: a replica that died
  or stopped. It takes the lease and does what a restart does, for that chat only: the
  cut turn is told, the render is resumed, the updates are handled in order.

Why leases per chat and not per update: order and albums span updates, and a turn or a
render keeps its chat for minutes after its update left the inbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar

from telegram import Bot, Update

from bot.core.leases import LeaseKeeper
from bot.core.requests import RequestRunner
from bot.telegram.inbox import Inbox
from storage import Database, StorageError, Taken

log = logging.getLogger(__name__)

# Well under the album's quiet period (bot.telegram.albums): an album item received by
# another replica still joins its album here.
HANDOFF_SECONDS = 0.2

# Set while queueing handed-over updates, whose admission must not pick up again.
_handing_over: ContextVar[bool] = ContextVar("handing_over", default=False)

Put = Callable[[object], Awaitable[None]]
Resume = Callable[[int], Awaitable[None]]


def chat_lease(chat_id: int) -> str:
    """The lease name of a chat's work."""
    return f"chat:{chat_id}"


class ChatOwnership:
    """Which chats this replica handles; ``run`` hands over, gives back and adopts."""

    def __init__(
        self,
        *,
        keeper: LeaseKeeper,
        db: Database,
        inbox: Inbox,
        runner: RequestRunner,
        bot: Bot,
        put: Put,
        resume: Resume,
    ) -> None:
        self._keeper = keeper
        self._db = db
        self._inbox = inbox
        self._runner = runner
        self._bot = bot
        self._put = put
        self._resume = resume
        # Taking and giving back a chat's lease never interleave with each other here.
        self._changing = asyncio.Lock()
        # One pick-up at a time, so the updates it queues keep their order.
        self._handoff = asyncio.Lock()
        self._adopting: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def admit(self, update: Update) -> bool:
        """True to handle ``update`` here; False when another replica holds its chat.

        Raises StorageError when the lease cannot be asked for.
        """
        chat = update.effective_chat
        if chat is None:
            return True
        if not self._keeper.holds(chat_lease(chat.id)):
            return await self._take(chat.id)
        if not _handing_over.get():
            # What another replica left for this chat came before this update.
            await self.take_waiting()
        return True

    async def run(self) -> None:
        """Until cancelled: pick up handed-over updates; give back, adopt, every period."""
        loop = asyncio.get_running_loop()
        next_sweep = loop.time()
        while True:
            try:
                await self.take_waiting()
                if loop.time() >= next_sweep:
                    next_sweep = loop.time() + self._keeper.seconds / 3
                    await self._give_back_idle()
                    await self._adopt_orphans()
            except StorageError as error:
                log.warning("chat leases: %s", error)
            await asyncio.sleep(HANDOFF_SECONDS)

    async def take_waiting(self) -> None:
        """Queue the updates other replicas left for the chats held here, oldest first."""
        async with self._handoff:
            waiting = await self._db.inbox.held_by(self._keeper.holder)
            token = _handing_over.set(True)
            try:
                for update in await self._inbox.restore(self._bot, waiting):
                    await self._put(update)
            finally:
                _handing_over.reset(token)

    async def _take(self, chat_id: int) -> bool:
        name = chat_lease(chat_id)
        async with self._changing:
            if self._keeper.holds(name):
                return True
            taken = await self._keeper.take(name)
        if taken is Taken.EXPIRED:
            await self._adopt(chat_id)
        return taken is not None

    async def _give_back_idle(self) -> None:
        busy = self._inbox.chats_in_hand() | self._adopting
        for name in self._keeper.held("chat:"):
            chat_id = int(name.removeprefix("chat:"))
            if chat_id in busy or self._runner.active(chat_id):
                continue
            async with self._changing:
                # Forgotten first: an update of the chat arriving meanwhile waits for the
                # lock, then asks storage again, instead of being queued on a lease given up.
                self._keeper.forget(name)
                given = await self._db.leases.release_chat(chat_id, name, self._keeper.holder)
                if not given:
                    await self._keeper.take(name)

    async def _adopt_orphans(self) -> None:
        with_work = await self._db.inbox.chats()
        with_work |= {turn.chat_id for turn in await self._db.turns.in_flight()}
        with_work |= {render.chat_id for render in await self._db.renders.undelivered()}
        names = {chat_lease(c) for c in with_work if not self._keeper.holds(chat_lease(c))}
        live = await self._db.leases.live(names)
        for name in sorted(names - live):
            chat_id = int(name.removeprefix("chat:"))
            async with self._changing:
                taken = await self._keeper.take(name)
            if taken is not None:
                await self._adopt(chat_id)

    async def _adopt(self, chat_id: int) -> None:
        """Do for one chat what a restart does: its kept updates, its cut turn, its render."""
        log.info("chat %s: taking over its work from a replica that stopped", chat_id)
        self._adopting.add(chat_id)
        try:
            await self.take_waiting()
        except BaseException:
            self._adopting.discard(chat_id)
            raise
        task = asyncio.create_task(self._resumed(chat_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _resumed(self, chat_id: int) -> None:
        try:
            await self._resume(chat_id)
        except Exception:
            log.exception("chat %s: its work could not be resumed", chat_id)
        finally:
            self._adopting.discard(chat_id)

    async def close(self) -> None:
        """Cancel the resumptions still running; their records say what is left to do."""
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
