"""A readable summary of a NemoVideo draft.

The draft format is compact and its segment internals are undocumented (``t`` tracks,
``tt`` track type, ``sg`` segments, ``d`` duration in ms, ``m`` metadata), so every
field is read defensively: an unknown shape yields a shorter summary, never an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

_NAME_KEYS = ("name", "title", "n", "label", "file_name", "filename")
_TEXT_KEYS = ("text", "content", "tx")
_VOLUME_KEYS = ("volume", "vol", "v")
_START_KEYS = ("st", "start", "s", "offset")
_DURATION_KEYS = ("d", "duration", "dur")
# Larger numbers are not times or volumes (10**12 ms is some 31 years): ignored.
_LARGEST = 10**12


class TrackKind(StrEnum):
    """What a track holds, from the draft's ``tt`` code."""

    VIDEO = "video"
    AUDIO = "audio"
    TEXT = "text"
    OTHER = "other"


_KIND_BY_CODE = {0: TrackKind.VIDEO, 1: TrackKind.AUDIO, 7: TrackKind.TEXT}


@dataclass(frozen=True)
class TrackSummary:
    """One track: what it is, what it is called and when it plays (milliseconds)."""

    kind: TrackKind
    name: str | None
    text: str | None
    start_ms: int
    end_ms: int
    volume: float | None
    segments: int


@dataclass(frozen=True)
class Timeline:
    """The tracks of a draft that have content, in draft order."""

    tracks: tuple[TrackSummary, ...]

    @property
    def is_empty(self) -> bool:
        """True when nothing could be exported yet."""
        return not self.tracks


def summarize(draft: Any) -> Timeline:
    """Summarise a draft; tracks without segments are left out."""
    if not isinstance(draft, Mapping):
        return Timeline(())
    raw_tracks = draft.get("t", draft.get("tracks"))
    if not isinstance(raw_tracks, Sequence) or isinstance(raw_tracks, str):
        return Timeline(())
    tracks = (_track(raw) for raw in raw_tracks if isinstance(raw, Mapping))
    return Timeline(tuple(track for track in tracks if track is not None))


def _track(raw: Mapping[str, Any]) -> TrackSummary | None:
    segments = raw.get("sg", raw.get("segments"))
    if not isinstance(segments, Sequence) or isinstance(segments, str) or not segments:
        return None
    metas = [_meta(raw)] + [_meta(seg) for seg in segments if isinstance(seg, Mapping)]
    start, end = _span(raw, segments)
    code = raw.get("tt", raw.get("type"))
    kind = _KIND_BY_CODE.get(code, TrackKind.OTHER) if isinstance(code, int) else TrackKind.OTHER
    return TrackSummary(
        kind=kind,
        name=_first_text(metas, _NAME_KEYS),
        text=_first_text(metas, _TEXT_KEYS),
        start_ms=start,
        end_ms=end,
        volume=_volume(metas),
        segments=len(segments),
    )


def _meta(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = raw.get("m", raw.get("meta"))
    merged: dict[str, Any] = dict(meta) if isinstance(meta, Mapping) else {}
    for key, value in raw.items():
        merged.setdefault(key, value)
    return merged


def _span(raw: Mapping[str, Any], segments: Sequence[Any]) -> tuple[int, int]:
    """Earliest start and latest end over the segments, falling back to the track's ``d``."""
    start: int | None = None
    end = 0
    for segment in segments:
        if not isinstance(segment, Mapping):
            continue
        seg_start = _number(segment, _START_KEYS) or 0
        seg_end = seg_start + (_number(segment, _DURATION_KEYS) or 0)
        start = seg_start if start is None else min(start, seg_start)
        end = max(end, seg_end)
    if end == 0:
        end = _number(raw, _DURATION_KEYS) or 0
    return int(start or 0), int(end)


def _number(raw: Mapping[str, Any], keys: Sequence[str]) -> float | None:
    """The first usable number under ``keys``: finite, not negative, not absurdly large.

    JSON may carry ``Infinity`` or integers too big for a float; such values would break
    the arithmetic (``int(inf)``), so they count as missing.
    """
    for key in keys:
        value = raw.get(key)
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if is_number and 0 <= value <= _LARGEST:
            return float(value)
    return None


def _first_text(metas: Sequence[Mapping[str, Any]], keys: Sequence[str]) -> str | None:
    for meta in metas:
        for key in keys:
            value = meta.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


def _volume(metas: Sequence[Mapping[str, Any]]) -> float | None:
    """Volume as a fraction; drafts write it as 0–1 or as a percentage."""
    for meta in metas:
        volume = _number(meta, _VOLUME_KEYS)
        if volume is not None:
            return volume / 100 if volume > 1 else volume
    return None
