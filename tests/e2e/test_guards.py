"""The guards end to end: only the update types the bot handles, only what is meant for it.

The shapes pushed here are minimal equivalents of updates captured from real Telegram
(forum topics, stories, boosts, reactions, edits, anonymous admins), written for these tests.
"""

from __future__ import annotations

from typing import Any

from tests.fakes.telegram import TelegramFake
from tests.fakes.telegram.chats import FakeChat

HANDLED = ["message", "callback_query", "my_chat_member", "inline_query"]
ANONYMOUS_ADMIN = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
UNKNOWN = "Non conosco questo comando"


def _command(text: str) -> dict[str, Any]:
    name = text.split()[0]
    return {"text": text, "entities": [{"type": "bot_command", "offset": 0, "length": len(name)}]}


def _message(chat: FakeChat, message_id: int, sender: dict | None = None, **content: Any) -> dict:
    return {
        "message_id": message_id,
        "date": 1_700_000_000,
        "chat": chat.as_dict(),
        "from": sender or chat.owner.as_dict(),
        **content,
    }


def _drained(telegram: TelegramFake) -> None:
    telegram.wait_for_sync(lambda: telegram.pending_updates() == [], timeout=15)


def test_only_handled_update_types_are_asked_for(bot, telegram_fake, nemo):
    [first, *_] = telegram_fake.wait_for_sync(lambda: telegram_fake.calls_to("getUpdates"))
    assert first.params["allowed_updates"] == HANDLED
    chat = telegram_fake.private_chat()
    business = _message(chat, 500, business_connection_id="biz-1", text="crea un video")
    telegram_fake.push_update("business_message", business)
    telegram_fake.push_update(
        "edited_message", {**_message(chat, 501, text="/start"), "edit_date": 1}
    )
    chat.send_text("/aiuto")
    telegram_fake.wait_for_message_sync(chat)
    bot.stop()
    assert len(telegram_fake.bot_messages(chat)) == 1
    assert nemo.requests == []


def test_real_world_shapes_cost_nothing_and_crash_nothing(start_bot, telegram_fake, nemo):
    bot = start_bot()
    forum = telegram_fake.supergroup("Forum")
    group = telegram_fake.group()
    chat = telegram_fake.private_chat()
    thread = {"message_thread_id": 7, "is_topic_message": True}
    topic_created = _message(
        forum, 7, forum_topic_created={"name": "Viaggi", "icon_color": 7322096}, **thread
    )
    channel = {"id": -1001000000001, "type": "channel", "title": "Canale"}
    story = {"chat": channel, "id": 42}
    shapes: list[tuple[str, dict[str, Any]]] = [
        ("message", topic_created),
        ("message", _message(forum, 8, text="blah", reply_to_message=topic_created, **thread)),
        ("message", _message(forum, 9, story=story)),
        ("message", _message(forum, 10, message_thread_id=9, **_command("/report"))),
        ("message", _message(group, 11, pinned_message=_message(group, 3, text="fissato"))),
        (
            "message",
            _message(
                group,
                12,
                sender=ANONYMOUS_ADMIN,
                sender_chat=group.as_dict(),
                author_signature="Marco",
                forward_origin={"type": "chat", "date": 1, "sender_chat": channel},
                text="inoltrato",
            ),
        ),
        ("channel_post", {**_message(forum, 14, boost_added={"boost_count": 2}), "chat": channel}),
        ("edited_message", {**_message(chat, 15, text="/start"), "edit_date": 1_700_000_100}),
        (
            "message_reaction",
            {
                "chat": group.as_dict(),
                "message_id": 3,
                "user": group.owner.as_dict(),
                "date": 1,
                "old_reaction": [],
                "new_reaction": [{"type": "emoji", "emoji": "👍"}],
            },
        ),
        (
            "chat_boost",
            {
                "chat": channel,
                "boost": {
                    "boost_id": "b1",
                    "add_date": 1,
                    "expiration_date": 2,
                    "source": {"source": "premium", "user": chat.owner.as_dict()},
                },
            },
        ),
    ]
    for kind, payload in shapes:
        telegram_fake.push_update(kind, payload)
    _drained(telegram_fake)
    group.send_text("/aiuto")
    telegram_fake.wait_for_message_sync(group, contains="/raccogli")
    bot.stop()
    assert telegram_fake.bot_messages(forum) == []
    assert telegram_fake.bot_messages(chat) == []
    assert len(telegram_fake.bot_messages(group)) == 1  # the help, nothing else
    assert nemo.requests == []
    assert telegram_fake.calls_to("getFile") == []


def test_a_group_command_is_answered_only_when_it_names_the_bot(bot, telegram_fake, nemo):
    group = telegram_fake.group()
    group.send_text("/report")  # another bot's command
    group.send_text("/boh@some_other_bot")
    group.send_text(f"/boh@{telegram_fake.username}")
    telegram_fake.wait_for_message_sync(group, contains=UNKNOWN)
    answer = telegram_fake.wait_for_message_sync(group, contains=UNKNOWN)
    group.send_text("/boh", reply_to=answer)
    _drained(telegram_fake)
    bot.stop()
    assert sum(UNKNOWN in m["text"] for m in telegram_fake.bot_messages(group)) == 2


def test_allowed_chats_follow_a_group_to_its_supergroup(start_bot, telegram_fake, nemo):
    group = telegram_fake.group()
    bot = start_bot(ALLOWED_CHATS=str(group.id))
    group.send_text("/aiuto")
    telegram_fake.wait_for_message_sync(group, contains="/raccogli")
    supergroup = group.migrate_to_supergroup()
    _drained(telegram_fake)
    bot.stop()  # what was received is handled; the restart shows it was stored
    start_bot(ALLOWED_CHATS=str(group.id))
    supergroup.send_text("/aiuto")
    telegram_fake.wait_for_message_sync(supergroup, contains="/raccogli")


def test_an_anonymous_admin_counts_as_an_admin(bot, telegram_fake, nemo):
    group = telegram_fake.group()
    group.send_text("/aiuto")
    telegram_fake.wait_for_message_sync(group, contains="/raccogli")
    telegram_fake.push_update(
        "message",
        _message(
            group, 90, sender=ANONYMOUS_ADMIN, sender_chat=group.as_dict(), **_command("/nuovo")
        ),
    )
    answer = telegram_fake.wait_for_sync(lambda: telegram_fake.bot_messages(group)[1:])
    assert "Nuovo progetto creato" in answer[0]["text"]
    assert telegram_fake.calls_to("getChatMember") == []
