"""Export: render the chat's draft, follow the job, deliver the MP4.

A render is recorded in storage from submission to delivery, so a restart in the
middle picks it up again and the video still reaches the chat. Delivery happens once:
the job is marked delivered only after the messenger accepted the video. A chat the
messenger can never reach again ends its render as failed, so no restart retries it.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot import metrics
from bot.core.covers import faces
from bot.core.handover import handed_over
from bot.core.mp4 import probe
from bot.core.notices import (
    Activity,
    Downloading,
    NothingToExport,
    Rendering,
    VideoReady,
    VideoTooBig,
)
from bot.core.ports import ChatOutput, ChatRef, ChatUnreachable, ProgressReporter
from bot.core.sessions import Sessions
from bot.nemo import NemoClient, NemoError, RenderStatus, Session, SessionNotFound
from storage import Database, RenderRecord

log = logging.getLogger(__name__)


@dataclass
class ExportAttempt:
    """What became of one export before it failed: was its render already on record?"""

    on_record: bool = False


class Exporter:
    """Renders drafts and delivers the videos, surviving restarts in between."""

    def __init__(
        self,
        nemo: NemoClient,
        sessions: Sessions,
        db: Database,
        *,
        upload_limit: int,
        workdir: Path | None = None,
    ) -> None:
        self._nemo = nemo
        self._sessions = sessions
        self._db = db
        self._upload_limit = upload_limit
        self._workdir = workdir

    async def export(
        self, chat: ChatRef, out: ChatOutput, attempt: ExportAttempt | None = None
    ) -> None:
        """Render the chat's project and send the video; say so when there is nothing yet.

        Raises NemoError for the caller to explain; ``attempt`` then tells whether the
        render was on record by then (it will still be delivered, after a restart).
        """
        session = await self._sessions.session(chat)
        try:
            state = await self._nemo.state(session.session_id)
        except SessionNotFound:
            await out.show(NothingToExport())
            return
        if not state.has_segments:
            await out.show(NothingToExport())
            return
        async with out.working(Activity.UPLOADING_VIDEO) as progress:
            await progress.update(Rendering(progress=None))
            render_id = await self._nemo.submit_render(session.session_id, state.draft)
            await self._db.renders.add(render_id, chat.chat_id, session.session_id)
            if attempt is not None:
                attempt.on_record = True
            # The render record answers for the request now: a restart resumes it.
            await handed_over()
            log.info(
                "chat %s: render %s submitted",
                chat.chat_id,
                render_id,
                extra={"event": "render_submitted"},
            )
            await self._follow(render_id, chat, session, out, progress)

    async def resume(self, record: RenderRecord, chat: ChatRef, out: ChatOutput) -> None:
        """Pick up a render that was in flight when the bot stopped, and deliver it."""
        session = await self._recorded_session(record, chat)
        async with out.working(Activity.UPLOADING_VIDEO) as progress:
            await progress.update(Rendering(progress=record.progress))
            await self._follow(record.render_id, chat, session, out, progress)

    async def _follow(
        self,
        render_id: str,
        chat: ChatRef,
        session: Session,
        out: ChatOutput,
        progress: ProgressReporter,
    ) -> None:
        """Wait for the render and deliver it, timed and counted in the metrics."""
        with metrics.render():
            await self._wait_and_deliver(render_id, chat, session, out, progress)

    async def _wait_and_deliver(
        self,
        render_id: str,
        chat: ChatRef,
        session: Session,
        out: ChatOutput,
        progress: ProgressReporter,
    ) -> None:
        async def on_progress(status: RenderStatus) -> None:
            await self._db.renders.update(
                render_id, status=status.phase.value, progress=status.progress
            )
            await progress.update(Rendering(progress=status.progress))

        try:
            status = await self._nemo.wait_for_render(render_id, on_progress=on_progress)
        except NemoError as error:
            await self._db.renders.update(render_id, status="failed", error=type(error).__name__)
            raise
        await self._db.renders.update(
            render_id, status=status.phase.value, progress=100, output_url=status.output_url
        )
        link = await self._project_link(session)
        try:
            if status.size is not None and status.size > self._upload_limit and status.output_url:
                await out.show(VideoTooBig(status.output_url, status.size, link))
            else:
                await progress.update(Downloading())
                await self._deliver_file(render_id, session.session_id, status, out, link)
        except ChatUnreachable:
            # Nobody is left to tell: the render ends here, quietly, and for good.
            await self._db.renders.update(render_id, status="failed", error="ChatUnreachable")
            log.warning("chat %s: unreachable, render %s given up", chat.chat_id, render_id)
            return
        await self._db.renders.mark_delivered(render_id)
        log.info(
            "chat %s: render %s delivered",
            chat.chat_id,
            render_id,
            extra={"event": "render_delivered"},
        )

    async def _deliver_file(
        self,
        render_id: str,
        session_id: str,
        status: RenderStatus,
        out: ChatOutput,
        link: str | None,
    ) -> None:
        with tempfile.TemporaryDirectory(dir=self._workdir, prefix="render-") as folder:
            path = Path(folder) / f"{render_id}.mp4"
            # With a link to fall back on, a video too big to send is not fetched whole.
            limit = self._upload_limit if status.output_url else None
            size = await self._nemo.download(status.output_url, render_id, path, max_bytes=limit)
            if size > self._upload_limit and status.output_url:
                await out.show(VideoTooBig(status.output_url, size, link))
                return
            info = probe(path)
            face = await faces(self._db, session_id, size, info.width, info.height)
            await out.show(
                VideoReady(
                    path=path,
                    size=size,
                    width=info.width,
                    height=info.height,
                    duration=info.duration or status.duration,
                    project_link=link,
                    download_url=status.output_url,
                    thumbnail=face.thumbnail,
                    cover=face.cover,
                    share_key=render_id,
                )
            )

    async def _recorded_session(self, render: RenderRecord, chat: ChatRef) -> Session:
        """The session a render was made from, with its task id while the chat still edits it.

        The task id serves only the project link: a chat that has moved on to a new
        project gets no link to the old one.
        """
        record = await self._db.chats.get(chat.chat_id)
        if record is None or record.session_id != render.session_id:
            return Session(session_id=render.session_id, task_id="")
        return Session(session_id=render.session_id, task_id=record.task_id or "")

    async def _project_link(self, session: Session) -> str | None:
        """The link to the project is a courtesy: its failure must not block the video."""
        if not session.task_id:
            return None
        with contextlib.suppress(NemoError):
            return await self._sessions.link(session)
        return None
