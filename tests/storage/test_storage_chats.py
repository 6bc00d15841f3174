"""Chats and their project: session, locale, item count, settings."""

import asyncio

import pytest

from storage import ChatRecord, Database

CHAT = -1001234567890


async def test_an_unknown_chat_is_none(db: Database) -> None:
    assert await db.chats.get(CHAT) is None


async def test_get_or_create_stores_an_empty_chat_once(db: Database) -> None:
    created = await db.chats.get_or_create(CHAT)
    assert created == ChatRecord(CHAT, None, None, None, 0, {})
    await db.chats.add_items(CHAT, 2)
    assert (await db.chats.get_or_create(CHAT)).item_count == 2
    assert await db.chats.get(CHAT) == await db.chats.get_or_create(CHAT)


async def test_set_session_starts_a_new_project(db: Database) -> None:
    await db.chats.set_session(CHAT, "old-session", "old-task")
    await db.chats.set_locale(CHAT, "it")
    await db.chats.add_items(CHAT, 5)
    record = await db.chats.set_session(CHAT, "new-session", "new-task")
    assert record == ChatRecord(CHAT, "new-session", "new-task", "it", 0, {})
    assert await db.chats.get(CHAT) == record


async def test_set_session_creates_a_chat_it_does_not_know(db: Database) -> None:
    record = await db.chats.set_session(42, "session", None)
    assert (record.chat_id, record.session_id, record.task_id) == (42, "session", None)


async def test_set_locale_is_remembered(db: Database) -> None:
    await db.chats.set_locale(CHAT, "zh")
    await db.chats.set_locale(CHAT, "en")
    chat = await db.chats.get(CHAT)
    assert chat is not None
    assert chat.locale == "en"


async def test_add_items_returns_the_new_total(db: Database) -> None:
    assert await db.chats.add_items(CHAT, 3) == 3
    assert await db.chats.add_items(CHAT, 0) == 3
    assert await db.chats.add_items(CHAT, 10) == 13


async def test_add_items_refuses_a_negative_count(db: Database) -> None:
    with pytest.raises(ValueError, match="negative"):
        await db.chats.add_items(CHAT, -1)


async def test_concurrent_add_items_lose_nothing(db: Database) -> None:
    totals = await asyncio.gather(*(db.chats.add_items(CHAT, 1 + i % 3) for i in range(60)))
    expected = sum(1 + i % 3 for i in range(60))
    assert max(totals) == expected
    assert len(set(totals)) == 60  # every task saw a distinct running total
    chat = await db.chats.get(CHAT)
    assert chat is not None
    assert chat.item_count == expected


async def test_settings_are_stored_and_replaced(db: Database) -> None:
    await db.chats.set_setting(CHAT, "collecting", "1")
    await db.chats.set_setting(CHAT, "quality", "high")
    await db.chats.set_setting(CHAT, "collecting", "0")
    chat = await db.chats.get(CHAT)
    assert chat is not None
    assert chat.settings == {"collecting": "0", "quality": "high"}


async def test_settings_of_one_chat_stay_in_that_chat(db: Database) -> None:
    await db.chats.set_setting(1, "key", "one")
    await db.chats.set_setting(2, "key", "two")
    chat = await db.chats.get(1)
    assert chat is not None
    assert chat.settings == {"key": "one"}


def test_a_record_cannot_be_changed_through_its_settings() -> None:
    given = {"key": "value"}
    record = ChatRecord(1, None, None, None, 0, given)
    given["key"] = "changed"
    assert record.settings == {"key": "value"}
    with pytest.raises(TypeError):
        record.settings["key"] = "changed"  # type: ignore[index]
