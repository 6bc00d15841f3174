"""The chat directory: a chat's updates leave it in the order they came."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from bot.core.chats import ChatDirectory


class SlowFirstChats:
    """The chats table, whose first look-up answers only when the test says."""

    def __init__(self) -> None:
        self.answer_first = asyncio.Event()
        self.lookups = 0

    async def get(self, chat_id: int) -> None:
        self.lookups += 1
        if self.lookups == 1:
            await self.answer_first.wait()

    async def set_setting(self, chat_id: int, key: str, value: str) -> None:
        pass


async def test_an_update_does_not_overtake_the_one_before_it_while_the_database_answers():
    chats = SlowFirstChats()
    directory = ChatDirectory(SimpleNamespace(chats=chats))  # type: ignore[arg-type]
    left: list[str] = []

    async def resolve(name: str) -> None:
        await directory.resolve(7, "it", is_group=False)
        left.append(name)

    first = asyncio.create_task(resolve("first"))
    await asyncio.sleep(0)
    second = asyncio.create_task(resolve("second"))
    for _ in range(5):
        await asyncio.sleep(0)
    assert left == []
    chats.answer_first.set()
    await asyncio.gather(first, second)
    assert left == ["first", "second"]
    assert chats.lookups == 1, "the second found the language the first looked up"
