"""The cloud draft's cut of the chat's uploads: which file when, for how long, and captions.

A local video follows the draft where the draft can be read back onto the chat's own
files. Segment internals are not documented, so a segment is matched by any string it
carries (in itself or its ``m``, a few levels deep) that is one upload's CDN address, or
that address's file name, or the file name the cloud answered with at upload. A name
two uploads share tells them apart from nothing and is not used. Segments that match no
upload (stock media, generated clips) are left out, since this machine cannot fetch
them; when none matches, there is no cut and the video keeps the order the files were
sent in.

Times are read in milliseconds from the fields drafts are likely to use (``d`` at
least); segments are taken by their start when every matched one has one, else in
draft order. Text segments become captions, each anchored to the shot it starts in, so
a caption stays on its photo when the local video times the photos differently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from bot.core.draft_fields import (
    DURATION_KEYS,
    START_KEYS,
    TEXT_KEYS,
    TEXT_TRACK,
    VIDEO_TRACK,
    first_text,
    merged,
    number,
    segments,
    strings,
    track_code,
    tracks,
)
from bot.core.media import MediaKind
from storage import UploadedMedia

_END_KEYS = ("et", "end", "e")
_SHOWN = {MediaKind.IMAGE.value, MediaKind.VIDEO.value}
_MAX_CAPTION_CHARACTERS = 200


@dataclass(frozen=True)
class Shot:
    """One upload shown, in cut order, for ``seconds`` (None: the draft does not say)."""

    upload: int  # index into the uploads the cut was read against
    seconds: float | None


@dataclass(frozen=True)
class Caption:
    """Text shown over the video from ``offset`` seconds into a shot, for ``seconds``."""

    text: str
    shot: int  # index into the cut's shots
    offset: float
    seconds: float


@dataclass(frozen=True)
class Cut:
    """The shots in order and the captions over them."""

    shots: tuple[Shot, ...]
    captions: tuple[Caption, ...]


@dataclass(frozen=True)
class _Placed:
    upload: int
    start_ms: float | None
    length_ms: float | None


def read_cut(draft: Any, uploads: Sequence[UploadedMedia]) -> Cut | None:
    """The draft's cut of ``uploads``, or None when none of its segments is one of them."""
    index = _Index(uploads)
    placed = [
        _Placed(upload, number(segment, START_KEYS), _length(segment))
        for track in tracks(draft)
        if track_code(track) == VIDEO_TRACK
        for segment in segments(track)
        if (upload := index.find(segment)) is not None
    ]
    if not placed:
        return None
    if all(item.start_ms is not None for item in placed):
        placed.sort(key=lambda item: item.start_ms or 0.0)
    shots = tuple(
        Shot(item.upload, item.length_ms / 1000 if item.length_ms else None) for item in placed
    )
    return Cut(shots, _captions(draft, _starts(placed)))


def _length(segment: Mapping[str, Any]) -> float | None:
    """The segment's duration, from ``d`` or its start and end, in ms; None if unknown."""
    length = number(segment, DURATION_KEYS)
    if length is None:
        start, end = number(segment, START_KEYS), number(segment, _END_KEYS)
        if start is not None and end is not None and end > start:
            length = end - start
    return length or None


def _starts(placed: Sequence[_Placed]) -> list[float] | None:
    """Each shot's start on the draft's clock, in ms; None when the draft cannot say."""
    if all(item.start_ms is not None for item in placed):
        return [item.start_ms or 0.0 for item in placed]
    if all(item.length_ms for item in placed):
        starts, elapsed = [], 0.0
        for item in placed:
            starts.append(elapsed)
            elapsed += item.length_ms or 0.0
        return starts
    return None


def _captions(draft: Any, starts: list[float] | None) -> tuple[Caption, ...]:
    captions = []
    for track in tracks(draft):
        if track_code(track) != TEXT_TRACK:
            continue
        items = segments(track)
        # A lone segment without a length of its own lasts as long as its track says.
        whole = number(track, DURATION_KEYS) if len(items) == 1 else None
        elapsed = 0.0
        for segment in items:
            text = first_text([merged(segment)], TEXT_KEYS)
            start = number(segment, START_KEYS)
            start = elapsed if start is None else start
            length = _length(segment) or whole
            if length:
                elapsed = start + length
            if text and length:
                captions.append(_anchored(text[:_MAX_CAPTION_CHARACTERS], start, length, starts))
    return tuple(captions)


def _anchored(text: str, start_ms: float, length_ms: float, starts: list[float] | None) -> Caption:
    """The caption on the last shot that starts by its start (the first, if none does)."""
    if starts is None:
        return Caption(text, 0, start_ms / 1000, length_ms / 1000)
    shot = max((i for i, begins in enumerate(starts) if begins <= start_ms), default=0)
    offset = max(0.0, start_ms - starts[shot])
    return Caption(text, shot, offset / 1000, length_ms / 1000)


class _Index:
    """The uploads by every name a draft may know them by: address, file name, given name."""

    def __init__(self, uploads: Sequence[UploadedMedia]) -> None:
        self._by_key: dict[str, int | None] = {}  # None: shared by two uploads, so useless
        for position, upload in enumerate(uploads):
            if upload.file_type not in _SHOWN:
                continue
            keys = {_url_key(upload.cloud_url), _name_key(upload.cloud_url)}
            keys.add(_name_key(upload.cloud_name))
            for key in keys - {None}:
                assert key is not None
                self._by_key[key] = position if key not in self._by_key else None

    def find(self, segment: Mapping[str, Any]) -> int | None:
        """The upload the segment shows: by address first, then by name."""
        found = list(strings(segment))
        for key in (_url_key(value) for value in found):
            if key is not None and self._by_key.get(key) is not None:
                return self._by_key[key]
        for key in (_name_key(value) for value in found):
            if key is not None and self._by_key.get(key) is not None:
                return self._by_key[key]
        return None


def _url_key(value: str | None) -> str | None:
    """An address without its query or fragment (signed CDN links change those)."""
    if not value or "://" not in value:
        return None
    parts = urlsplit(value.strip())
    return f"url:{parts.netloc.casefold()}{parts.path}" if parts.netloc else None


def _name_key(value: str | None) -> str | None:
    """The last part of an address or path, as a file name, if it has an extension."""
    if not value:
        return None
    path = urlsplit(value.strip()).path if "://" in value else value.strip()
    name = PurePosixPath(path.replace("\\", "/")).name.casefold()
    return f"name:{name}" if PurePosixPath(name).suffix else None
