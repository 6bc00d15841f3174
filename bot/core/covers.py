"""A face for every video: the project's first photo, made small.

Telegram draws a preview of its own only for videos up to about 10 MB; above that, a
video without a thumbnail is a grey box in the chat. No video decoder is among the
bot's dependencies, so the face is not a frame of the render but the project's first
photo, kept when it was uploaded. A project made only of clips, or only of what the
agent generated, gets a plain card in the video's proportions rather than nothing.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.nemo import UploadSource
from storage import Database

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

COVER_SIDE = 1280
THUMBNAIL_SIDE = 320
THUMBNAIL_MAX_BYTES = 200_000
# Telegram makes no preview of its own above this size: a cover is worth sending then.
PREVIEWLESS_ABOVE = 10_000_000
# A photo larger than this is not read whole just to make a 1280-pixel cover of it.
_READ_AT_MOST = 20_000_000
# Nor decoded when it has more pixels than the uploads' own default cap (a 48 MP phone
# photo passes; a decompression bomb does not).
MAX_SOURCE_PIXELS = 50_000_000
_CARD_COLOUR = (24, 24, 32)
_PLAY_COLOUR = (235, 235, 240)


@dataclass(frozen=True)
class Faces:
    """What a video shows before it plays: a thumbnail always, a cover where it helps."""

    thumbnail: bytes
    cover: bytes | None


async def keep_first_photo(db: Database, session_id: str, source: UploadSource) -> None:
    """Keep an uploaded photo as the project's cover when the project has none yet.

    It is read again (a second download) only for the project's first photo; one that
    cannot be read is skipped, as a missing cover must never fail an upload.
    """
    if not source.content_type.startswith("image/") or await db.covers.has(session_id):
        return
    data = await _read_whole(source.open())
    if data is None:
        return
    try:
        cover = await asyncio.to_thread(cover_jpeg, data)
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        # Pillow's UnidentifiedImageError is an OSError; a decompression bomb a ValueError.
        log.info("session %s: no cover from %s (%s)", session_id, source.filename, error)
        return
    await db.covers.keep(session_id, cover)


async def faces(
    db: Database, session_id: str, size: int, width: int | None, height: int | None
) -> Faces:
    """The thumbnail (and, for a video Telegram will not preview, the cover) of a render."""
    cover = await db.covers.get(session_id)
    if cover is None:
        return Faces(plain_card(width, height), None)
    thumbnail = await asyncio.to_thread(thumbnail_jpeg, cover)
    return Faces(thumbnail, cover if size > PREVIEWLESS_ABOVE else None)


def cover_jpeg(data: bytes) -> bytes:
    """The photo upright, at most 1280 pixels a side, as a JPEG.

    Memory stays small whatever the photo: its size is read from the header and a
    photo over the pixel cap is refused before decoding; a JPEG is decoded straight at
    a reduced scale (``draft``), and only the small picture is turned and converted.
    Raises ValueError for a photo over the cap.
    """
    from PIL import Image, ImageOps  # Pillow loads only when a cover is made

    with Image.open(io.BytesIO(data)) as image:
        if image.width * image.height > MAX_SOURCE_PIXELS:
            raise ValueError(f"{image.width}x{image.height} is too many pixels for a cover")
        image.draft("RGB", (COVER_SIDE, COVER_SIDE))
        image.thumbnail((COVER_SIDE, COVER_SIDE))
        upright = ImageOps.exif_transpose(image).convert("RGB")
    return _jpeg(upright, quality=85)


def thumbnail_jpeg(cover: bytes) -> bytes:
    """A JPEG within Telegram's thumbnail limits: 320 pixels a side, 200 kB."""
    from PIL import Image

    with Image.open(io.BytesIO(cover)) as image:
        small = image.convert("RGB")
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    for quality in (85, 70, 50, 30):
        data = _jpeg(small, quality=quality)
        if len(data) <= THUMBNAIL_MAX_BYTES:
            return data
    return data


def plain_card(width: int | None, height: int | None) -> bytes:
    """A dark card with a play sign, in the video's proportions (16:9 when unknown)."""
    from PIL import Image, ImageDraw

    ratio = (width or 16) / (height or 9)
    size = (
        (THUMBNAIL_SIDE, max(1, round(THUMBNAIL_SIDE / ratio)))
        if ratio >= 1
        else (max(1, round(THUMBNAIL_SIDE * ratio)), THUMBNAIL_SIDE)
    )
    card = Image.new("RGB", size, _CARD_COLOUR)
    side = min(size) // 3
    left, top = (size[0] - side) // 2, (size[1] - side) // 2
    triangle = [(left, top), (left, top + side), (left + side, top + side // 2)]
    ImageDraw.Draw(card).polygon(triangle, fill=_PLAY_COLOUR)
    return _jpeg(card, quality=85)


def _jpeg(image: Image.Image, *, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


async def _read_whole(stream: AsyncIterator[bytes]) -> bytes | None:
    data = bytearray()
    try:
        async for chunk in stream:
            data.extend(chunk)
            if len(data) > _READ_AT_MOST:
                return None
    finally:
        aclose = getattr(stream, "aclose", None)
        if aclose is not None:
            await aclose()
    return bytes(data)
