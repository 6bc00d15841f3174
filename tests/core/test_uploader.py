"""The Uploader's verdict on each file: size before any byte is downloaded, then content."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image

from bot.core.media import PRODUCT_MAX_BYTES, VOICE_MAX_BYTES
from bot.core.notices import RefusalReason, UploadRefused
from bot.core.ports import ChatRef
from bot.core.sessions import Sessions
from bot.core.uploads import IncomingFile, Uploader, UploadReport
from storage import Database
from tests.fakes.nemo import NemoFake
from tests.fakes.telegram.files import voice_bytes
from tests.nemo.support import MemoryStore, make_client

DOWNLOAD_LIMIT = 20_000_000
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

        async def send(sent: Sent, *, download_limit: int = DOWNLOAD_LIMIT) -> UploadReport:
            uploader = Uploader(client, sessions, db, download_limit=download_limit)

            async def one() -> AsyncIterator[IncomingFile]:
                yield sent.file

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
