"""Sharing a delivered video: only the people of the chat it was made for get it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.shares import SharedVideos
from storage import Database


@pytest.fixture
async def shares(tmp_path: Path) -> AsyncIterator[SharedVideos]:
    async with await Database.open(str(tmp_path / "bot.sqlite3")) as db:
        await db.renders.add("render_1", -100, "session-1")
        yield SharedVideos(db)


async def members_of_the_group(chat_id: int, person: int) -> bool:
    return chat_id == -100 and person in (1, 2)


async def test_the_video_goes_to_the_chats_people_only(shares):
    assert await shares.video_for("render_1", 1, members_of_the_group) is None  # not yet sent
    await shares.delivered("render_1", "BAAC-file")
    assert await shares.video_for("render_1", 2, members_of_the_group) == "BAAC-file"
    assert await shares.video_for("render_1", 3, members_of_the_group) is None
    assert await shares.video_for("render_404", 1, members_of_the_group) is None
