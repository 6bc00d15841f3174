"""Leases: one holder at a time, renewed by it, free for another once expired."""

import asyncio

from storage import Database, Taken


async def test_a_live_lease_has_one_holder(db: Database) -> None:
    assert await db.leases.take("poller", "a", 10) is Taken.FREE
    assert await db.leases.take("poller", "b", 10) is None
    assert await db.leases.take("poller", "a", 10) is Taken.KEPT


async def test_an_expired_lease_passes_to_another_holder(db: Database) -> None:
    await db.leases.take("poller", "a", 0.05)
    await asyncio.sleep(0.1)
    assert await db.leases.take("poller", "b", 10) is Taken.EXPIRED
    assert await db.leases.take("poller", "a", 10) is None
    assert await db.leases.renew("a", 10) == set()


async def test_a_late_renewal_keeps_a_lease_nobody_took(db: Database) -> None:
    await db.leases.take("poller", "a", 0.05)
    await asyncio.sleep(0.1)
    assert await db.leases.renew("a", 10) == {"poller"}
    assert await db.leases.take("poller", "b", 10) is None


async def test_renewing_keeps_every_lease_of_its_holder(db: Database) -> None:
    await db.leases.take("chat:1", "a", 0.3)
    await db.leases.take("chat:2", "a", 0.3)
    await db.leases.take("chat:3", "b", 0.3)
    assert await db.leases.renew("a", 10) == {"chat:1", "chat:2"}
    await asyncio.sleep(0.4)
    assert await db.leases.live(["chat:1", "chat:2", "chat:3"]) == {"chat:1", "chat:2"}


async def test_a_chat_is_given_back_only_without_updates_waiting(db: Database) -> None:
    await db.leases.take("chat:5", "a", 10)
    await db.inbox.add({70: "{}", 71: "{}"}, {70: 5})
    assert await db.inbox.held_by("a") == [70]
    assert not await db.leases.release_chat(5, "chat:5", "a")
    await db.inbox.remove([70])
    assert await db.leases.release_chat(5, "chat:5", "a")
    assert await db.leases.take("chat:5", "b", 10) is Taken.FREE
    assert await db.inbox.chats() == set()


async def test_a_stopping_replica_gives_back_everything(db: Database) -> None:
    await db.leases.take("poller", "a", 10)
    await db.leases.take("chat:1", "a", 10)
    await db.leases.release_all("a")
    assert await db.leases.live(["poller", "chat:1"]) == set()
