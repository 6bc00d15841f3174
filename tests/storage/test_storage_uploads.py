"""Uploads per session: a file goes into a session once, and a dead process's claim is retried."""

import uuid
from datetime import timedelta

from storage import Database
from storage.timestamps import utc_now
from storage.uploads import Claimant

HOUR = timedelta(hours=1)


def boot(started_ago: timedelta = HOUR) -> Claimant:
    """A process that started ``started_ago`` before now."""
    return Claimant(boot_id=uuid.uuid4().hex, started_at=utc_now() - started_ago)


async def claim(db: Database, claimant: Claimant, session: str = "s1", file: str = "a") -> bool:
    """Claim with a timeout of an hour, as a process that started ``claimant``'s boot."""
    return await db.uploads.claim(
        1, session, file, f"{file}.jpg", "image", claimant=claimant, stale_before=utc_now() - HOUR
    )


async def uploaded(db: Database, claimant: Claimant, session: str = "s1", file: str = "a") -> None:
    assert await claim(db, claimant, session, file) is True
    await db.uploads.mark_uploaded(session, file)


async def test_an_uploaded_file_is_a_duplicate_for_every_process(db: Database) -> None:
    first = boot()
    await uploaded(db, first)
    assert await claim(db, first) is False
    assert await claim(db, boot(started_ago=timedelta(0))) is False
    assert await db.uploads.count("s1") == 1


async def test_a_claim_being_uploaded_is_a_duplicate_for_its_own_process(db: Database) -> None:
    running = boot()
    assert await claim(db, running) is True
    assert await claim(db, running) is False


async def test_a_claim_left_by_an_earlier_boot_is_taken_over(db: Database) -> None:
    killed = boot(started_ago=2 * HOUR)
    assert await claim(db, killed) is True
    restarted = boot(started_ago=timedelta(0))
    assert await claim(db, restarted) is True
    # Taken over: the claim is the new process's now, and holds against a replay.
    assert await claim(db, restarted) is False


async def test_a_claim_by_a_process_started_earlier_is_not_taken_over(db: Database) -> None:
    """Two processes at once (a deploy overlapping the old one): the later one waits."""
    restarted = boot(started_ago=timedelta(minutes=10))
    assert await claim(db, restarted) is True
    assert await claim(db, boot(started_ago=HOUR)) is False


async def test_a_claim_older_than_the_timeout_is_taken_over(db: Database) -> None:
    stuck = boot()
    assert await claim(db, stuck) is True
    assert await db.uploads.claim(
        1, "s1", "a", "a.jpg", "image", claimant=stuck, stale_before=utc_now()
    )


async def test_a_claim_counts_only_once_uploaded(db: Database) -> None:
    running = boot()
    assert await claim(db, running) is True
    assert await db.uploads.count("s1") == 0
    await db.uploads.mark_uploaded("s1", "a")
    assert await db.uploads.count("s1") == 1


async def test_the_same_file_may_go_into_another_session(db: Database) -> None:
    running = boot()
    await uploaded(db, running, "s1")
    await uploaded(db, running, "s2")
    assert await db.uploads.count("s2") == 1


async def test_count_is_per_session(db: Database) -> None:
    running = boot()
    for session, file in (("s1", "a"), ("s1", "b"), ("s2", "c")):
        await uploaded(db, running, session, file)
    assert await db.uploads.count("s1") == 2
    assert await db.uploads.count("empty") == 0


async def test_a_forgotten_claim_can_be_claimed_again(db: Database) -> None:
    running = boot()
    assert await claim(db, running) is True
    await db.uploads.forget("s1", "a", claimant=running)
    assert await claim(db, running) is True


async def test_forget_leaves_a_claim_taken_over_by_another_process(db: Database) -> None:
    killed = boot(started_ago=2 * HOUR)
    assert await claim(db, killed) is True
    restarted = boot(started_ago=timedelta(0))
    assert await claim(db, restarted) is True
    await db.uploads.forget("s1", "a", claimant=killed)
    assert await claim(db, restarted) is False


async def test_forget_leaves_an_uploaded_file(db: Database) -> None:
    running = boot()
    await uploaded(db, running)
    await db.uploads.forget("s1", "a", claimant=running)
    assert await db.uploads.count("s1") == 1


async def test_media_lists_the_uploaded_files_with_ids_in_the_order_sent(db: Database) -> None:
    running = boot()
    for name, kind in (("b", "image"), ("a", "audio"), ("c", None), ("d", "video")):
        assert await db.uploads.claim(
            1, "s1", name, "", "", claimant=running, stale_before=utc_now() - HOUR, file_id=name
        )
        if kind is not None:
            await db.uploads.mark_uploaded("s1", name, kind)
    await uploaded(db, running, file="without_id")
    media = await db.uploads.media("s1")
    assert [(m.file_id, m.file_type) for m in media] == [
        ("b", "image"),
        ("a", "audio"),
        ("d", "video"),
    ]


async def test_media_carries_what_the_cloud_called_each_file(db: Database) -> None:
    running = boot()
    for name in ("a", "b"):
        assert await db.uploads.claim(
            1, "s1", name, "", "", claimant=running, stale_before=utc_now() - HOUR, file_id=name
        )
    await db.uploads.mark_uploaded(
        "s1", "a", "image", cloud_name="file_a.jpg", cloud_url="https://cdn/x/1.jpg"
    )
    await db.uploads.mark_uploaded("s1", "b", "image")
    media = await db.uploads.media("s1")
    assert [(m.file_id, m.cloud_name, m.cloud_url) for m in media] == [
        ("a", "file_a.jpg", "https://cdn/x/1.jpg"),
        ("b", None, None),
    ]
