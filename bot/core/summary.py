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

from bot.core.draft_fields import (
    AUDIO_TRACK,
    DURATION_KEYS,
    NAME_KEYS,
    START_KEYS,
    TEXT_KEYS,
    TEXT_TRACK,
    VIDEO_TRACK,
    VOLUME_KEYS,
    first_text,
    merged,
    number,
    segments,
    track_code,
    tracks,
)


class TrackKind(StrEnum):
    """What a track holds, from the draft's ``tt`` code."""

    VIDEO = "video"
    AUDIO = "audio"
    TEXT = "text"
    OTHER = "other"


_KIND_BY_CODE = {
    VIDEO_TRACK: TrackKind.VIDEO,
    AUDIO_TRACK: TrackKind.AUDIO,
    TEXT_TRACK: TrackKind.TEXT,
}


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
    summaries = (_track(raw) for raw in tracks(draft))
    return Timeline(tuple(track for track in summaries if track is not None))


def _track(raw: Mapping[str, Any]) -> TrackSummary | None:
    items = segments(raw)
    if not items:
        return None
    metas = [merged(raw)] + [merged(segment) for segment in items]
    start, end = _span(raw, items)
    code = track_code(raw)
    return TrackSummary(
        kind=_KIND_BY_CODE.get(code, TrackKind.OTHER) if code is not None else TrackKind.OTHER,
        name=first_text(metas, NAME_KEYS),
        text=first_text(metas, TEXT_KEYS),
        start_ms=start,
        end_ms=end,
        volume=_volume(metas),
        segments=len(items),
    )


def _span(raw: Mapping[str, Any], items: Sequence[Mapping[str, Any]]) -> tuple[int, int]:
    """Earliest start and latest end over the segments, falling back to the track's ``d``."""
    start: float | None = None
    end = 0.0
    for segment in items:
        seg_start = number(segment, START_KEYS) or 0
        seg_end = seg_start + (number(segment, DURATION_KEYS) or 0)
        start = seg_start if start is None else min(start, seg_start)
        end = max(end, seg_end)
    if end == 0:
        end = number(raw, DURATION_KEYS) or 0
    return int(start or 0), int(end)


def _volume(metas: Sequence[Mapping[str, Any]]) -> float | None:
    """Volume as a fraction; drafts write it as 0–1 or as a percentage."""
    for meta in metas:
        volume = number(meta, VOLUME_KEYS)
        if volume is not None:
            return volume / 100 if volume > 1 else volume
    return None
