"""The status message's throttling, against a bot that records what it is asked."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from bot.telegram import progress
from bot.telegram.progress import StatusMessage


class RecordingBot:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def send_message(
        self, chat_id: int, text: str, message_thread_id: int | None = None
    ) -> SimpleNamespace:
        self.calls.append(("send", text))
        return SimpleNamespace(message_id=1)

    async def edit_message_text(self, text: str, chat_id: int, message_id: int) -> None:
        self.calls.append(("edit", text))

    async def send_chat_action(
        self, chat_id: int, action: str, message_thread_id: int | None = None
    ) -> None:
        self.calls.append(("action", action))

    async def delete_message(self, chat_id: int, message_id: int) -> None:
        self.calls.append(("delete", ""))


@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setattr(progress, "SHOW_AFTER", 0.0)
    monkeypatch.setattr(progress, "GROUP_EDIT_INTERVAL", 0.5)
    monkeypatch.setattr(progress, "PRIVATE_EDIT_INTERVAL", 0.5)


async def test_many_updates_become_one_message_and_one_edit_with_the_latest_text(quick):
    bot = RecordingBot()
    status = StatusMessage(bot, -100, "typing", is_group=True)
    await status.start()
    for step in range(10):
        await status.show(f"⏳ {step}")
    await asyncio.sleep(0.8)  # long enough for the one delayed edit, whatever the load
    await status.close()
    shown = [call for call in bot.calls if call[0] in ("send", "edit")]
    assert shown == [("send", "⏳ 0"), ("edit", "⏳ 9")]
    assert bot.calls[-1] == ("delete", "")


async def test_an_unchanged_text_is_never_sent_again(quick):
    bot = RecordingBot()
    status = StatusMessage(bot, 42, "typing", is_group=False)
    await status.start()
    await status.show("⏳ uguale")
    await asyncio.sleep(0.6)
    await status.show("⏳ uguale")
    await status.close()
    assert [call for call in bot.calls if call[0] in ("send", "edit")] == [("send", "⏳ uguale")]


async def test_a_short_operation_posts_no_status_message():
    bot = RecordingBot()
    status = StatusMessage(bot, 42, "typing", is_group=False)
    await status.start()
    await status.show("⏳ Caricamento…")
    await status.close()
    assert [call for call in bot.calls if call[0] != "action"] == []


async def test_quick_answers_go_before_results_and_status_under_the_cap():
    from bot.telegram.priority import BACKGROUND, FRESH, RESULT, PriorityBucket

    bucket = PriorityBucket(1, 0.05)
    await bucket.acquire(RESULT)  # uses the only slot: the others must queue
    served: list[str] = []

    async def wait(lane: int, name: str) -> None:
        await bucket.acquire(lane)
        served.append(name)

    await asyncio.gather(
        wait(BACKGROUND, "status"), wait(RESULT, "video"), wait(FRESH, "reply to /aiuto")
    )
    assert served == ["reply to /aiuto", "video", "status"]
