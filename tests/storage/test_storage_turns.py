"""Agent turns in flight, for telling a chat after a restart that its request was cut."""

from datetime import UTC, datetime

from storage import Database


async def test_nothing_is_in_flight_at_first(db: Database) -> None:
    assert await db.turns.in_flight() == []


async def test_a_started_turn_is_in_flight_until_finished(db: Database) -> None:
    before = datetime.now(UTC)
    await db.turns.start(1, "session-1", "aggiungi musica")
    [turn] = await db.turns.in_flight()
    assert (turn.chat_id, turn.session_id, turn.text) == (1, "session-1", "aggiungi musica")
    assert before <= turn.started_at <= datetime.now(UTC)
    await db.turns.finish(1)
    assert await db.turns.in_flight() == []


async def test_turns_of_several_chats_come_oldest_first(db: Database) -> None:
    await db.turns.start(3, "s3", "third chat first")
    await db.turns.start(1, "s1", "first chat second")
    assert [turn.chat_id for turn in await db.turns.in_flight()] == [3, 1]


async def test_a_new_turn_replaces_a_leftover(db: Database) -> None:
    await db.turns.start(1, "s1", "old")
    await db.turns.start(1, "s2", "new")
    [turn] = await db.turns.in_flight()
    assert (turn.session_id, turn.text) == ("s2", "new")


async def test_finishing_a_chat_without_a_turn_is_harmless(db: Database) -> None:
    await db.turns.start(1, "s1", "keep me")
    await db.turns.finish(2)
    assert [turn.chat_id for turn in await db.turns.in_flight()] == [1]
