"""Render jobs from submission to delivery."""

from datetime import UTC, datetime

import pytest

from storage import Database, StorageError


async def test_add_records_a_pending_render(db: Database) -> None:
    before = datetime.now(UTC)
    record = await db.renders.add("render_1", -5, "session")
    after = datetime.now(UTC)
    assert (record.render_id, record.chat_id, record.session_id) == ("render_1", -5, "session")
    assert (record.status, record.progress, record.output_url, record.error) == (
        "pending",
        None,
        None,
        None,
    )
    assert before <= record.created_at <= after
    assert record.created_at.tzinfo is UTC
    assert record.updated_at == record.created_at
    assert record.delivered_at is None
    assert await db.renders.get("render_1") == record


async def test_a_render_id_is_used_once(db: Database) -> None:
    await db.renders.add("render_1", 1, "session")
    with pytest.raises(StorageError):
        await db.renders.add("render_1", 1, "session")


async def test_an_unknown_render_is_none(db: Database) -> None:
    assert await db.renders.get("render_404") is None


async def test_update_keeps_the_last_known_values(db: Database) -> None:
    created = await db.renders.add("render_1", 1, "session")
    await db.renders.update("render_1", status="processing", progress=40)
    await db.renders.update("render_1", status="processing")
    record = await db.renders.get("render_1")
    assert record is not None
    assert (record.status, record.progress) == ("processing", 40.0)
    assert record.updated_at >= created.updated_at
    await db.renders.update("render_1", status="completed", progress=100, output_url="https://v")
    record = await db.renders.get("render_1")
    assert record is not None
    assert (record.status, record.progress, record.output_url) == ("completed", 100.0, "https://v")


async def test_a_failure_keeps_its_reason(db: Database) -> None:
    await db.renders.add("render_1", 1, "session")
    await db.renders.update("render_1", status="failed", error="NemoUnavailable")
    record = await db.renders.get("render_1")
    assert record is not None
    assert (record.status, record.error) == ("failed", "NemoUnavailable")


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda db: db.renders.update("nope", status="processing"), id="update"),
        pytest.param(lambda db: db.renders.mark_delivered("nope"), id="mark-delivered"),
    ],
)
async def test_changing_an_unknown_render_is_an_error(db: Database, change) -> None:
    with pytest.raises(StorageError, match="nope"):
        await change(db)


async def test_undelivered_are_the_renders_to_resume_oldest_first(db: Database) -> None:
    for render_id in ("render_a", "render_b", "render_c", "render_d"):
        await db.renders.add(render_id, 1, "session")
    await db.renders.update("render_b", status="failed", error="boom")
    await db.renders.update("render_c", status="completed", output_url="https://v")
    await db.renders.mark_delivered("render_d")
    undelivered = await db.renders.undelivered()
    assert [record.render_id for record in undelivered] == ["render_a", "render_c"]


async def test_mark_delivered_records_when(db: Database) -> None:
    await db.renders.add("render_1", 1, "session")
    await db.renders.mark_delivered("render_1")
    record = await db.renders.get("render_1")
    assert record is not None
    assert record.delivered_at is not None
    assert record.delivered_at >= record.created_at
    assert await db.renders.undelivered() == []


async def test_a_render_counts_its_delivery_attempts_from_one(db: Database) -> None:
    record = await db.renders.add("render_1", 1, "session")
    assert record.attempts == 1
    await db.renders.add_attempt("render_1")
    await db.renders.add_attempt("render_1")
    [resumable] = await db.renders.undelivered()
    assert resumable.attempts == 3


async def test_counting_an_attempt_on_an_unknown_render_is_an_error(db: Database) -> None:
    with pytest.raises(StorageError, match="nope"):
        await db.renders.add_attempt("nope")


async def test_the_delivered_videos_file_id_is_kept(db: Database) -> None:
    await db.renders.add("render_9", 42, "session-1")
    assert (await db.renders.get("render_9")).video_file_id is None
    await db.renders.keep_video("render_9", "BAACAgQAAx0")
    assert (await db.renders.get("render_9")).video_file_id == "BAACAgQAAx0"


async def test_a_local_render_keeps_its_source_and_words(db: Database) -> None:
    await db.renders.add("cloud_1", 1, "session")
    await db.renders.add("local_1", 1, "session", source="local", instruction="verticale")
    cloud, local = await db.renders.undelivered()
    assert (cloud.source, cloud.instruction) == ("cloud", None)
    assert (local.source, local.instruction) == ("local", "verticale")
