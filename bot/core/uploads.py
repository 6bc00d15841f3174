"""Files from the chat into the project: checked first, streamed, acknowledged once.

Nothing is uploaded that the cloud would refuse or the person did not mean: size is
checked before downloading (the messenger's own download limit comes first), type is
checked by content once the first bytes arrive, and HEIC — which the cloud does not
take — is converted to JPEG keeping its orientation. Files stream from the messenger
to the cloud chunk by chunk; only files converted first (HEIC, voice notes, photos
whose EXIF says they lie sideways) are read whole, within ``Conversions``' limits.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterable, AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import PurePath

from bot import metrics
from bot.core.conversions import Conversions, close_stream
from bot.core.covers import keep_first_photo
from bot.core.media import (
    DEFAULT_MAX_PIXELS,
    JPEG,
    PNG,
    PRODUCT_MAX_BYTES,
    WEBP,
    MediaFormat,
    MediaKind,
    may_need_turning,
    sniff,
)
from bot.core.notices import RefusalReason, UploadRefused
from bot.core.ports import ChatRef
from bot.core.sessions import Sessions
from bot.nemo import (
    FileTooLarge,
    NemoClient,
    NemoError,
    Session,
    SessionNotFound,
    UnsupportedFile,
    UploadResult,
    UploadSource,
)
from storage import Claimant, Database

log = logging.getLogger(__name__)

_HEAD_BYTES = 512
# Enough for a JPEG's EXIF segment (at most 64 KiB) or a PNG's chunks before its pixels.
_PICTURE_HEAD_BYTES = 66 * 1024
_ORIENTED = (JPEG, PNG, WEBP)
_PARALLEL_UPLOADS = 4
_CONVERTED = {"heic", "heif", "ogg"}
# Past this, a claim is taken for lost even in the process that made it: far longer than
# the client's own timeouts let one upload run, so a claim this old is no upload at all.
CLAIM_TIMEOUT = timedelta(hours=1)


@dataclass(frozen=True)
class IncomingFile:
    """A file a person sent, not yet downloaded.

    ``open`` starts a fresh download each time it is called, so an upload can be
    retried without keeping the file in memory.
    """

    unique_id: str
    file_name: str | None
    size: int | None
    open: Callable[[], AsyncIterator[bytes]]
    # What fetches the file from the messenger again, for a video made by the bot itself.
    file_id: str | None = None


class _Duplicate:
    """The file is already in the project: nothing to upload."""


DUPLICATE = _Duplicate()


@dataclass(frozen=True)
class _Sent:
    """The file is in the project: what it was judged to be, and what the cloud calls it."""

    kind: MediaKind
    cloud_name: str | None
    cloud_url: str | None


@dataclass
class UploadReport:
    """What became of a batch: how many files reached the project and which were refused.

    ``already_in`` counts files the project had before (the same photo sent again).
    """

    uploaded: int = 0
    total: int = 0
    already_in: int = 0
    refused: list[UploadRefused] = field(default_factory=list)

    @property
    def in_project(self) -> bool:
        """True when the batch's files are in the project, whether new or not."""
        return bool(self.uploaded or self.already_in)


