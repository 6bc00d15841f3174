"""Moving a chat to a new id, for a Telegram group upgraded to a supergroup.

The rule when the new id already has a row (a member wrote in the supergroup before the
migration was handled): the old chat's project wins. Its session, task and item count are
kept if it has a session, else the new row's are; its locale and settings are kept, and
only what it lacks is taken from the new row. Likewise a turn in flight under the old id
replaces one under the new id, and so does an open collection with its contributions.
Renders and uploads simply follow the chat.
"""

from __future__ import annotations

from storage.connection import Statements

# Named parameters: :old and :new chat ids. Order matters: the new row is merged into the
# old one before it is deleted, and deleted before the old row takes its id.
_STATEMENTS = (
    """
    UPDATE chats AS kept SET
        session_id = CASE WHEN kept.session_id IS NULL THEN other.session_id
                          ELSE kept.session_id END,
        task_id = CASE WHEN kept.session_id IS NULL THEN other.task_id ELSE kept.task_id END,
        item_count = CASE WHEN kept.session_id IS NULL THEN other.item_count
                          ELSE kept.item_count END,
        locale = coalesce(kept.locale, other.locale)
    FROM chats AS other
    WHERE kept.chat_id = :old AND other.chat_id = :new
    """,
    """
    INSERT INTO chat_settings (chat_id, key, value)
    SELECT :old, key, value FROM chat_settings
    WHERE chat_id = :new AND EXISTS (SELECT 1 FROM chats WHERE chat_id = :old)
    ON CONFLICT (chat_id, key) DO NOTHING
    """,
    # chat_settings rows follow their chat through ON DELETE / ON UPDATE CASCADE.
    "DELETE FROM chats WHERE chat_id = :new AND EXISTS (SELECT 1 FROM chats WHERE chat_id = :old)",
    "UPDATE chats SET chat_id = :new WHERE chat_id = :old",
    "DELETE FROM turns WHERE chat_id = :new AND EXISTS (SELECT 1 FROM turns WHERE chat_id = :old)",
    "UPDATE turns SET chat_id = :new WHERE chat_id = :old",
    "UPDATE renders SET chat_id = :new WHERE chat_id = :old",
    "UPDATE uploads SET chat_id = :new WHERE chat_id = :old",
    "DELETE FROM collections WHERE chat_id = :new "
    "AND EXISTS (SELECT 1 FROM collections WHERE chat_id = :old)",
    "UPDATE collections SET chat_id = :new WHERE chat_id = :old",
    # Contributions belong to the collection that won above.
    "DELETE FROM collection_contributions WHERE chat_id = :new "
    "AND EXISTS (SELECT 1 FROM collections WHERE chat_id = :new) "
    "AND EXISTS (SELECT 1 FROM collection_contributions WHERE chat_id = :old)",
    "UPDATE collection_contributions SET chat_id = :new WHERE chat_id = :old",
)


async def rekey_chat(statements: Statements, old_chat_id: int, new_chat_id: int) -> None:
    """Move what is stored under `old_chat_id` to `new_chat_id`, in the caller's transaction."""
    if old_chat_id == new_chat_id:
        return
    params = {"old": old_chat_id, "new": new_chat_id}
    for sql in _STATEMENTS:
        await statements.execute(sql, params)
