"""Album collection: the album is handed over on its first item and fed as items arrive."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

from telegram import Chat, Message
from telegram.ext import JobQueue

from bot.telegram.albums import Album, AlbumCollector
from tests.waiting import until

CHAT = Chat(id=42, type=Chat.PRIVATE)


def item(message_id: int, caption: str | None = None) -> Message:
    return Message(
        message_id=message_id,
        date=datetime.now(UTC),
        chat=CHAT,
        caption=caption,
        media_group_id="13800000000000001",
    )


class ManualJobQueue:
    """The few JobQueue calls the collector makes; the quiet period ends when the test says."""

    def __init__(self) -> None:
        self.tasks: list[asyncio.Task[None]] = []
        self.application = SimpleNamespace(create_task=self._start)
        self._timers: dict[str, SimpleNamespace] = {}

    def _start(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(coroutine)
        self.tasks.append(task)
        return task

    def get_jobs_by_name(self, name: str) -> list[SimpleNamespace]:
        return [self._timers[name]] if name in self._timers else []

    def run_once(
        self, callback: Callable[[object], Awaitable[None]], when: float, **job: object
    ) -> None:
        name = str(job["name"])
        self._timers[name] = SimpleNamespace(
            callback=callback, data=job["data"], schedule_removal=lambda: None
        )

    async def end_quiet_periods(self) -> None:
        timers, self._timers = list(self._timers.values()), {}
        for timer in timers:
            await timer.callback(SimpleNamespace(job=timer))


async def test_items_reach_the_receiver_as_they_arrive_and_the_album_ends_once_quiet():
    albums: list[Album] = []
    received: list[int] = []

    async def on_album(application: object, album: Album) -> None:
        albums.append(album)
        async for message in album.arrivals():
            received.append(message.message_id)

    jobs = ManualJobQueue()
    collector = AlbumCollector(cast(JobQueue, jobs), on_album)
    collector.add(item(1), 101)
    await until(lambda: received == [1], timeout=1, interval=0)
    collector.add(item(2), 102)
    collector.add(item(3, caption="crea uno slideshow"), 103)
    await until(lambda: received == [1, 2, 3], timeout=1, interval=0)
    [receiving] = jobs.tasks
    assert not receiving.done()
    await jobs.end_quiet_periods()
    await until(receiving.done, timeout=1, interval=0)
    [album] = albums
    assert album.caption == "crea uno slideshow"
    assert album.update_ids == [101, 102, 103]


async def test_items_already_in_come_at_once_and_none_twice():
    album = Album(chat_id=CHAT.id)
    album.add(item(1), 101)
    album.add(item(2), 102)
    arrivals = album.arrivals()
    assert [(await anext(arrivals)).message_id for _ in range(2)] == [1, 2]
    album.add(item(3), 103)
    album.close()
    assert [message.message_id async for message in arrivals] == [3]


async def test_an_album_stays_open_while_an_item_received_is_still_on_its_way():
    """Under a burst an item waits in the guards far past the quiet period: the album
    waits for it, and closes on the next quiet period once nothing is on its way."""
    albums: list[Album] = []
    received: list[int] = []
    in_hand = {101, 102, 103}

    async def on_album(application: object, album: Album) -> None:
        albums.append(album)
        async for message in album.arrivals():
            received.append(message.message_id)

    jobs = ManualJobQueue()
    collector = AlbumCollector(cast(JobQueue, jobs), on_album, lambda chat, group: in_hand)
    collector.add(item(1), 101)
    collector.add(item(2), 102)
    await jobs.end_quiet_periods()
    await jobs.end_quiet_periods()
    [receiving] = jobs.tasks
    await until(lambda: received == [1, 2], timeout=1, interval=0)
    assert not receiving.done(), "closed with item 3 still on its way"
    collector.add(item(3, caption="crea"), 103)
    await jobs.end_quiet_periods()
    await until(receiving.done, timeout=1, interval=0)
    assert received == [1, 2, 3] and len(albums) == 1


async def test_an_item_that_never_reaches_its_album_does_not_hold_it_open():
    in_hand = {101, 102}
    jobs = ManualJobQueue()

    async def on_album(application: object, album: Album) -> None:
        async for _ in album.arrivals():
            pass

    collector = AlbumCollector(cast(JobQueue, jobs), on_album, lambda chat, group: in_hand)
    collector.add(item(1), 101)
    await jobs.end_quiet_periods()
    [receiving] = jobs.tasks
    assert not receiving.done()
    in_hand.discard(102)  # refused by a guard: handled without reaching the album
    await jobs.end_quiet_periods()
    await until(receiving.done, timeout=1, interval=0)


async def test_before_closing_an_album_what_another_replica_received_is_taken_in_hand():
    """Behind a webhook, item 2 reached the other replica: gathering it takes it in hand,
    so the quiet period does not close the album without it."""
    in_hand = {101}
    received: list[int] = []

    async def on_album(application: object, album: Album) -> None:
        async for message in album.arrivals():
            received.append(message.message_id)

    async def gather() -> None:
        in_hand.add(102)  # the shared inbox's row, queued here again

    jobs = ManualJobQueue()
    collector = AlbumCollector(cast(JobQueue, jobs), on_album, lambda chat, group: in_hand)
    collector.gather_first(gather)
    collector.add(item(1), 101)
    await jobs.end_quiet_periods()
    [receiving] = jobs.tasks
    await until(lambda: received == [1], timeout=1, interval=0)
    assert not receiving.done(), "closed without the item the other replica received"
    collector.add(item(2), 102)
    await jobs.end_quiet_periods()
    await until(receiving.done, timeout=1, interval=0)
    assert received == [1, 2]