class Uploader:
    """Checks and uploads batches of files into a chat's project."""

    def __init__(
        self,
        nemo: NemoClient,
        sessions: Sessions,
        db: Database,
        *,
        download_limit: int,
        conversions: Conversions | None = None,
        claimant: Claimant | None = None,
    ) -> None:
        """``claimant`` names this process on its upload claims; one per process by default.

        ``conversions`` bounds the files converted at once; the bot passes the one it
        builds from its settings, and the default keeps one at a time at the default limits.
        """
        self._nemo = nemo
        self._sessions = sessions
        self._db = db
        self._download_limit = download_limit
        self._conversions = conversions or Conversions(max_pixels=DEFAULT_MAX_PIXELS, at_once=1)
        self._claimant = claimant or Claimant.this_boot()

    async def upload(self, chat: ChatRef, files: AsyncIterable[IncomingFile]) -> UploadReport:
        """Upload every acceptable file of a batch, a few at a time, and count them.

        Each file starts as soon as ``files`` hands it over, so an album's items upload
        while the rest are still arriving; the count is taken once ``files`` has ended
        and every upload is done.

        Raises NemoError when the cloud fails for a reason other than the file itself.
        """
        report = UploadReport()
        session = await self._sessions.session(chat)
        limit = asyncio.Semaphore(_PARALLEL_UPLOADS)

        async def one(incoming: IncomingFile) -> None:
            async with limit:
                outcome = await self._upload_one(chat, session, incoming)
            if outcome is None:
                report.uploaded += 1
            elif isinstance(outcome, UploadRefused):
                report.refused.append(outcome)
            else:
                report.already_in += 1

        failure: NemoError | None = None
        try:
            async with asyncio.TaskGroup() as group:
                async for incoming in files:
                    group.create_task(one(incoming))
        except* NemoError as failures:
            # One cloud failure stops the batch; the caller explains it like any other.
            failure = _first(failures)
        if report.uploaded:
            # What did get in is in the project, failure or not: the total must say so.
            report.total = await self._sessions.add_items(chat, report.uploaded)
        if failure is not None:
            raise failure
        return report

    async def upload_links(self, chat: ChatRef, urls: Sequence[str]) -> UploadReport:
        """Have the cloud fetch media by URL: the way round Telegram's download limit."""
        session = await self._sessions.session(chat)
        try:
            result = await self._nemo.upload_urls(session.session_id, urls)
        except SessionNotFound:
            session = await self._sessions.renew(chat, stale=session)
            result = await self._nemo.upload_urls(session.session_id, urls)
        uploaded = len(result.files) or len(urls)
        total = await self._sessions.add_items(chat, uploaded)
        return UploadReport(uploaded=uploaded, total=total)

    async def _upload_one(
        self, chat: ChatRef, session: Session, incoming: IncomingFile
    ) -> UploadRefused | _Duplicate | None:
        refusal = self._refuse_by_size(incoming)
        if refusal is not None:
            return refusal
        # Claimed before uploading, so a Telegram update delivered twice (a restart before
        # its offset was confirmed) never uploads the same file into the project twice.
        # A claim a killed process left behind is no duplicate: the file is uploaded now.
        claimed = await self._db.uploads.claim(
            chat.chat_id,
            session.session_id,
            incoming.unique_id,
            incoming.file_name or "",
            "",
            claimant=self._claimant,
            stale_before=datetime.now(UTC) - CLAIM_TIMEOUT,
            file_id=incoming.file_id,
        )
        if not claimed:
            return DUPLICATE
        try:
            outcome = await self._prepare_and_send(chat, session, incoming)
        except BaseException:
            await self._forget(session, incoming)
            raise
        if isinstance(outcome, _Sent):
            await self._db.uploads.mark_uploaded(
                session.session_id,
                incoming.unique_id,
                outcome.kind.value,
                cloud_name=outcome.cloud_name,
                cloud_url=outcome.cloud_url,
            )
            return None
        await self._forget(session, incoming)
        return outcome

    async def _forget(self, session: Session, incoming: IncomingFile) -> None:
        await self._db.uploads.forget(
            session.session_id, incoming.unique_id, claimant=self._claimant
        )

    async def _prepare_and_send(
        self, chat: ChatRef, session: Session, incoming: IncomingFile
    ) -> UploadRefused | _Sent:
        """Upload the file; what it was judged to be and called, or why it was refused."""
        prepared = await _prepare(incoming, self._conversions)
        if isinstance(prepared, UploadRefused):
            return prepared
        try:
            session, result = await self._send(chat, session, prepared)
        except UnsupportedFile:
            return UploadRefused(RefusalReason.UNSUPPORTED, incoming.file_name)
        except FileTooLarge:
            return UploadRefused(RefusalReason.TOO_LARGE, incoming.file_name, PRODUCT_MAX_BYTES)
        metrics.upload(prepared.size or incoming.size)
        await keep_first_photo(self._db, session.session_id, prepared)
        kind = MediaKind(prepared.content_type.partition("/")[0])
        if not result.files:
            return _Sent(kind, cloud_name=None, cloud_url=None)
        named = result.files[0]  # one file per call
        return _Sent(kind, cloud_name=named.filename or None, cloud_url=named.cdn_url or None)

    async def _send(
        self, chat: ChatRef, session: Session, source: UploadSource
    ) -> tuple[Session, UploadResult]:
        """Upload into the chat's session; the session the file went to, and the answer."""
        try:
            result = await self._nemo.upload_files(session.session_id, [source])
        except SessionNotFound:
            session = await self._sessions.renew(chat, stale=session)
            result = await self._nemo.upload_files(session.session_id, [source])
        return session, result

    def _refuse_by_size(self, incoming: IncomingFile) -> UploadRefused | None:
        if incoming.size is None:
            return None
        if incoming.size > PRODUCT_MAX_BYTES:
            return UploadRefused(RefusalReason.TOO_LARGE, incoming.file_name, PRODUCT_MAX_BYTES)
        if incoming.size > self._download_limit:
            return UploadRefused(
                RefusalReason.TOO_BIG_FOR_TELEGRAM, incoming.file_name, self._download_limit
            )
        if incoming.size == 0:
            return UploadRefused(RefusalReason.EMPTY, incoming.file_name)
        return None


