"""A group upgraded to a supergroup keeps its project under the new chat id."""

from storage import ChatRecord, Database
from storage.timestamps import utc_now
from storage.uploads import Claimant

OLD = -4000
NEW = -1004000
CLAIM = {"claimant": Claimant.this_boot(), "stale_before": utc_now()}


async def test_everything_follows_the_chat_to_its_new_id(db: Database) -> None:
    await db.chats.set_session(OLD, "session", "task")
    await db.chats.set_locale(OLD, "it")
    await db.chats.add_items(OLD, 4)
    await db.chats.set_setting(OLD, "collecting", "1")
    await db.renders.add("render_1", OLD, "session")
    await db.turns.start(OLD, "session", "crea il video")
    await db.uploads.claim(OLD, "session", "unique-a", "a.jpg", "image", **CLAIM)
    await db.uploads.mark_uploaded("session", "unique-a")

    await db.migrate_chat(OLD, NEW)

    assert await db.chats.get(OLD) is None
    assert await db.chats.get(NEW) == ChatRecord(
        NEW, "session", "task", "it", 4, {"collecting": "1"}
    )
    [render] = await db.renders.undelivered()
    assert (render.render_id, render.chat_id) == ("render_1", NEW)
    [turn] = await db.turns.in_flight()
    assert (turn.chat_id, turn.text) == (NEW, "crea il video")
    # The upload stays claimed in its session, so a re-delivered update is still refused.
    assert await db.uploads.claim(NEW, "session", "unique-a", "a.jpg", "image", **CLAIM) is False


async def test_the_old_project_wins_over_a_row_the_new_id_already_has(db: Database) -> None:
    await db.chats.set_session(OLD, "old-session", "old-task")
    await db.chats.add_items(OLD, 7)
    await db.chats.set_setting(OLD, "shared", "old")
    await db.turns.start(OLD, "old-session", "old request")
    await db.chats.set_session(NEW, "new-session", "new-task")
    await db.chats.add_items(NEW, 1)
    await db.chats.set_locale(NEW, "en")
    await db.chats.set_setting(NEW, "shared", "new")
    await db.chats.set_setting(NEW, "only-new", "kept")
    await db.turns.start(NEW, "new-session", "new request")

    await db.migrate_chat(OLD, NEW)

    assert await db.chats.get(OLD) is None
    assert await db.chats.get(NEW) == ChatRecord(
        NEW, "old-session", "old-task", "en", 7, {"shared": "old", "only-new": "kept"}
    )
    [turn] = await db.turns.in_flight()
    assert (turn.chat_id, turn.text) == (NEW, "old request")


async def test_an_old_chat_without_a_project_takes_the_new_one(db: Database) -> None:
    await db.chats.set_locale(OLD, "zh")
    await db.chats.set_session(NEW, "new-session", "new-task")
    await db.chats.add_items(NEW, 2)

    await db.migrate_chat(OLD, NEW)

    assert await db.chats.get(NEW) == ChatRecord(NEW, "new-session", "new-task", "zh", 2, {})


async def test_migrating_twice_changes_nothing_more(db: Database) -> None:
    await db.chats.set_session(OLD, "session", "task")
    await db.renders.add("render_1", OLD, "session")
    await db.migrate_chat(OLD, NEW)
    await db.migrate_chat(OLD, NEW)
    assert await db.chats.get(NEW) == ChatRecord(NEW, "session", "task", None, 0, {})
    record = await db.renders.get("render_1")
    assert record is not None
    assert record.chat_id == NEW


async def test_other_chats_are_untouched(db: Database) -> None:
    await db.chats.set_session(OLD, "session", "task")
    await db.chats.set_session(1, "other", "other-task")
    await db.renders.add("render_other", 1, "other")
    await db.migrate_chat(OLD, NEW)
    assert await db.chats.get(1) == ChatRecord(1, "other", "other-task", None, 0, {})
    record = await db.renders.get("render_other")
    assert record is not None
    assert record.chat_id == 1


async def test_migrating_to_the_same_id_changes_nothing(db: Database) -> None:
    await db.chats.set_session(OLD, "session", "task")
    await db.migrate_chat(OLD, OLD)
    assert await db.chats.get(OLD) == ChatRecord(OLD, "session", "task", None, 0, {})
