"""Work cut by shutdown: what a durable record holds is reported or resumed, never redone."""

from __future__ import annotations

import asyncio

import pytest

from bot.core.actions import Action
from bot.core.handover import releasing
from bot.core.notices import TurnInterrupted, VideoReady
from tests.core.test_conversation import CHAT, RecordingOutput, conversation
from tests.fakes.nemo import steps
from tests.waiting import until

__all__ = ["conversation"]


async def test_a_turn_is_handed_over_once_the_agent_has_it(conversation, nemo):
    nemo.script_turn(steps.text("Fatto."))
    released: list[int] = []

    async def release() -> None:
        released.append(nemo.count("POST", "/run_sse"))

    with releasing(release):
        await conversation.text(CHAT, "aggiungi musica", RecordingOutput())
    # Released before the message went out: a crash in between reports, never resends.
    assert released == [0]


async def test_a_turn_cut_by_shutdown_is_reported_at_the_next_start(conversation, nemo):
    nemo.script_turn(steps.add_video_track("mare"), steps.heartbeats(600, interval=0.1))
    turn = asyncio.create_task(conversation.text(CHAT, "un video lungo", RecordingOutput()))
    await until(lambda: nemo.count("POST", "/run_sse") == 1)
    turn.cancel()
    with pytest.raises(asyncio.CancelledError):
        await turn
    after_restart = RecordingOutput()
    await conversation.resume(lambda chat: after_restart)
    [notice] = after_restart.of(TurnInterrupted)
    assert notice.timeline is not None
    assert nemo.count("POST", "/run_sse") == 1


async def cut_once_handed_over(conversation, nemo) -> int:
    """Make a video, export it, and cut the export once handed over; renders submitted."""
    nemo.render_seconds = 2
    nemo.script_turn(steps.add_video_track("gita"), steps.text("Pronto."))
    await conversation.text(CHAT, "crea il video della gita", RecordingOutput())
    released = asyncio.Event()

    async def release() -> None:
        released.set()

    async def export() -> None:
        with releasing(release):
            await conversation.run(CHAT, Action.EXPORT, RecordingOutput())

    task = asyncio.create_task(export())
    await released.wait()
    submitted = nemo.count("POST", "/api/render/proxy/lambda")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    return submitted


async def test_an_export_is_handed_over_once_its_render_is_recorded(conversation, nemo):
    assert await cut_once_handed_over(conversation, nemo) == 1
    after_restart = RecordingOutput()
    await conversation.resume(lambda chat: after_restart)
    [video] = after_restart.of(VideoReady)
    # The chat still edits that project, so the video comes with the link to it.
    assert video.project_link is not None
    assert nemo.count("POST", "/api/render/proxy/lambda") == 1


async def test_a_resumed_render_of_a_project_left_behind_comes_without_its_link(
    conversation, nemo
):
    await cut_once_handed_over(conversation, nemo)
    await conversation.run(CHAT, Action.NEW_PROJECT, RecordingOutput())
    after_restart = RecordingOutput()
    await conversation.resume(lambda chat: after_restart)
    [video] = after_restart.of(VideoReady)
    assert video.project_link is None
