"""The order and length of everything shown: title, photos and clips, with crossfades.

Each item owns a slot of the timeline, and the video lasts the sum of the slots: ten
photos at three seconds make thirty seconds, as a person asking for "3 secondi a foto"
expects. An item's pictures run on past its slot for one crossfade, fading into the
next item, so a slot is never shorter than two crossfades. Slot edges are rounded to
frames from the running total, so rounding never adds up over many items.

An item the job gives its own length (the cloud draft's) keeps it, within the bounds a
person may ask for; a clip never outlasts itself. Captions are placed by their item's
slot, so each stays over the picture it was written for.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from bot.render.clips import clip_seconds
from bot.render.errors import NothingToRender
from bot.render.options import (
    MAX_CLIP_SECONDS,
    MAX_PHOTO_SECONDS,
    MIN_PHOTO_SECONDS,
    Caption,
    Media,
    MediaKind,
    RenderJob,
    RenderOptions,
)


class SegmentKind(StrEnum):
    TITLE = "title"
    PHOTO = "photo"
    CLIP = "clip"


@dataclass(frozen=True)
class Segment:
    """One item on the timeline: its first frame and how many pictures it makes, crossfade
    included."""

    kind: SegmentKind
    frames: int
    path: Path | None = None
    text: str | None = None
    start: int = 0


@dataclass(frozen=True)
class PlacedCaption:
    """A caption's text and the frames it shows on, ``first`` up to ``end`` (excluded)."""

    text: str
    first: int
    end: int


@dataclass(frozen=True)
class Timeline:
    """The segments in order; ``crossfade`` frames of each overlap the next one."""

    segments: tuple[Segment, ...]
    crossfade: int
    total_frames: int
    fps: int
    captions: tuple[PlacedCaption, ...] = ()

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
        items.append((_kind(media), _seconds(media, options), media.path, None))
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
        segments.append(Segment(kind, next_edge - edge + overlap, path, text, edge))
        edge = next_edge
    # A caption keeps to its item: the item's slot starts where the crossfade into it does.
    slots = [segment.start for segment in segments[1 if options.title else 0 :]]
    captions = []
    for caption in job.captions:
        if 0 <= caption.media < len(slots):
            placed = _placed(caption, slots[caption.media], fps, edge)
            if placed is not None:
                captions.append(placed)
    return Timeline(tuple(segments), crossfade, edge, fps, tuple(captions))


def _kind(media: Media) -> SegmentKind:
    return SegmentKind.PHOTO if media.kind is MediaKind.PHOTO else SegmentKind.CLIP


def _seconds(media: Media, options: RenderOptions) -> float:
    """How long the item is shown: as the job says for it, within bounds, else the options."""
    if media.kind is MediaKind.PHOTO:
        if media.seconds is None:
            return options.photo_seconds
        return min(max(media.seconds, MIN_PHOTO_SECONDS), MAX_PHOTO_SECONDS)
    limit = options.clip_seconds if media.seconds is None else min(media.seconds, MAX_CLIP_SECONDS)
    return min(clip_seconds(media.path), limit)


def _placed(caption: Caption, slot: int, fps: int, total: int) -> PlacedCaption | None:
    """The caption in frames, cut at the video's end; None when it would not show."""
    first = slot + round(max(caption.offset, 0.0) * fps)
    end = min(total, first + round(caption.seconds * fps))
    return (
        PlacedCaption(caption.text, first, end) if caption.text.strip() and end > first else None
    )
