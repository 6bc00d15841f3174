"""The inbox: updates received and not yet handled survive a restart."""

import json

from storage import Database


def payload(update_id: int, text: str = "ciao") -> str:
    return json.dumps({"update_id": update_id, "message": {"text": text}})


async def test_an_update_is_pending_until_removed(db: Database) -> None:
    await db.inbox.add({7: payload(7)})
    [record] = await db.inbox.pending()
    assert (record.update_id, json.loads(record.payload)["message"]["text"]) == (7, "ciao")
    await db.inbox.remove([7])
    assert await db.inbox.pending() == []


async def test_the_same_update_is_kept_once(db: Database) -> None:
    await db.inbox.add({7: payload(7, "first")})
    await db.inbox.add({7: payload(7, "again"), 8: payload(8)})
    first, _ = await db.inbox.pending()
    assert json.loads(first.payload)["message"]["text"] == "first"


async def test_pending_updates_come_in_telegram_order(db: Database) -> None:
    await db.inbox.add({update_id: payload(update_id) for update_id in (12, 10, 11)})
    await db.inbox.remove([11, 99])
    assert [record.update_id for record in await db.inbox.pending()] == [10, 12]


async def test_removing_nothing_is_harmless(db: Database) -> None:
    await db.inbox.add({1: payload(1)})
    await db.inbox.remove([])
    assert len(await db.inbox.pending()) == 1


async def test_pending_updates_survive_reopening(database_url: str) -> None:
    async with await Database.open(database_url) as db:
        await db.inbox.add({5: payload(5)})
    async with await Database.open(database_url) as db:
        assert [record.update_id for record in await db.inbox.pending()] == [5]
