"""The per-chat gate: arrival order within a chat, nothing kept once a chat is quiet."""

from __future__ import annotations

import asyncio

from bot.core.gate import ChatGate


async def test_a_chats_requests_run_one_at_a_time_in_arrival_order() -> None:
    gate = ChatGate()
    order: list[str] = []

    async def request(name: str, pause: float) -> None:
        async with gate.hold(1):
            order.append(f"{name} in")
            await asyncio.sleep(pause)
            order.append(f"{name} out")

    await asyncio.gather(request("first", 0.02), request("second", 0), request("third", 0))
    assert order == ["first in", "first out", "second in", "second out", "third in", "third out"]


async def test_holding_a_chat_again_in_the_same_task_does_not_wait() -> None:
    gate = ChatGate()
    async with gate.hold(1), gate.hold(1):
        assert not gate.busy(1)


async def test_two_gates_do_not_share_a_chats_place() -> None:
    conversation, creation = ChatGate("a"), ChatGate("b")
    entered = asyncio.Event()

    async def other_task() -> None:
        async with creation.hold(1):
            entered.set()

    async with conversation.hold(1):
        # Started while the conversation's place is held, as an upload task is.
        task = asyncio.create_task(other_task())
        async with creation.hold(1):
            await asyncio.sleep(0.02)
            # Holding the conversation's place does not let it past `creation`.
            assert not entered.is_set()
    await task
    assert entered.is_set()


async def test_a_quiet_chat_leaves_nothing_behind() -> None:
    gate = ChatGate()
    for chat_id in range(1000):
        async with gate.hold(chat_id):
            pass
    assert not any(gate.busy(chat_id) for chat_id in range(1000))
    assert gate._locks == {}
