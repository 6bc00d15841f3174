"""One render, start to finish: plan, make the pictures, encode, and move into place.

``render`` is a plain top-level function of picklable arguments, so it runs as it is in
a worker process, away from the bot's event loop::

    with multiprocessing.Manager() as manager:
        updates, cancel = manager.Queue(), manager.Event()
        with ProcessPoolExecutor(1) as pool:
            future = pool.submit(render, job, updates.put, cancel)
            ...  # read Progress from ``updates``; cancel.set() to stop

At most a few pictures exist at a time: the one being encoded and, during a crossfade,
one from each side, plus each side's prepared canvas and the captions on screen. x264
holds its own lookahead.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Generator, Iterator
from typing import Protocol

import numpy as np

from bot.render.audio import ClipSound, soundtrack
from bot.render.captions import with_captions
from bot.render.clips import clip_pictures
from bot.render.encoder import Mp4Writer
from bot.render.errors import RenderCancelled
from bot.render.options import Progress, RenderJob, RenderResult
from bot.render.planes import Picture, blend, from_rgb, rgb_frame
from bot.render.stills import photo_pictures
from bot.render.timeline import Segment, SegmentKind, Timeline, plan
from bot.render.title import title_card

# A manager's Event answers over a pipe, so it is asked every few frames, not every one:
# cancelling still stops within a fraction of a second.
_CANCEL_CHECK_FRAMES = 8


class CancelFlag(Protocol):
    """Anything with ``is_set()``: a ``threading.Event`` or a manager's ``Event``."""

    def is_set(self) -> bool: ...


def render(
    job: RenderJob,
    on_progress: Callable[[Progress], object] | None = None,
    cancel: CancelFlag | None = None,
) -> RenderResult:
    """Render ``job`` to ``job.output`` and describe the result.

    ``on_progress`` gets a Progress each time another percent of the frames is encoded
    (a manager queue's ``put`` carries it out of a worker process). The video is written
    beside the output and renamed into place when complete, so a reader never sees half
    a file. Raises RenderCancelled once ``cancel`` is set, NothingToRender, or
    UnreadableMedia; no partial file is left behind either way.
    """
    timeline = plan(job)
    size = job.options.size
    partial = job.output.with_name(f".{job.output.name}.part")
    reported = -1
    try:
        with Mp4Writer(partial, size, timeline.fps, job.options.preset) as writer:
            writer.add_soundtrack(soundtrack(job.music, timeline.seconds, clip_sounds(timeline)))
            shown = with_captions(pictures(timeline, size), timeline.captions, size, timeline.fps)
            for picture in shown:
                if _cancelled(cancel, writer.frames):
                    raise RenderCancelled(f"cancelled at frame {writer.frames}")
                writer.write(picture)
                percent = writer.frames * 100 // timeline.total_frames
                if on_progress is not None and percent > reported:
                    reported = percent
                    on_progress(Progress(writer.frames, timeline.total_frames))
        partial.replace(job.output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    width, height = size
    return RenderResult(
        path=job.output,
        width=width,
        height=height,
        seconds=timeline.seconds,
        frames=timeline.total_frames,
        size_bytes=job.output.stat().st_size,
    )


def _cancelled(cancel: CancelFlag | None, frames: int) -> bool:
    return cancel is not None and frames % _CANCEL_CHECK_FRAMES == 0 and cancel.is_set()


def pictures(timeline: Timeline, size: tuple[int, int]) -> Iterator[Picture]:
    """Every picture of the video in order, crossfades blended.

    A segment's pictures are made only when they are due: the next segment is opened
    at the start of the crossfade into it, and the previous one closed at its end.
    """
    segments = timeline.segments
    fade = timeline.crossfade
    current = _segment_pictures(segments[0], 0, size, timeline.fps)
    entered = 0  # pictures of the current segment already shown inside a crossfade
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        yield from itertools.islice(current, segment.frames - entered - (0 if last else fade))
        if last:
            break
        following = _segment_pictures(segments[index + 1], index + 1, size, timeline.fps)
        for step in range(1, fade + 1):
            yield blend(next(current), next(following), step / (fade + 1))
        current.close()
        current, entered = following, fade


def clip_sounds(timeline: Timeline) -> list[ClipSound]:
    """Each clip's sound where its pictures are, fading with them across crossfades."""
    fade = timeline.crossfade / timeline.fps
    last = len(timeline.segments) - 1
    return [
        ClipSound(
            path=segment.path,
            start=segment.start / timeline.fps,
            seconds=segment.frames / timeline.fps,
            fade_in=fade if index > 0 else 0.0,
            fade_out=fade if index < last else 0.0,
        )
        for index, segment in enumerate(timeline.segments)
        if segment.kind is SegmentKind.CLIP and segment.path is not None
    ]


def _segment_pictures(
    segment: Segment, index: int, size: tuple[int, int], fps: int
) -> Generator[Picture, None, None]:
    match segment.kind:
        case SegmentKind.TITLE:
            assert segment.text is not None
            card = from_rgb(rgb_frame(np.asarray(title_card(segment.text, size))))
            return (card for _ in range(segment.frames))
        case SegmentKind.PHOTO:
            assert segment.path is not None
            return photo_pictures(segment.path, size, segment.frames, index)
        case SegmentKind.CLIP:
            assert segment.path is not None
            return clip_pictures(segment.path, size, segment.frames, fps)
