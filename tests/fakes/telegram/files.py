"""Files held by the fake Bot API: what people sent, what the bot uploaded, and the limits.

A file's content lives in one of three places: in memory (small injected media), on disk
(uploads and big test media, streamed and never loaded whole), or nowhere (a file declared by
``file_size`` only, to test size limits without the bytes).
"""

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
from PIL import Image, ImageOps

__all__ = [
    "DOWNLOAD_LIMIT",
    "PHOTO_UPLOAD_LIMIT",
    "UPLOAD_LIMIT",
    "UPLOAD_LIMIT_LOCAL",
    "URL_LIMIT",
    "URL_PHOTO_LIMIT",
    "FileStore",
    "StoredFile",
    "jpeg_bytes",
    "photo_variants",
]

# core.telegram.org/bots/api#getfile and #sending-files, in the decimal megabytes PTB's
# FileSizeLimit uses: a bot that checks against PTB's constants is never surprised here.
DOWNLOAD_LIMIT = 20_000_000
UPLOAD_LIMIT = 50_000_000
PHOTO_UPLOAD_LIMIT = 10_000_000
UPLOAD_LIMIT_LOCAL = 2_000_000_000
URL_LIMIT = 20_000_000
URL_PHOTO_LIMIT = 5_000_000

_FOLDERS = {
    "photo": ("photos", ".jpg"),
    "video": ("videos", ".mp4"),
    "document": ("documents", ""),
    "audio": ("music", ".mp3"),
    "voice": ("voice", ".oga"),
    "animation": ("animations", ".mp4"),
    "sticker": ("stickers", ".webp"),
}
_PHOTO_SIDES = (90, 320, 800)
_PHOTO_MAX_SIDE = 1280


@dataclass
class StoredFile:
    """One file as Telegram keeps it; ``kind`` decides which send method may reuse it."""

    file_id: str
    file_unique_id: str
    kind: str
    size: int
    serial: int
    data: bytes | None = None
    path: Path | None = None
    file_name: str | None = None

    @property
    def has_content(self) -> bool:
        return self.data is not None or self.path is not None

    def read(self) -> bytes:
        """The whole content; for tests, which know how big the file is."""
        if self.data is not None:
            return self.data
        if self.path is None:
            raise LookupError(f"file {self.file_id} was declared by size only; it has no bytes")
        return self.path.read_bytes()


class FileStore:
    """file_id → StoredFile, plus the ``file_path`` names getFile hands out.

    Not thread-safe on its own: the fake calls it with its state lock held.
    """

    def __init__(self, workdir: Path) -> None:
        self._workdir = workdir
        self._files: dict[str, StoredFile] = {}
        self._paths: dict[str, StoredFile] = {}
        self._serial = 0

    def add(
        self,
        kind: str,
        *,
        data: bytes | None = None,
        path: Path | None = None,
        size: int | None = None,
        file_name: str | None = None,
    ) -> StoredFile:
        """Register content (bytes, a file on disk, or only a declared size)."""
        actual = len(data) if data is not None else path.stat().st_size if path else None
        if actual is None and size is None:
            raise ValueError("a file needs bytes, a path on disk, or a declared file_size")
        if actual is not None and size is not None and size != actual:
            raise ValueError(f"file_size={size} contradicts the {actual} bytes given")
        self._serial += 1
        stored = StoredFile(
            file_id=f"FAKE-{kind}-{self._serial:05d}-AgADBAAD",
            file_unique_id=f"AQAD{self._serial:05d}",
            kind=kind,
            size=size if actual is None else actual,
            serial=self._serial,
            data=data,
            path=path,
            file_name=file_name,
        )
        self._files[stored.file_id] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        return self._files.get(file_id)

    def new_upload_path(self) -> Path:
        """A fresh path under the fake's own directory for an upload or a fetched URL."""
        self._serial += 1
        return self._workdir / f"upload-{self._serial:05d}"

    def file_path(self, stored: StoredFile, *, local_mode: bool) -> str:
        """What getFile returns: ``videos/file_3.mp4``, or an absolute path in local mode.

        A local Bot API server hands out its own absolute path and serves no downloads; PTB
        then reads the file directly, so in-memory content is written to disk first.
        """
        folder, extension = _FOLDERS[stored.kind]
        if stored.file_name and not extension:
            extension = Path(stored.file_name).suffix
        relative = f"{folder}/file_{stored.serial}{extension}"
        if not local_mode:
            name = relative
        elif stored.path is not None:
            name = str(stored.path.resolve())
        else:
            target = self._workdir / relative
            if stored.data is not None and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(stored.data)
            name = str(target)
        self._paths[name] = stored
        return name

    def by_file_path(self, file_path: str) -> StoredFile | None:
        return self._paths.get(file_path)


def jpeg_bytes(
    width: int = 64, height: int = 48, color: tuple[int, int, int] = (200, 40, 40)
) -> bytes:
    """A real JPEG, for tests that send photos (the fake decodes them like Telegram)."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG")
    return buffer.getvalue()


def voice_bytes(seconds: float = 2.0) -> bytes:
    """A real voice note as Telegram sends it: OGG Opus, 48 kHz mono (a 440 Hz tone)."""
    frames = np.arange(int(48_000 * seconds)) / 48_000
    tone = (0.3 * np.sin(2 * np.pi * 440 * frames)).astype("float32")
    buffer = io.BytesIO()
    sf.write(buffer, tone, 48_000, format="OGG", subtype="OPUS")
    return buffer.getvalue()


def photo_variants(data: bytes) -> list[tuple[bytes, int, int]]:
    """The PhotoSize ladder Telegram makes from a sent photo, smallest first.

    Telegram re-encodes photos as JPEG at most 1280 px on the long side. An original that
    already fits (a JPEG ≤ 1280 px) is kept byte for byte, so tests can compare it.
    Raises ValueError for bytes that are not an image: a phone cannot send those as a photo.
    """
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (OSError, Image.DecompressionBombError) as exc:
        raise ValueError("send_photo needs real image bytes (see files.jpeg_bytes)") from exc
    original_format = image.format
    image = ImageOps.exif_transpose(image).convert("RGB")
    variants = [_resized(image, side) for side in _PHOTO_SIDES if max(image.size) > side]
    if original_format == "JPEG" and max(image.size) <= _PHOTO_MAX_SIDE:
        variants.append((data, *image.size))
    else:
        variants.append(_resized(image, _PHOTO_MAX_SIDE))
    return variants


def _resized(image: Image.Image, side: int) -> tuple[bytes, int, int]:
    copy = image.copy()
    copy.thumbnail((side, side))
    buffer = io.BytesIO()
    copy.save(buffer, "JPEG", quality=85)
    return buffer.getvalue(), *copy.size
