"""Every update is kept from its arrival until it is handled, across crashes and restarts.

Telegram forgets an update once the next getUpdates confirms its offset, and PTB asks
for the next batch as soon as the last one is queued: an update waiting behind a long
agent turn of its chat is already gone from Telegram. So each update is written to the
database before Telegram is told it arrived, and removed once handled; at start-up
whatever is left is handled first. Work that must not run twice hands itself over to
its own record (`bot.core.handover`) and leaves the inbox then.

Writing one row per update on the way into the queue stalled the queue for seconds
under load (bench/load.py). So in polling mode the rows of a batch are written
together just before the next getUpdates (``InboxRequest``), and an update handled
before then never touches the disk; a webhook is answered only once its row is written.

On shutdown, whatever still runs after the grace period is cancelled: its update stays
in the inbox (or its turn or render record says what to do) for the next start.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from telegram import Bot, Update
from telegram.ext import BaseUpdateProcessor
from telegram.request import HTTPXRequest

from bot import metrics
from bot.core.handover import releasing
from bot.logging_setup import update_context
from storage import InboxRepository

log = logging.getLogger(__name__)


@dataclass
class _Ticket:
    """The updates one task is handling, and what becomes of them when it ends."""

    # Not copied: an album's list grows while its task already handles it.
    update_ids: Sequence[int]
    kept: bool = False
    released: bool = False


Admit = Callable[[Update], Awaitable[bool]]

_current: ContextVar[_Ticket | None] = ContextVar("inbox_ticket", default=None)


class Inbox:
    """The updates in hand: stored until handled, and the tasks handling them."""

    def __init__(self) -> None:
        self._store: InboxRepository | None = None
        self._in_hand: set[int] = set()
        # The chat of each update in hand, for the replica that holds the chat's lease.
        self._chat_of: dict[int, int] = {}
        # The album items in hand, by chat and media group: an album is not closed while
        # one is still on its way to it (bot.telegram.albums).
        self._album_items: dict[tuple[int, str], set[int]] = {}
        self._album_of: dict[int, tuple[int, str]] = {}
        # Serialized only when saved: most updates are handled before, and never are.
        self._unsaved: dict[int, Update] = {}
        self._saving = asyncio.Lock()
        self._writing: frozenset[int] = frozenset()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False

    def attach(self, store: InboxRepository) -> None:
        """Start storing updates; until then (before start-up finishes) none arrive."""
        self._store = store
        metrics.set_inbox_depth(lambda: len(self._in_hand))

    @property
    def closed(self) -> bool:
        """True once shutdown cut the running work: nothing new is started."""
        return self._closed

    def receive(self, update: Update) -> bool:
        """Take an update in hand, to be saved; False for one in hand already.

        Telegram sends an update again when its offset was not confirmed before a
        crash; the copy restored from the database is already queued then.
        """
        if update.update_id in self._in_hand:
            return False
        self._in_hand.add(update.update_id)
        self._unsaved[update.update_id] = update
        if update.effective_chat is not None:
            self._chat_of[update.update_id] = update.effective_chat.id
        if (album := _album_of(update)) is not None:
            self._album_of[update.update_id] = album
            self._album_items.setdefault(album, set()).add(update.update_id)
        return True

    def in_hand(self, update_id: int) -> bool:
        """True while the update is queued or being handled here."""
        return update_id in self._in_hand

    def chats_in_hand(self) -> set[int]:
        """The chats with an update queued or being handled here."""
        return set(self._chat_of.values())

    def album_items_in_hand(self, chat_id: int, media_group_id: str) -> set[int]:
        """The updates of one album queued or being handled here, whether in it yet or not."""
        return set(self._album_items.get((chat_id, media_group_id), ()))

    def pass_on(self, update_id: int) -> None:
        """Let go of a saved update without handling it: another replica handles its chat."""
        self._let_go([update_id])

    def _let_go(self, update_ids: Sequence[int]) -> None:
        self._in_hand.difference_update(update_ids)
        for update_id in update_ids:
            self._chat_of.pop(update_id, None)
            if (album := self._album_of.pop(update_id, None)) is not None:
                items = self._album_items[album]
                items.discard(update_id)
                if not items:
                    del self._album_items[album]

    async def save(self) -> None:
        """Write every update received and not yet handled; return once they are on disk."""
        async with self._saving:
            if not self._unsaved or self._store is None:
                return
            batch, self._unsaved = self._unsaved, {}
            rows = {update_id: json.dumps(update.to_dict()) for update_id, update in batch.items()}
            chats = {i: self._chat_of[i] for i in batch if i in self._chat_of}
            self._writing = frozenset(batch)
            try:
                await self._store.add(rows, chats)
            except BaseException:
                # Not known to be written (shutdown cancels the getUpdates that saves):
                # kept for the next save, except what was handled meanwhile.
                kept = {i: update for i, update in batch.items() if i in self._in_hand}
                self._unsaved = kept | self._unsaved
                raise
            finally:
                self._writing = frozenset()

    async def restore(self, bot: Bot, update_ids: Sequence[int] | None = None) -> list[Update]:
        """The updates a previous run received and did not finish, oldest first.

        With ``update_ids``, only those not in hand already: another replica received
        them for a chat this one holds. They are still stored: queueing them puts them in
        hand again.
        """
        if self._store is None:
            return []
        wanted = None if update_ids is None else [i for i in update_ids if i not in self._in_hand]
        if wanted == []:
            return []
        records = await self._store.pending(wanted)
        updates = [Update.de_json(json.loads(record.payload), bot) for record in records]
        if updates and update_ids is None:
            log.info("%d update(s) from before the restart will be handled first", len(updates))
        return updates

    @asynccontextmanager
    async def handling(self, update_ids: Sequence[int]) -> AsyncIterator[None]:
        """Run the body as the handling of ``update_ids``; done, they leave the inbox.

        The ids are read when they are released, so a list may still grow meanwhile.

        Cancelled (by shutdown), they stay for the next start unless their work was
        handed over to a record meanwhile.
        """
        ticket = _Ticket(update_ids)
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        token = _current.set(ticket)
        try:
            with releasing(lambda: self._release(ticket)):
                yield
        except Exception:
            # A failure is not retried at the next start: it would fail there again.
            await self._release(ticket)
            raise
        finally:
            _current.reset(token)
            self._tasks.discard(task)
        if not ticket.kept:
            await self._release(ticket)

    def keep_current(self) -> None:
        """The current update's handling goes on elsewhere (an album's own task)."""
        ticket = _current.get()
        if ticket is not None:
            ticket.kept = True

    def cut(self) -> None:
        """Cancel the work still running and start nothing new: the bot is stopping."""
        self._closed = True
        if self._tasks:
            log.info("shutdown: %d running task(s) cut, to resume after restart", len(self._tasks))
        for task in self._tasks:
            task.cancel()

    async def _release(self, ticket: _Ticket) -> None:
        if ticket.released:
            return
        ticket.released = True
        self._let_go(ticket.update_ids)
        # Rows not written yet are simply not written. A batch being written is waited
        # for: on PostgreSQL the delete takes another connection of the pool and could
        # run before the insert commits, leaving a row to be handled again after a crash.
        saved = [i for i in ticket.update_ids if self._unsaved.pop(i, None) is None]
        if not self._writing.isdisjoint(saved):
            async with self._saving:
                pass
        if saved and self._store is not None:
            await self._store.remove(saved)


class InboxQueue(asyncio.Queue[object]):
    """The Application's update queue; each Update is taken in hand as it is queued.

    With ``save_each`` (webhook mode) ``put`` returns only once the update is on disk,
    as the webhook's answer tells Telegram the update arrived. Then, with several
    replicas behind a load balancer, an update is queued only if ``admit`` says this
    replica holds its chat; otherwise it stays stored for the one that does
    (``bot.telegram.ownership``).
    """

    def __init__(self, inbox: Inbox, *, save_each: bool) -> None:
        super().__init__()
        self._inbox = inbox
        self._save_each = save_each
        self._admit: Admit | None = None

    def admit_with(self, admit: Admit) -> None:
        """Queue only the updates ``admit`` accepts, once saved (webhook mode)."""
        self._admit = admit

    async def put(self, item: object) -> None:
        """Queue ``item``; an Update already in hand is dropped as a duplicate."""
        if not isinstance(item, Update):
            await super().put(item)
            return
        if not self._inbox.receive(item):
            return
        if not self._save_each:
            await super().put(item)
            return
        await self._inbox.save()
        try:
            admitted = self._admit is None or await self._admit(item)
        except BaseException:
            # Stored, not queued: Telegram's retry, or the replicas' sweep, finds it.
            self._inbox.pass_on(item.update_id)
            raise
        if admitted:
            await super().put(item)
        else:
            self._inbox.pass_on(item.update_id)


class InboxRequest(HTTPXRequest):
    """The getUpdates connection: what was received is saved before asking for more.

    Asking for more confirms the last batch to Telegram, which then forgets it.
    """

    def __init__(self, inbox: Inbox) -> None:
        # One connection, as PTB's own default for getUpdates.
        super().__init__(connection_pool_size=1)
        self._inbox = inbox

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        """Save the updates in hand, then send the request as HTTPXRequest does."""
        await self._inbox.save()
        status, payload = await super().do_request(*args, **kwargs)
        if status == HTTPStatus.OK:
            metrics.updates_received()
        return status, payload


class InboxProcessor(BaseUpdateProcessor):
    """Handles updates concurrently, each inside the inbox's ``handling``."""

    def __init__(self, inbox: Inbox, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._inbox = inbox

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Handle ``update``; after shutdown cut the work, leave it for the next start."""
        if not isinstance(update, Update):
            await coroutine
            return
        if self._inbox.closed:
            _discard(coroutine)
            return
        chat = update.effective_chat
        with update_context(update.update_id, chat.id if chat else None):
            async with self._inbox.handling([update.update_id]):
                await coroutine
        metrics.update_handled()

    async def initialize(self) -> None:
        """Nothing to set up: the inbox's store is attached at start-up."""

    async def shutdown(self) -> None:
        """Nothing to free: the database is closed with the other services."""


def _album_of(update: Update) -> tuple[int, str] | None:
    message = update.effective_message
    if message is None or not message.media_group_id:
        return None
    return (message.chat_id, message.media_group_id)


def _discard(coroutine: Awaitable[Any]) -> None:
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()
