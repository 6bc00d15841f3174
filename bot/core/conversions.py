"""Files read whole and converted before upload, with what that may cost bounded.

Most files stream from the messenger to the cloud and never sit in memory. A few must be
read whole and decoded: HEIC photos (to JPEG), voice notes (to MP3) and photos sent as
files whose EXIF orientation is not upright. Decoding is where a small file becomes a
large allocation (a 20 KB HEIC can claim 9000x9900 pixels, a 10 MB silent voice note
hours of samples), so each is checked before decoding: bytes read, pixels from the
header, duration from the header; and only ``at_once`` conversions run in the process.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import PurePath
from typing import TYPE_CHECKING

from bot.core.media import (
    OGG,
    READ_WHOLE_MAX_BYTES,
    VOICE_MAX_BYTES,
    VOICE_MAX_SECONDS,
    CorruptMedia,
    MediaFormat,
    PictureTooLarge,
    RecordingTooLong,
    heic_to_jpeg,
    upright_image,
    voice_to_mp3,
)
from bot.core.notices import RefusalReason, UploadRefused
from bot.nemo import UploadSource

if TYPE_CHECKING:
    from bot.core.uploads import IncomingFile

log = logging.getLogger(__name__)

_MEGAPIXEL = 1_000_000


class Conversions:
    """Converts files a few at a time, each within the limits.

    The bot builds one, for its one Uploader: its semaphore is the process-wide bound on
    conversions in flight, whatever chats and albums they come from.
    """

    def __init__(self, *, max_pixels: int, at_once: int) -> None:
        self._max_pixels = max_pixels
        self._slots = asyncio.Semaphore(at_once)

    async def convert(
        self,
        incoming: IncomingFile,
        head: bytes,
        stream: AsyncIterator[bytes],
        media: MediaFormat,
    ) -> UploadSource | UploadRefused:
        """HEIC to JPEG, a voice note to MP3; a refusal when the file is over a limit."""
        is_voice = media is OGG
        cap = VOICE_MAX_BYTES if is_voice else READ_WHOLE_MAX_BYTES
        async with self._slots:
            data = await _read_whole(head, stream, cap, incoming.size)
            if data is None:
                return UploadRefused(RefusalReason.TOO_LARGE, incoming.file_name, cap)
            try:
                if is_voice:
                    converted = await asyncio.to_thread(
                        voice_to_mp3, data, max_seconds=VOICE_MAX_SECONDS
                    )
                else:
                    converted = await asyncio.to_thread(
                        heic_to_jpeg, data, max_pixels=self._max_pixels
                    )
            except CorruptMedia:
                return UploadRefused(RefusalReason.CORRUPT, incoming.file_name)
            except PictureTooLarge:
                return self._too_many_pixels(incoming)
            except RecordingTooLong:
                minutes = round(VOICE_MAX_SECONDS / 60)
                return UploadRefused(RefusalReason.TOO_LONG, incoming.file_name, limit=minutes)
        default_stem = f"{'voice' if is_voice else 'photo'}_{incoming.unique_id}"
        stem = PurePath(incoming.file_name or default_stem).stem
        extension, mime = ("mp3", "audio/mpeg") if is_voice else ("jpg", "image/jpeg")
        return _replayed(converted, f"{stem}.{extension}", mime)

    async def upright(
        self,
        incoming: IncomingFile,
        head: bytes,
        stream: AsyncIterator[bytes],
        media: MediaFormat,
        file_name: str,
    ) -> UploadSource | UploadRefused | None:
        """A JPEG, PNG or WEBP turned upright; None to stream it unchanged.

        A picture too big to read whole here, or to decode, is sent as it is rather than
        refused: it is a valid photo, and the cloud may well apply EXIF itself.
        """
        if incoming.size is None or incoming.size > READ_WHOLE_MAX_BYTES:
            log.info("%s: %s bytes, too big to turn upright here", file_name, incoming.size)
            return None
        async with self._slots:
            data = await _read_whole(head, stream, READ_WHOLE_MAX_BYTES, incoming.size)
            if data is None:
                return UploadRefused(
                    RefusalReason.TOO_LARGE, incoming.file_name, READ_WHOLE_MAX_BYTES
                )
            try:
                turned = await asyncio.to_thread(
                    upright_image, data, media, max_pixels=self._max_pixels
                )
            except (CorruptMedia, PictureTooLarge) as exc:
                log.info("%s: not turned upright (%s); sent as it is", file_name, exc)
                turned = None
        return _replayed(turned or data, file_name, media.mime)

    def _too_many_pixels(self, incoming: IncomingFile) -> UploadRefused:
        megapixels = self._max_pixels // _MEGAPIXEL
        return UploadRefused(RefusalReason.TOO_MANY_PIXELS, incoming.file_name, limit=megapixels)


async def _read_whole(
    head: bytes, stream: AsyncIterator[bytes], cap: int, size: int | None
) -> bytes | None:
    """The whole file, or None as soon as it proves longer than ``cap`` bytes.

    Bytes are counted, not only the announced size, which comes from the sender's side.
    """
    chunks, total = [head], len(head)
    if (size or 0) <= cap:
        async for chunk in stream:
            total += len(chunk)
            if total > cap:
                break
            chunks.append(chunk)
    if (size or 0) > cap or total > cap:
        await close_stream(stream)
        return None
    return b"".join(chunks)


def _replayed(data: bytes, file_name: str, mime: str) -> UploadSource:
    """An upload source for bytes in memory, which a retry can read again."""

    async def replay() -> AsyncIterator[bytes]:
        yield data

    return UploadSource(filename=file_name, content_type=mime, open=replay, size=len(data))


async def close_stream(stream: AsyncIterator[bytes]) -> None:
    """End a download early, so its connection is not left open."""
    aclose = getattr(stream, "aclose", None)
    if aclose is not None:
        await aclose()
