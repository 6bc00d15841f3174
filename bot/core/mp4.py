"""Width, height and duration of an MP4, read from its boxes.

Telegram shows a video without black bars and with a seek bar only when ``sendVideo``
carries its dimensions and duration, and the render status does not always say them.
Reading ``mvhd`` and ``tkhd`` is enough; nothing is decoded.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_MAX_MOOV = 16 * 1024 * 1024


@dataclass(frozen=True)
class VideoInfo:
    """What ``sendVideo`` wants to know about a file; fields are None when unreadable."""

    width: int | None = None
    height: int | None = None
    duration: float | None = None


def probe(path: Path) -> VideoInfo:
    """Read the video's dimensions and duration; an unreadable file gives an empty result."""
    with path.open("rb") as file:
        try:
            return _walk(file, path.stat().st_size)
        except (struct.error, ValueError, OSError):
            return VideoInfo()


def _walk(file: BinaryIO, end: int) -> VideoInfo:
    width = height = None
    duration = None
    for kind, start, size in _boxes(file, 0, end):
        if kind != b"moov" or size > _MAX_MOOV:
            continue
        file.seek(start)
        moov = file.read(size)
        duration = _duration(moov)
        width, height = _dimensions(moov)
    return VideoInfo(width=width, height=height, duration=duration)


def _boxes(file: BinaryIO, offset: int, end: int) -> list[tuple[bytes, int, int]]:
    """Top-level boxes as (type, payload start, payload size)."""
    found = []
    while offset + 8 <= end:
        file.seek(offset)
        size, kind = struct.unpack(">I4s", file.read(8))
        header = 8
        if size == 1:
            size = struct.unpack(">Q", file.read(8))[0]
            header = 16
        elif size == 0:
            size = end - offset
        if size < header:
            break
        found.append((kind, offset + header, size - header))
        offset += size
    return found


def _children(data: bytes) -> list[tuple[bytes, bytes]]:
    children = []
    offset = 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack_from(">I4s", data, offset)
        if size < 8:
            break
        children.append((kind, data[offset + 8 : offset + size]))
        offset += size
    return children


def _duration(moov: bytes) -> float | None:
    for kind, body in _children(moov):
        if kind == b"mvhd":
            version = body[0]
            if version == 1:
                timescale, length = struct.unpack_from(">IQ", body, 20)
            else:
                timescale, length = struct.unpack_from(">II", body, 12)
            return length / timescale if timescale else None
    return None


def _dimensions(moov: bytes) -> tuple[int | None, int | None]:
    """The first track with a picture: audio tracks have zero width and height."""
    for kind, body in _children(moov):
        if kind != b"trak":
            continue
        for child_kind, child in _children(body):
            if child_kind != b"tkhd":
                continue
            offset = 88 if child[0] == 1 else 76
            width, height = struct.unpack_from(">II", child, offset)
            if width and height:
                return width >> 16, height >> 16
    return None, None
