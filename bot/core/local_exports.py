"""A video made on the bot's own machine from the chat's uploads, when the cloud cannot.

The files are fetched again from the messenger by the ids recorded at upload (the
messenger keeps them; the bot keeps no copies), rendered in the worker process, sent,
and then deleted. Where the cloud draft can be read and its segments are the chat's
files, the video follows its order, timing and captions (``bot.core.draft_cut``);
otherwise it shows the files in the order they were sent. Like a cloud render, a local
one is recorded from the moment it is asked for until its video is delivered, so a
restart in the middle makes it again and the video still arrives once.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import uuid
from enum import StrEnum
from pathlib import Path

from bot.core.draft_cut import Cut, read_cut
from bot.core.handover import handed_over
from bot.core.media import MediaKind
from bot.core.notices import (
    Activity,
    LocalFailure,
    LocalVideoFailed,
    NothingToExport,
    Queued,
    Rendering,
    VideoReady,
)
from bot.core.ports import (
    ChatOutput,
    ChatRef,
    ChatUnreachable,
    MediaFetcher,
    MediaUnavailable,
    ProgressReporter,
)
from bot.core.render_pool import (
    LocalCaption,
    LocalJob,
    LocalRenderFailed,
    LocalShot,
    RenderCancelled,
    RenderPool,
)
from bot.core.sessions import Sessions
from bot.nemo import NemoClient, NemoError
from storage import Database, RenderRecord, UploadedMedia
from storage.renders import LOCAL

log = logging.getLogger(__name__)

# The words of the last export asked for, kept for a tap on the offer that follows it.
WORDS_SETTING = "local_video_words"
_SHOWN = {MediaKind.IMAGE.value: "photo", MediaKind.VIDEO.value: "clip"}
_AUDIO = MediaKind.AUDIO.value
_STATE_WAIT_SECONDS = 10.0


class LocalRender(StrEnum):
    """When exports are made on the bot's machine (the LOCAL_RENDER setting)."""

    OFFER = "offer"
    ALWAYS = "always"
    OFF = "off"


