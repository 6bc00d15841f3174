"""A project's cover: the first photo kept, the bytes given back whole, on both engines."""

from storage import Database


async def test_the_first_cover_is_kept_and_read_back_whole(db: Database) -> None:
    first, second = b"\xff\xd8first\x00\xff\xd9", b"\xff\xd8second\xff\xd9"
    assert not await db.covers.has("session-1")
    assert await db.covers.get("session-1") is None
    assert await db.covers.keep("session-1", first)
    assert not await db.covers.keep("session-1", second)
    assert await db.covers.has("session-1")
    assert await db.covers.get("session-1") == first
