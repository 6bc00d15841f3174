"""Albums: several updates sharing a media_group_id become one upload batch.

Telegram sends no item count and no end marker, so the batch closes after a short
quiet period (debounced on every item) or at a hard cap, whichever comes first. The
caption, usually on one item only, is taken from whichever item has it.

The album is handed over as soon as its first item arrives: the receiver takes the
chat's place in line at once, so a message sent right after the album waits for its
upload, and takes each item as it arrives (``arrivals``), so the uploads need not wait
for the quiet period; only what must know the whole album (the acknowledgement, the
caption) does.

An item received is not yet an item added: on its way it passes the guards, which may
wait for the database, far longer than the quiet period under a burst. So an album is
not closed while an item of its media group, received here, is still on its way to it
(``in_hand``, the inbox's count): the quiet period and the cap only ever close an album
on items nobody has received yet. Such an album is closed by the quiet period after its
last item arrives (each arrival restarts it); only an item that never gets there (a
guard refused it) leaves it to be looked at again a cap later: looking every fraction
of a second at each of a burst's thousand albums held the event loop itself.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from dataclasses import dataclass, field

from telegram import Message
from telegram.ext import Application, ContextTypes, JobQueue

log = logging.getLogger(__name__)

# Album items arrive milliseconds apart (often in one getUpdates batch); bots in the
# wild wait 0.6-2.5 s; every item restarts the wait, up to the cap. Uploads start on
# arrival, so the wait now delays only the acknowledgement and the caption, and only
# when the uploads finish sooner. It is not shorter because an item that comes after it
# becomes an album of its own: a second acknowledgement and, if it carries the caption,
# an instruction run apart from the photos it was written for. Items that straddle two
# getUpdates answers (or come by separate webhook calls) arrive a round trip apart, so
# the wait must stay well above a round trip to the Bot API.
QUIET_SECONDS = 0.6
MAX_WAIT_SECONDS = 5.0


@dataclass
class Album:
    """The items of one album collected so far, in the order they arrived."""

    chat_id: int
    media_group_id: str = ""
    messages: list[Message] = field(default_factory=list)
    update_ids: list[int] = field(default_factory=list)
    first_seen: float = field(default_factory=time.monotonic)
    complete: asyncio.Event = field(default_factory=asyncio.Event)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def caption(self) -> str | None:
        """The album's caption, from whichever item carries it."""
        return next((m.caption for m in self.messages if m.caption), None)

    def add(self, message: Message, update_id: int) -> None:
        """Take one more item; whoever waits in ``arrivals`` gets it at once."""
        self.messages.append(message)
        self.update_ids.append(update_id)
        self.changed.set()

    def close(self) -> None:
        """No more items will come: ``arrivals`` ends after the last one."""
        self.complete.set()
        self.changed.set()

    async def arrivals(self) -> AsyncIterator[Message]:
        """Each item once, as it arrives (the ones already in first); ends once complete."""
        handed = 0
        while True:
            self.changed.clear()
            while handed < len(self.messages):
                yield self.messages[handed]
                handed += 1
            if self.complete.is_set():
                return
            await self.changed.wait()


# Given the application rather than the services: the collector is built with them.
AlbumHandler = Callable[[Application, Album], Awaitable[None]]
# The update ids of an album's items received and not yet handled, by chat and media group.
InHand = Callable[[int, str], Collection[int]]


def _none_in_hand(chat_id: int, media_group_id: str) -> Collection[int]:
    return ()


async def _nothing_elsewhere() -> None:
    return None


class AlbumCollector:
    """Groups album items and hands each album to ``on_album`` once, on its first item."""

    def __init__(
        self, job_queue: JobQueue, on_album: AlbumHandler, in_hand: InHand = _none_in_hand
    ) -> None:
        self._job_queue = job_queue
        self._on_album = on_album
        self._in_hand = in_hand
        self._gather: Callable[[], Awaitable[None]] = _nothing_elsewhere
        self._albums: dict[str, Album] = {}

    def gather_first(self, gather: Callable[[], Awaitable[None]]) -> None:
        """Before closing an album, take in hand what ``gather`` finds of it elsewhere.

        Behind a webhook with several replicas, an item may have reached another replica,
        which leaves it in the shared inbox for this one; under load the regular pick-up
        can come after the quiet period, and the album would close without it.
        """
        self._gather = gather

    def add(self, message: Message, update_id: int) -> None:
        """Add an item; (re)start the album's quiet-period timer."""
        key = f"album:{message.chat_id}:{message.media_group_id}"
        album = self._albums.get(key)
        if album is None:
            album = self._albums[key] = Album(
                chat_id=message.chat_id, media_group_id=str(message.media_group_id)
            )
            application = self._job_queue.application
            application.create_task(self._on_album(application, album))
        album.add(message, update_id)
        for job in self._job_queue.get_jobs_by_name(key):
            job.schedule_removal()
        waited = time.monotonic() - album.first_seen
        delay = max(0.0, min(QUIET_SECONDS, MAX_WAIT_SECONDS - waited))
        self._job_queue.run_once(self._flush, delay, data=key, name=key, chat_id=message.chat_id)

    async def _flush(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        key = str(context.job.data if context.job else None)
        album = self._albums.get(key)
        if album is None:
            return
        try:
            await self._gather()
        except Exception:
            # Looking elsewhere is a courtesy to a late item; it must not keep the album
            # that is here from closing.
            log.exception("could not look for album %s's items elsewhere", key)
        on_its_way = set(self._in_hand(album.chat_id, album.media_group_id))
        if not on_its_way.issubset(album.update_ids):
            self._job_queue.run_once(
                self._flush, MAX_WAIT_SECONDS, data=key, name=key, chat_id=album.chat_id
            )
            return
        del self._albums[key]
        album.close()
