"""The inbox keeps each update until it is handled, or until a record takes it over."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram import Bot, Chat, Message, Update

from bot.core.handover import handed_over
from bot.telegram.inbox import Inbox, InboxProcessor, InboxQueue
from storage import Database

BOT = Bot("123:abc")


def update(update_id: int, text: str = "ciao") -> Update:
    chat = Chat(id=42, type=Chat.PRIVATE)
    message = Message(message_id=update_id, date=datetime.now(UTC), chat=chat, text=text)
    return Update(update_id=update_id, message=message)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with await Database.open(f"sqlite:///{tmp_path / 'bot.sqlite3'}") as database:
        yield database


@pytest.fixture
def inbox(db: Database) -> Inbox:
    inbox = Inbox()
    inbox.attach(db.inbox)
    return inbox


async def pending_ids(db: Database) -> list[int]:
    return [record.update_id for record in await db.inbox.pending()]


async def test_a_queued_update_is_saved_before_more_are_asked_for(inbox: Inbox, db: Database):
    queue = InboxQueue(inbox, save_each=False)
    await queue.put(update(1))
    await queue.put(update(1))
    await queue.put("not an update")
    assert queue.qsize() == 2
    assert await pending_ids(db) == []
    await inbox.save()
    assert await pending_ids(db) == [1]


async def test_with_a_webhook_an_update_is_saved_before_it_is_acknowledged(
    inbox: Inbox, db: Database
):
    await InboxQueue(inbox, save_each=True).put(update(1))
    assert await pending_ids(db) == [1]


async def test_an_update_handled_before_the_next_save_never_touches_the_disk(
    inbox: Inbox, db: Database
):
    inbox.receive(update(1))
    async with inbox.handling([1]):
        pass
    await inbox.save()
    assert await pending_ids(db) == []


async def test_a_handled_update_leaves_the_inbox(inbox: Inbox, db: Database):
    inbox.receive(update(1))
    await inbox.save()
    async with inbox.handling([1]):
        assert await pending_ids(db) == [1]
    assert await pending_ids(db) == []


async def test_a_failed_update_leaves_the_inbox_too(inbox: Inbox, db: Database):
    inbox.receive(update(1))
    with pytest.raises(RuntimeError):
        async with inbox.handling([1]):
            raise RuntimeError("bug")
    assert await pending_ids(db) == []


async def test_handing_over_releases_the_update_before_the_work_ends(inbox: Inbox, db: Database):
    inbox.receive(update(1))
    await inbox.save()
    async with inbox.handling([1]):
        await handed_over()
        assert await pending_ids(db) == []


async def test_work_cut_by_shutdown_stays_for_the_next_start(inbox: Inbox, db: Database):
    started = asyncio.Event()

    async def long_turn() -> None:
        async with inbox.handling([1]):
            started.set()
            await asyncio.sleep(60)

    inbox.receive(update(1))
    await inbox.save()
    task = asyncio.create_task(long_turn())
    await started.wait()
    inbox.cut()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await pending_ids(db) == [1]


async def test_work_handed_over_is_not_redone_after_a_cut(inbox: Inbox, db: Database):
    async def turn_sent_to_the_agent() -> None:
        async with inbox.handling([1]):
            await handed_over()
            await asyncio.sleep(60)

    inbox.receive(update(1))
    await inbox.save()
    task = asyncio.create_task(turn_sent_to_the_agent())
    await asyncio.sleep(0.01)
    inbox.cut()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await pending_ids(db) == []


async def test_an_update_kept_for_its_album_stays_until_the_album_is_done(
    inbox: Inbox, db: Database
):
    inbox.receive(update(1))
    inbox.receive(update(2))
    await inbox.save()
    for update_id in (1, 2):
        async with inbox.handling([update_id]):
            inbox.keep_current()
    assert await pending_ids(db) == [1, 2]
    async with inbox.handling([1, 2]):
        pass
    assert await pending_ids(db) == []


def album_item(update_id: int, group: str = "7001") -> Update:
    chat = Chat(id=42, type=Chat.PRIVATE)
    message = Message(
        message_id=update_id, date=datetime.now(UTC), chat=chat, media_group_id=group
    )
    return Update(update_id=update_id, message=message)


async def test_album_items_count_in_hand_from_arrival_until_released_or_passed_on(
    inbox: Inbox,
):
    for update_id in (1, 2, 3):
        inbox.receive(album_item(update_id))
    inbox.receive(album_item(4, group="7002"))
    inbox.receive(update(5))
    assert inbox.album_items_in_hand(42, "7001") == {1, 2, 3}
    async with inbox.handling([1]):
        inbox.keep_current()
    assert inbox.album_items_in_hand(42, "7001") == {1, 2, 3}, "kept for its album"
    inbox.pass_on(3)
    async with inbox.handling([1, 2]):
        pass
    assert inbox.album_items_in_hand(42, "7001") == set()
    assert inbox.album_items_in_hand(42, "7002") == {4}


async def test_nothing_new_starts_after_the_cut(inbox: Inbox, db: Database):
    processor = InboxProcessor(inbox, 8)
    ran: list[int] = []

    async def handle() -> None:
        ran.append(2)

    inbox.receive(update(2))
    await inbox.save()
    inbox.cut()
    await processor.process_update(update(2), handle())
    assert ran == []
    assert await pending_ids(db) == [2]


async def test_restored_updates_are_queued_again_once(inbox: Inbox, db: Database):
    inbox.receive(update(3, "rendilo più veloce"))
    await inbox.save()
    after_restart = Inbox()
    after_restart.attach(db.inbox)
    queue = InboxQueue(after_restart, save_each=False)
    for restored in await after_restart.restore(BOT):
        await queue.put(restored)
    await queue.put(update(3, "rendilo più veloce"))  # Telegram sends it again
    assert queue.qsize() == 1
    restored = queue.get_nowait()
    assert isinstance(restored, Update)
    assert restored.message is not None
    assert restored.message.text == "rendilo più veloce"
    assert restored.get_bot() is BOT


async def test_a_save_cut_short_is_done_by_the_next(inbox: Inbox, db: Database):
    inbox.receive(update(1))
    inbox.receive(update(2))
    saving = asyncio.create_task(inbox.save())
    await asyncio.sleep(0)
    saving.cancel()
    with pytest.raises(asyncio.CancelledError):
        await saving
    async with inbox.handling([2]):
        pass
    await inbox.save()
    assert await pending_ids(db) == [1]
