"""The Uploader's verdict on each file: size before any byte is downloaded, then content."""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pillow_heif
import pytest
from PIL import Image

from bot.core import conversions
from bot.core.conversions import Conversions
from bot.core.media import DEFAULT_MAX_PIXELS, PRODUCT_MAX_BYTES, VOICE_MAX_BYTES
from bot.core.notices import RefusalReason, UploadRefused
from bot.core.ports import ChatRef
from bot.core.sessions import Sessions
from bot.core.uploads import IncomingFile, Uploader, UploadReport
from storage import Database
from tests.fakes.nemo import NemoFake
from tests.fakes.telegram.files import voice_bytes
from tests.nemo.support import MemoryStore, make_client

DOWNLOAD_LIMIT = 20_000_000
MAX_PIXELS = DEFAULT_MAX_PIXELS
CHAT = ChatRef(chat_id=42, locale="it")
PDF = b"%PDF-1.7\n" + b"\x00" * 600


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 8), "orange").save(buffer, format="PNG")
    return buffer.getvalue()


class Sent:
    """A file as the messenger offers it; ``downloads`` counts how often it was opened."""

    def __init__(self, data: bytes, name: str | None, *, size: int | None = -1) -> None:
        self.data = data
        self.downloads = 0
        self.file = IncomingFile(
            unique_id=f"u{id(self)}",
            file_name=name,
            size=len(data) if size == -1 else size,
            open=self._open,
        )

    async def _open(self) -> AsyncIterator[bytes]:
        self.downloads += 1
        if self.data:
            yield self.data


@pytest.fixture
async def upload(nemo: NemoFake, tmp_path: Path):
    db = await Database.open(str(tmp_path / "bot.sqlite3"))
    async with make_client(nemo, MemoryStore()) as client:
        sessions = Sessions(db, client, "https://nemovideo.example")

        async def send(
            *sent: Sent, download_limit: int = DOWNLOAD_LIMIT, max_pixels: int = MAX_PIXELS
        ) -> UploadReport:
            uploader = Uploader(
                client,
                sessions,
                db,
                download_limit=download_limit,
                conversions=Conversions(max_pixels=max_pixels, at_once=1),
            )

            async def one() -> AsyncIterator[IncomingFile]:
                for each in sent:
                    yield each.file

            return await uploader.upload(CHAT, one())

        yield send
    await db.close()


def uploaded(nemo: NemoFake) -> list[tuple[str, str]]:
    return [
        (part.filename, part.content_type)
        for request in nemo.requests_to("POST", "/api/upload-video")
        for part in request.files
    ]


@pytest.mark.parametrize(
    ("size", "reason", "limit"),
    [
        pytest.param(0, RefusalReason.EMPTY, None, id="empty"),
        pytest.param(
            DOWNLOAD_LIMIT + 1,
            RefusalReason.TOO_BIG_FOR_TELEGRAM,
            DOWNLOAD_LIMIT,
            id="over-the-download-limit",
        ),
        pytest.param(
            PRODUCT_MAX_BYTES + 1, RefusalReason.TOO_LARGE, PRODUCT_MAX_BYTES, id="over-the-cloud"
        ),
    ],
)
async def test_a_file_is_refused_by_its_size_before_a_byte_is_downloaded(
    upload, nemo, size, reason, limit
):
    sent = Sent(png(), "foto.png", size=size)

    report = await upload(sent)

    assert report.refused == [UploadRefused(reason, "foto.png", limit)]
    assert sent.downloads == 0
    assert uploaded(nemo) == []


async def test_a_file_exactly_at_the_download_limit_is_uploaded(upload, nemo):
    sent = Sent(png(), "foto.png")

    report = await upload(sent, download_limit=len(sent.data))

    assert (report.uploaded, report.refused) == (1, [])


async def test_a_file_of_unknown_size_is_judged_by_content_alone(upload, nemo):
    report = await upload(Sent(png(), None, size=None), download_limit=10)

    assert report.uploaded == 1


async def test_a_download_without_bytes_is_empty(upload, nemo):
    report = await upload(Sent(b"", "a.jpg", size=None))

    assert report.refused == [UploadRefused(RefusalReason.EMPTY, "a.jpg")]
    assert uploaded(nemo) == []


async def test_a_lying_extension_is_replaced_by_what_the_content_is(upload, nemo):
    await upload(Sent(png(), "clip.mp4"))

    assert uploaded(nemo) == [("clip.png", "image/png")]


async def test_unknown_content_is_refused_whatever_its_name(upload, nemo):
    report = await upload(Sent(PDF, "clip.mp4"))

    assert report.refused == [UploadRefused(RefusalReason.UNSUPPORTED, "clip.mp4")]
    assert uploaded(nemo) == []


async def test_a_voice_note_is_uploaded_as_mp3(upload, nemo):
    await upload(Sent(voice_bytes(seconds=1.0), None))

    [(name, mime)] = uploaded(nemo)
    assert name.endswith(".mp3") and mime == "audio/mpeg"


async def test_a_voice_note_over_its_limit_is_refused_without_transcoding(upload, nemo):
    sent = Sent(voice_bytes(seconds=1.0), "nota.ogg", size=VOICE_MAX_BYTES + 1)

    report = await upload(sent)

    assert report.refused == [UploadRefused(RefusalReason.TOO_LARGE, "nota.ogg", VOICE_MAX_BYTES)]
    assert uploaded(nemo) == []


