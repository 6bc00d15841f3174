"""What a render is asked to make: the media in order, the music, the aspect and timings.

Everything here is a frozen dataclass of paths, numbers and strings, so a job pickles
into a worker process as it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

# Bounds on what a person may ask per photo: under a second the pan cannot be seen and
# two crossfades would overlap; past ten seconds a still is a screensaver.
MIN_PHOTO_SECONDS = 1.0
MAX_PHOTO_SECONDS = 10.0
# A clip the cloud draft shows longer than the default is trimmed there instead, up to
# this: half a minute of one clip is already most of a video sent to a chat.
MAX_CLIP_SECONDS = 30.0


class Aspect(StrEnum):
    """The shape of the video, named as people say it."""

    LANDSCAPE = "16:9"
    PORTRAIT = "9:16"
    SQUARE = "1:1"

    def frame_size(self, short_side: int = 1080) -> tuple[int, int]:
        """Width and height for ``short_side`` pixels across the narrow way, both even.

        Even because 4:2:0 chroma halves each dimension.
        """
        long_side = 2 * math.ceil(short_side * 16 / 9 / 2)
        short_side = 2 * math.ceil(short_side / 2)
        match self:
            case Aspect.LANDSCAPE:
                return long_side, short_side
            case Aspect.PORTRAIT:
                return short_side, long_side
            case Aspect.SQUARE:
                return short_side, short_side


class MediaKind(StrEnum):
    """How a piece of media is shown: a still that pans, or a clip that plays."""

    PHOTO = "photo"
    CLIP = "clip"


@dataclass(frozen=True)
class Media:
    """One local file to show, in the order of the job.

    ``seconds`` is how long it is shown when something (the cloud draft) says so; None
    leaves it to the options.
    """

    path: Path
    kind: MediaKind
    seconds: float | None = None


@dataclass(frozen=True)
class Caption:
    """Text over the video, from ``offset`` seconds into the ``media``-th item's slot."""

    text: str
    media: int
    offset: float
    seconds: float


@dataclass(frozen=True)
class RenderOptions:
    """How to show the media. The defaults are the 1080p30 video the bot sends.

    ``short_side`` and ``fps`` exist so that tests can render small and short; the
    bot leaves them alone.
    """

    aspect: Aspect = Aspect.LANDSCAPE
    photo_seconds: float = 3.0
    title: str | None = None
    title_seconds: float = 2.5
    clip_seconds: float = 4.0
    crossfade_seconds: float = 0.5
    short_side: int = 1080
    fps: int = 30
    # veryfast: ultrafast drops CABAC and 8x8 transforms (a Baseline stream, not High)
    # and wastes the bitrate cap; slower presets cost more time than they show here.
    preset: str = "veryfast"

    def __post_init__(self) -> None:
        if not MIN_PHOTO_SECONDS <= self.photo_seconds <= MAX_PHOTO_SECONDS:
            raise ValueError(
                f"photo_seconds must be within {MIN_PHOTO_SECONDS:g}-{MAX_PHOTO_SECONDS:g}"
            )
        if self.crossfade_seconds < 0 or self.clip_seconds <= 0 or self.title_seconds <= 0:
            raise ValueError("durations must be positive")

    @property
    def size(self) -> tuple[int, int]:
        return self.aspect.frame_size(self.short_side)


@dataclass(frozen=True)
class RenderJob:
    """Everything one render needs: the media in order, the music, the options, the output,
    and the captions over the media."""

    media: tuple[Media, ...]
    output: Path
    music: Path | None = None
    options: RenderOptions = field(default_factory=RenderOptions)
    captions: tuple[Caption, ...] = ()


@dataclass(frozen=True)
class Progress:
    """How far a render is, in frames encoded, for a status message."""

    done: int
    total: int

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0


@dataclass(frozen=True)
class RenderResult:
    """The finished video, with what ``sendVideo`` wants to know about it."""

    path: Path
    width: int
    height: int
    seconds: float
    frames: int
    size_bytes: int
