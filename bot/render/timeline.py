"""The order and length of everything shown: title, photos and clips, with crossfades.

Each item owns a slot of the timeline, and the video lasts the sum of the slots: ten
photos at three seconds make thirty seconds, as a person asking for "3 secondi a foto"
expects. An item's pictures run on past its slot for one crossfade, fading into the
next item, so a slot is never shorter than two crossfades. Slot edges are rounded to
frames from the running total, so rounding never adds up over many items.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from bot.render.clips import clip_seconds
from bot.render.errors import NothingToRender
from bot.render.options import MediaKind, RenderJob


class SegmentKind(StrEnum):
    TITLE = "title"
    PHOTO = "photo"
    CLIP = "clip"


@dataclass(frozen=True)
class Segment:
    """One item on the timeline and how many pictures it makes, crossfade included."""

    kind: SegmentKind
    frames: int
    path: Path | None = None
    text: str | None = None


@dataclass(frozen=True)
class Timeline:
    """The segments in order; ``crossfade`` frames of each overlap the next one."""

    segments: tuple[Segment, ...]
    crossfade: int
    total_frames: int
    fps: int

    @property
    def seconds(self) -> float:
        return self.total_frames / self.fps


def plan(job: RenderJob) -> Timeline:
    """Lay out the job. Raises NothingToRender, or UnreadableMedia for a clip."""
    options = job.options
    fps = options.fps
    crossfade = round(options.crossfade_seconds * fps)
    items: list[tuple[SegmentKind, float, Path | None, str | None]] = []
    if options.title:
        items.append((SegmentKind.TITLE, options.title_seconds, None, options.title))
    for media in job.media:
        if media.kind is MediaKind.PHOTO:
            items.append((SegmentKind.PHOTO, options.photo_seconds, media.path, None))
        else:
            seconds = min(clip_seconds(media.path), options.clip_seconds)
            items.append((SegmentKind.CLIP, seconds, media.path, None))
    if not items:
        raise NothingToRender("no photo, clip or title")
    shortest = 2 * crossfade / fps
    segments = []
    elapsed = 0.0
    edge = 0
    for index, (kind, seconds, path, text) in enumerate(items):
        elapsed += max(seconds, shortest, 1 / fps)
        next_edge = round(elapsed * fps)
        overlap = crossfade if index < len(items) - 1 else 0
        segments.append(Segment(kind, next_edge - edge + overlap, path, text))
        edge = next_edge
    return Timeline(tuple(segments), crossfade, edge, fps)