def heic(size: tuple[int, int] = (40, 20)) -> bytes:
    buffer = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", size, "orange")).save(buffer, quality=50)
    return buffer.getvalue()


def sideways(format_name: str, orientation: int) -> bytes:
    """A 40x20 picture, red on the left, whose EXIF says to show it turned."""
    image = Image.new("RGB", (40, 20), "blue")
    image.paste("red", (0, 0, 20, 20))
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, format=format_name, exif=exif)
    return buffer.getvalue()


@pytest.fixture
def sent_bytes(monkeypatch) -> list[bytes]:
    """What each upload carried: the NemoVideo fake keeps only sizes and hashes."""
    carried: list[bytes] = []
    real = Uploader._send

    async def spy(self, chat, session, source):
        carried.append(b"".join([chunk async for chunk in source.open()]))
        return await real(self, chat, session, source)

    monkeypatch.setattr(Uploader, "_send", spy)
    return carried


async def test_a_heic_over_the_pixel_limit_is_refused_before_decoding(upload, nemo):
    report = await upload(Sent(heic(), "bomba.heic"), max_pixels=40 * 20 - 1)

    assert report.refused == [UploadRefused(RefusalReason.TOO_MANY_PIXELS, "bomba.heic", limit=0)]
    assert uploaded(nemo) == []


async def test_a_heic_longer_than_its_announced_size_stops_at_the_byte_cap(
    upload, nemo, monkeypatch
):
    monkeypatch.setattr(conversions, "READ_WHOLE_MAX_BYTES", 1000)
    data = heic() + bytes(2000)

    report = await upload(Sent(data, "foto.heic", size=None))

    assert report.refused == [UploadRefused(RefusalReason.TOO_LARGE, "foto.heic", 1000)]


async def test_a_voice_note_is_judged_by_its_duration_not_only_its_bytes(
    upload, nemo, monkeypatch
):
    monkeypatch.setattr(conversions, "VOICE_MAX_SECONDS", 60.0)
    sent = Sent(voice_bytes(seconds=61.0), None)
    assert sent.file.size < VOICE_MAX_BYTES

    report = await upload(sent)

    assert report.refused == [UploadRefused(RefusalReason.TOO_LONG, None, limit=1)]
    assert uploaded(nemo) == []


async def test_conversions_run_one_at_a_time_across_the_process(upload, nemo, monkeypatch):
    running, most = 0, 0
    real = conversions.heic_to_jpeg

    def counted(data: bytes, *, max_pixels: int) -> bytes:
        nonlocal running, most
        running += 1
        most = max(most, running)
        time.sleep(0.05)
        running -= 1
        return real(data, max_pixels=max_pixels)

    monkeypatch.setattr(conversions, "heic_to_jpeg", counted)
    report = await upload(*[Sent(heic(), f"{n}.heic") for n in range(4)])

    assert report.uploaded == 4
    assert most == 1


@pytest.mark.parametrize("format_name", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize(
    ("orientation", "red_at"),
    [pytest.param(6, (10, 5), id="6-clockwise"), pytest.param(8, (10, 35), id="8-anticlockwise")],
)
async def test_a_photo_sent_as_a_file_is_turned_upright(
    upload, sent_bytes, format_name, orientation, red_at
):
    await upload(Sent(sideways(format_name, orientation), f"foto.{format_name.lower()}"))

    [carried] = sent_bytes
    picture = Image.open(io.BytesIO(carried))
    assert (picture.format, picture.size) == (format_name, (20, 40))
    assert picture.getexif().get(0x0112, 1) == 1
    red, green, blue = picture.convert("RGB").getpixel(red_at)
    assert red > 180 and green < 80 and blue < 80


@pytest.mark.parametrize("format_name", ["JPEG", "PNG", "WEBP"])
async def test_an_upright_photo_is_sent_byte_for_byte(upload, nemo, format_name):
    data = sideways(format_name, 1)

    await upload(Sent(data, "foto"))

    [request] = nemo.requests_to("POST", "/api/upload-video")
    assert request.files[0].sha256 == hashlib.sha256(data).hexdigest()


async def test_what_the_cloud_calls_a_file_is_kept_for_the_local_video(
    nemo: NemoFake, tmp_path: Path
):
    db = await Database.open(str(tmp_path / "bot.sqlite3"))
    try:
        async with make_client(nemo, MemoryStore()) as client:
            sessions = Sessions(db, client, "https://nemovideo.example")
            uploader = Uploader(client, sessions, db, download_limit=DOWNLOAD_LIMIT)
            photo = Sent(png(), "beach.png")
            kept = IncomingFile(
                unique_id=photo.file.unique_id,
                file_name=photo.file.file_name,
                size=photo.file.size,
                open=photo.file.open,
                file_id="telegram-file-id",
            )

            async def one() -> AsyncIterator[IncomingFile]:
                yield kept

            await uploader.upload(CHAT, one())
            session = await sessions.session(CHAT)
            media = await db.uploads.media(session.session_id)
    finally:
        await db.close()
    answered = nemo.session(session.session_id).uploads
    assert [(m.file_id, m.cloud_name, m.cloud_url) for m in media] == [
        ("telegram-file-id", "beach.png", answered[0]["cdn_url"])
    ]
