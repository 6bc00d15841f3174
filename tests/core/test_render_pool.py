"""The line in front of the local render worker: places told, one per chat, cancelling."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.core.render_pool import (
    AlreadyRendering,
    LocalJob,
    LocalVideo,
    RenderCancelled,
    RenderPool,
)


class HeldPool(RenderPool):
    """A pool whose "worker" finishes only when the test releases it: no process."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()

    async def _run(self, ticket, job, on_progress):  # type: ignore[no-untyped-def]
        await self.release.wait()
        return LocalVideo(job.output, 2, 2, 1.0)


def job(tmp_path: Path) -> LocalJob:
    return LocalJob(
        media=(), output=tmp_path / "v.mp4", music=None, instruction="", short_side=144
    )


async def nothing(_: object) -> None:
    pass


async def test_waiting_renders_hear_their_place_and_a_cancelled_one_leaves(tmp_path) -> None:
    pool = HeldPool()
    places: dict[int, list[int]] = {2: [], 3: []}

    def start(key: int) -> asyncio.Task[LocalVideo]:
        async def queued(position: int) -> None:
            places[key].append(position)

        return asyncio.create_task(
            pool.render(key, job(tmp_path), on_queued=queued, on_progress=nothing)
        )

    running, second, third = start(1), start(2), start(3)
    await asyncio.sleep(0.01)
    assert places == {2: [1], 3: [2]}
    with pytest.raises(AlreadyRendering):
        await pool.render(3, job(tmp_path), on_queued=nothing, on_progress=nothing)
    assert pool.cancel(2) is True
    with pytest.raises(RenderCancelled):
        await second
    await asyncio.sleep(0.01)
    assert places[3] == [2, 1]
    pool.release.set()
    assert (await running).seconds == 1.0
    assert (await third).seconds == 1.0
    assert pool.cancel(1) is False