async def _prepare(
    incoming: IncomingFile, conversions: Conversions
) -> UploadSource | UploadRefused:
    """Open the download, judge the file by its first bytes, and build the upload source."""
    stream = incoming.open()
    head = await _read_head(stream, b"", _HEAD_BYTES)
    if not head:
        await close_stream(stream)
        return UploadRefused(RefusalReason.EMPTY, incoming.file_name)
    media = sniff(head)
    if media is None or not media.uploadable:
        await close_stream(stream)
        return UploadRefused(RefusalReason.UNSUPPORTED, incoming.file_name)
    if media.extension in _CONVERTED:
        return await conversions.convert(incoming, head, stream, media)
    if media in _ORIENTED:
        head = await _read_head(stream, head, _PICTURE_HEAD_BYTES)
        if may_need_turning(head, media):
            name = _file_name(incoming, media)
            turned = await conversions.upright(incoming, head, stream, media, name)
            if turned is not None:
                return turned
    return UploadSource(
        filename=_file_name(incoming, media),
        content_type=media.mime,
        open=_reopenable(incoming, _chain(head, stream)),
        size=incoming.size,
    )


async def _read_head(stream: AsyncIterator[bytes], head: bytes, size: int) -> bytes:
    """Extend ``head`` from the stream to at least ``size`` bytes, or to the file's end."""
    if len(head) >= size:
        return head
    async for chunk in stream:
        head += chunk
        if len(head) >= size:
            break
    return head


async def _chain(head: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    yield head
    async for chunk in rest:
        yield chunk


def _reopenable(
    incoming: IncomingFile, first: AsyncIterator[bytes]
) -> Callable[[], AsyncIterator[bytes]]:
    """Hand out the already-started download once, then fresh downloads for retries."""
    pending = [first]

    def open_stream() -> AsyncIterator[bytes]:
        return pending.pop() if pending else incoming.open()

    return open_stream


def _file_name(incoming: IncomingFile, media: MediaFormat) -> str:
    """Name the file by its content: the cloud checks extensions, and names can lie."""
    stem = PurePath(incoming.file_name).stem if incoming.file_name else None
    return f"{stem or f'file_{incoming.unique_id}'}.{media.extension}"


def _first(group: BaseExceptionGroup[NemoError]) -> NemoError:
    """The first cloud error of a task group's failures, however nested."""
    first = group.exceptions[0]
    return _first(first) if isinstance(first, BaseExceptionGroup) else first
