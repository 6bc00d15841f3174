"""Uploads per session: a file goes into a session once."""

from storage import Database


async def test_a_file_is_recorded_once_per_session(db: Database) -> None:
    assert await db.uploads.record(1, "s1", "unique-a", "a.jpg", "image") is True
    assert await db.uploads.record(1, "s1", "unique-a", "a.jpg", "image") is False
    assert await db.uploads.count("s1") == 1


async def test_the_same_file_may_go_into_another_session(db: Database) -> None:
    await db.uploads.record(1, "s1", "unique-a", "a.jpg", "image")
    assert await db.uploads.record(1, "s2", "unique-a", "a.jpg", "image") is True
    assert await db.uploads.count("s2") == 1


async def test_count_is_per_session(db: Database) -> None:
    await db.uploads.record(1, "s1", "unique-a", "a.jpg", "image")
    await db.uploads.record(2, "s1", "unique-b", "b.mp4", "video")
    await db.uploads.record(3, "s2", "unique-c", "c.mp3", "audio")
    assert await db.uploads.count("s1") == 2
    assert await db.uploads.count("empty") == 0


async def test_a_forgotten_claim_can_be_recorded_again(db: Database) -> None:
    await db.uploads.record(1, "s1", "unique-a", "a.jpg", "image")
    await db.uploads.forget("s1", "unique-a")
    assert await db.uploads.count("s1") == 0
    assert await db.uploads.record(1, "s1", "unique-a", "a.jpg", "image") is True
