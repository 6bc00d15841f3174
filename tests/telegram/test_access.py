"""ChatAccess, migration_of and the guard's update types, without Telegram or a database."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Chat, Message, Update
from telegram.ext import ApplicationHandlerStop

from bot.telegram.access import ChatAccess, migration_of
from bot.telegram.handlers import guard

GROUP = Chat(-4001, Chat.GROUP)
SUPERGROUP = Chat(-1004001, Chat.SUPERGROUP)
PRIVATE = Chat(77, Chat.PRIVATE)


class _Chats:
    """The two ChatRepository methods ChatAccess uses, over a dict."""

    def __init__(self) -> None:
        self.settings: dict[int, dict[str, str]] = {}

    async def get(self, chat_id: int) -> Any:
        settings = self.settings.get(chat_id)
        return None if settings is None else type("Record", (), {"settings": settings})

    async def set_setting(self, chat_id: int, key: str, value: str) -> None:
        self.settings.setdefault(chat_id, {})[key] = value


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_outsider_is_refused_once_an_hour():
    clock = _Clock()
    access = ChatAccess(frozenset({1}), clock=clock)
    assert access.may_refuse(PRIVATE.id)
    clock.now += 3599
    assert not access.may_refuse(PRIVATE.id)
    assert access.may_refuse(78), "each chat has its own hour"
    clock.now += 1
    assert access.may_refuse(PRIVATE.id)


async def test_a_listed_group_lets_its_supergroup_in_even_after_a_restart():
    chats = _Chats()
    access = ChatAccess(frozenset({GROUP.id}))
    assert not await access.allows(SUPERGROUP, chats)
    await access.follow(GROUP.id, SUPERGROUP.id, chats)
    assert await access.allows(SUPERGROUP, chats)
    restarted = ChatAccess(frozenset({GROUP.id}))
    assert await restarted.allows(SUPERGROUP, chats)


async def test_an_unlisted_group_lets_nothing_in():
    chats = _Chats()
    access = ChatAccess(frozenset({1}))
    await access.follow(GROUP.id, SUPERGROUP.id, chats)
    assert not await access.allows(SUPERGROUP, chats)
    assert chats.settings == {}


async def test_without_a_list_every_chat_is_served():
    assert await ChatAccess(frozenset()).allows(PRIVATE, _Chats())


def _service(chat: Chat, **fields: int) -> Message:
    return Message(1, None, chat, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        pytest.param(
            _service(GROUP, migrate_to_chat_id=SUPERGROUP.id),
            (GROUP.id, SUPERGROUP.id),
            id="to-from-group",
        ),
        pytest.param(
            _service(SUPERGROUP, migrate_from_chat_id=GROUP.id),
            (GROUP.id, SUPERGROUP.id),
            id="from-in-supergroup",
        ),
        pytest.param(_service(PRIVATE, migrate_to_chat_id=SUPERGROUP.id), None, id="private"),
        pytest.param(_service(SUPERGROUP, migrate_to_chat_id=-1009), None, id="to-supergroup"),
        pytest.param(_service(GROUP, migrate_from_chat_id=-4002), None, id="from-in-group"),
    ],
)
def test_migration_of_believes_only_the_chat_types_that_can_migrate(message, expected):
    assert migration_of(message) == expected


class _NoServices:
    """A context the guard must not touch for an update it does not serve."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the guard looked at context.{name}")


_USER = {"id": 5, "is_bot": False, "first_name": "Giulia"}
_MESSAGE = {"message_id": 3, "date": 1, "chat": {"id": 5, "type": "private"}, "from": _USER}
_CHANNEL = {"id": -1001, "type": "channel", "title": "Canale"}


@pytest.mark.parametrize(
    "update",
    [
        pytest.param({"edited_message": {**_MESSAGE, "edit_date": 2}}, id="edited"),
        pytest.param(
            {"business_message": {**_MESSAGE, "business_connection_id": "b", "text": "ciao"}},
            id="business",
        ),
        pytest.param({"channel_post": {**_MESSAGE, "chat": _CHANNEL}}, id="channel-post"),
        pytest.param(
            {
                "message_reaction": {
                    "chat": _MESSAGE["chat"],
                    "message_id": 3,
                    "date": 1,
                    "actor_chat": _CHANNEL,
                    "old_reaction": [],
                    "new_reaction": [{"type": "emoji", "emoji": "👍"}],
                }
            },
            id="reaction",
        ),
    ],
)
async def test_the_guard_drops_update_types_the_bot_does_not_handle(update):
    with pytest.raises(ApplicationHandlerStop):
        await guard(Update.de_json({"update_id": 1, **update}, None), _NoServices())  # type: ignore[arg-type]