class LocalExporter:
    """Makes, sends and records videos rendered here."""

    def __init__(
        self,
        sessions: Sessions,
        nemo: NemoClient,
        db: Database,
        fetcher: MediaFetcher,
        pool: RenderPool,
        *,
        short_side: int,
        workdir: Path | None = None,
    ) -> None:
        self._sessions = sessions
        self._nemo = nemo
        self._db = db
        self._fetcher = fetcher
        self._pool = pool
        self._short_side = short_side
        self._workdir = workdir
        self._rendering: dict[int, str] = {}  # chat id → render id, while it is made
        # Cancelled before reaching the pool (while the draft is read, the files fetched).
        self._cancelled: set[str] = set()

    async def export(self, chat: ChatRef, out: ChatOutput, words: str) -> None:
        """Make the chat's video from its uploads, as ``words`` ask, and send it."""
        session = await self._sessions.session(chat)
        media = await self._db.uploads.media(session.session_id)
        if not any(item.file_type in _SHOWN for item in media):
            await out.show(NothingToExport())
            return
        render_id = f"local_{uuid.uuid4().hex}"
        await self._db.renders.add(
            render_id, chat.chat_id, session.session_id, source=LOCAL, instruction=words
        )
        # The render record answers for the request now: a restart makes the video again.
        await handed_over()
        log.info("chat %s: local render %s asked", chat.chat_id, render_id)
        await self._make(render_id, chat, session.session_id, words, out)

    async def resume(self, record: RenderRecord, chat: ChatRef, out: ChatOutput) -> None:
        """Make again a local video a restart cut short, and send it."""
        await self._make(record.render_id, chat, record.session_id, record.instruction or "", out)

    async def cancel(self, chat_id: int) -> None:
        """Drop the chat's local render, waiting or running: its project is being replaced."""
        render_id = self._rendering.get(chat_id)
        if render_id is None:
            return
        await self._db.renders.update(render_id, status="failed", error="Cancelled")
        self._cancelled.add(render_id)
        self._pool.cancel(chat_id)
        log.info("chat %s: local render %s cancelled", chat_id, render_id)

    async def remember_words(self, chat: ChatRef, words: str) -> None:
        """Keep what an export was asked with, for the offer that may follow it."""
        await self._db.chats.set_setting(chat.chat_id, WORDS_SETTING, words)

    async def remembered_words(self, chat: ChatRef) -> str:
        """What the last export was asked with ("" when nothing)."""
        record = await self._db.chats.get(chat.chat_id)
        return record.settings.get(WORDS_SETTING, "") if record else ""

    async def _make(
        self, render_id: str, chat: ChatRef, session_id: str, words: str, out: ChatOutput
    ) -> None:
        self._rendering[chat.chat_id] = render_id
        try:
            with tempfile.TemporaryDirectory(dir=self._workdir, prefix="local-") as folder:
                async with out.working(Activity.UPLOADING_VIDEO) as progress:
                    await progress.update(Rendering(progress=None))
                    made = await self._render(
                        render_id, chat, session_id, words, Path(folder), progress
                    )
                    if isinstance(made, VideoReady):
                        await self._deliver(render_id, chat, made, out)
                    elif made is not None:
                        await out.show(made)
        finally:
            self._rendering.pop(chat.chat_id, None)
            self._cancelled.discard(render_id)

    async def _render(
        self,
        render_id: str,
        chat: ChatRef,
        session_id: str,
        words: str,
        folder: Path,
        progress: ProgressReporter,
    ) -> VideoReady | LocalVideoFailed | None:
        """The finished video, why there is none, or None when it was cancelled."""

        async def queued(position: int) -> None:
            await progress.update(Queued(position))

        async def rendered(percent: float) -> None:
            await progress.update(Rendering(progress=percent))

        try:
            uploads = await self._db.uploads.media(session_id)
            job = await self._job(session_id, uploads, folder, words)
            if render_id in self._cancelled:
                return None
            await self._db.renders.update(render_id, status="rendering")
            made = await self._pool.render(
                chat.chat_id, job, on_queued=queued, on_progress=rendered
            )
        except RenderCancelled:
            # By /nuovo (the record already says so) or by a shutdown (resumed later).
            return None
        except (MediaUnavailable, LocalRenderFailed) as error:
            notice = _failure(error)
            log.warning("chat %s: local render %s failed: %s", chat.chat_id, render_id, error)
            await self._db.renders.update(render_id, status="failed", error=notice.reason.value)
            return notice
        return VideoReady(
            path=made.path,
            size=made.path.stat().st_size,
            width=made.width,
            height=made.height,
            duration=made.seconds,
            project_link=None,
            download_url=None,
        )

    async def _job(
        self, session_id: str, media: list[UploadedMedia], folder: Path, words: str
    ) -> LocalJob:
        """Fetch the files into ``folder``: pictures as the draft cuts them or in the order
        sent, and the last song."""
        cut = await self._cut(session_id, media)
        order = (
            [(shot.upload, shot.seconds) for shot in cut.shots]
            if cut is not None
            else [(index, None) for index, item in enumerate(media) if item.file_type in _SHOWN]
        )
        songs = [index for index, item in enumerate(media) if item.file_type == _AUDIO]
        wanted = {index for index, _ in order} | set(songs[-1:])
        for index in sorted(wanted):
            await self._fetcher.fetch(media[index].file_id, folder / f"{index:03d}")
        return LocalJob(
            media=tuple(
                LocalShot(folder / f"{index:03d}", _SHOWN[media[index].file_type], seconds)
                for index, seconds in order
            ),
            output=folder / "video.mp4",
            music=folder / f"{songs[-1]:03d}" if songs else None,
            instruction=words,
            short_side=self._short_side,
            captions=tuple(
                LocalCaption(caption.text, caption.shot, caption.offset, caption.seconds)
                for caption in (cut.captions if cut is not None else ())
            ),
        )

    async def _cut(self, session_id: str, media: list[UploadedMedia]) -> Cut | None:
        """The cloud draft's cut of the uploads; None when it cannot be read or matched.

        Reading the state costs no credits, but the cloud may be why this video is made
        here at all: a slow or failing answer is waited for briefly, then done without.
        """
        try:
            async with asyncio.timeout(_STATE_WAIT_SECONDS):
                state = await self._nemo.state(session_id)
        except (NemoError, TimeoutError) as error:
            log.info("session %s: no draft to follow (%s)", session_id, type(error).__name__)
            return None
        return read_cut(state.draft, media)

    async def _deliver(
        self, render_id: str, chat: ChatRef, video: VideoReady, out: ChatOutput
    ) -> None:
        try:
            await out.show(video)
        except ChatUnreachable:
            # Nobody is left to tell: the render ends here, quietly, and for good.
            await self._db.renders.update(render_id, status="failed", error="ChatUnreachable")
            return
        await self._db.renders.update(render_id, status="done", progress=100)
        await self._db.renders.mark_delivered(render_id)
        log.info(
            "chat %s: local render %s delivered",
            chat.chat_id,
            render_id,
            extra={"event": "render_delivered"},
        )


def _failure(error: MediaUnavailable | LocalRenderFailed) -> LocalVideoFailed:
    if isinstance(error, MediaUnavailable):
        return LocalVideoFailed(LocalFailure.UNAVAILABLE)
    if error.nothing:
        return LocalVideoFailed(LocalFailure.NOTHING_TO_SHOW)
    if error.unreadable is not None:
        return LocalVideoFailed(LocalFailure.UNREADABLE, error.unreadable)
    return LocalVideoFailed(LocalFailure.FAILED)
