"""A video's face: the project's first photo within Telegram's thumbnail limits, else a card."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image

from bot.core.covers import (
    MAX_SOURCE_PIXELS,
    PREVIEWLESS_ABOVE,
    THUMBNAIL_MAX_BYTES,
    THUMBNAIL_SIDE,
    cover_jpeg,
    faces,
    keep_first_photo,
    plain_card,
)
from bot.nemo import UploadSource
from storage import Database


def photo(width: int, height: int, *, noise: bool = False) -> bytes:
    image = Image.effect_noise((width, height), 100) if noise else Image.new("L", (width, height))
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "PNG")
    return buffer.getvalue()


def source(data: bytes, content_type: str = "image/png") -> UploadSource:
    async def stream() -> AsyncIterator[bytes]:
        yield data

    return UploadSource("photo.png", content_type, stream, len(data))


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with await Database.open(str(tmp_path / "bot.sqlite3")) as database:
        yield database


def size_of(jpeg: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(jpeg)) as image:
        assert image.format == "JPEG"
        return image.size


async def test_the_first_photo_becomes_every_thumbnail_within_the_limits(db):
    await keep_first_photo(db, "s1", source(photo(2000, 1500, noise=True)))
    await keep_first_photo(db, "s1", source(photo(100, 400)))
    face = await faces(db, "s1", 1_000_000, 1920, 1080)
    assert size_of(face.thumbnail) == (THUMBNAIL_SIDE, 240)  # the first photo, 4:3
    assert len(face.thumbnail) <= THUMBNAIL_MAX_BYTES
    assert face.cover is None  # Telegram previews a small video itself


async def test_a_big_video_gets_the_cover_too(db):
    await keep_first_photo(db, "s1", source(photo(2000, 1000)))
    face = await faces(db, "s1", PREVIEWLESS_ABOVE + 1, 1920, 1080)
    assert face.cover is not None and size_of(face.cover) == (1280, 640)


async def test_clips_music_and_broken_photos_leave_no_cover(db):
    await keep_first_photo(db, "s1", source(b"\x00\x00\x00\x18ftypmp42", "video/mp4"))
    await keep_first_photo(db, "s1", source(b"\x89PNG\r\n\x1a\nbroken"))
    assert not await db.covers.has("s1")
    face = await faces(db, "s1", 1_000, 1080, 1920)
    assert size_of(face.thumbnail) == (180, THUMBNAIL_SIDE)  # a card, upright like the video


def test_a_card_without_known_proportions_is_16_9():
    assert size_of(plain_card(None, None)) == (THUMBNAIL_SIDE, 180)


def test_a_photo_over_the_pixel_cap_is_refused_before_it_is_decoded():
    side = 8_000  # 64 MP: over the cap; as a one-bit PNG it is a few kilobytes
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, format="PNG")
    assert side * side > MAX_SOURCE_PIXELS
    with pytest.raises(ValueError, match="too many pixels"):
        cover_jpeg(buffer.getvalue())


def test_a_big_rotated_jpeg_becomes_a_small_upright_cover():
    photo = Image.new("RGB", (4000, 3000), "red")
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turned 90° clockwise
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", exif=exif)
    with Image.open(io.BytesIO(cover_jpeg(buffer.getvalue()))) as cover:
        assert cover.size == (960, 1280)
