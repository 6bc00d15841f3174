"""A group's open collection: opened, touched, closed, kept across a restart."""

from storage import Database


async def test_collection_opens_touches_and_closes(database_url: str) -> None:
    db = await Database.open(database_url)
    opened = await db.collections.open(-100, "Giulia")
    assert await db.collections.touch(-100)
    record = await db.collections.get(-100)
    assert record is not None and record.opened_by == "Giulia"
    assert record.last_activity_at >= opened.last_activity_at
    assert [r.chat_id for r in await db.collections.all_open()] == [-100]
    assert await db.collections.close(-100)
    assert not await db.collections.close(-100)
    assert not await db.collections.touch(-100)
    await db.close()


async def test_open_collection_survives_a_restart_and_follows_a_migration(
    database_url: str,
) -> None:
    db = await Database.open(database_url)
    await db.collections.open(-100, "Marco")
    await db.close()
    db = await Database.open(database_url)
    await db.migrate_chat(-100, -1001234)
    assert await db.collections.get(-100) is None
    moved = await db.collections.get(-1001234)
    assert moved is not None and moved.opened_by == "Marco"
    await db.close()


async def test_contributions_add_up_follow_a_migration_and_end_with_the_collection(
    db: Database,
) -> None:
    await db.collections.open(-100, "Giulia")
    await db.collections.contribute(-100, "Giulia", 1)
    await db.collections.contribute(-100, "Marco", 2)
    await db.collections.contribute(-100, "Giulia", 3)
    assert await db.collections.contributions(-100) == [("Giulia", 4), ("Marco", 2)]
    await db.migrate_chat(-100, -1001234)
    assert await db.collections.contributions(-1001234) == [("Giulia", 4), ("Marco", 2)]
    await db.collections.close(-1001234)
    assert await db.collections.contributions(-1001234) == []


async def test_reopening_a_collection_starts_its_count_again(db: Database) -> None:
    await db.collections.open(-100, "Giulia")
    await db.collections.contribute(-100, "Giulia", 1)
    await db.collections.open(-100, "Marco")
    assert await db.collections.contributions(-100) == []
