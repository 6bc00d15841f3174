"""Video clips: trimmed from their start, resampled to the output rate, cropped to fill.

A clip is decoded once, front to back, and only as far as the frames it shows. Each
output frame shows the latest source frame due by then, so a 60 fps clip drops every
other frame unconverted and a 24 fps clip repeats some; a clip shorter than its slot
holds its last frame. Phones record portrait video as landscape with a rotation in the
display matrix, which FFmpeg's decoder does not apply: it is applied here.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Iterator
from pathlib import Path

import av
import cv2
import numpy as np

from bot.render.errors import UnreadableMedia
from bot.render.planes import COLOR_RANGE, COLORSPACE, Picture, from_frame

_ROTATIONS = {
    90: cv2.ROTATE_90_COUNTERCLOCKWISE,
    -90: cv2.ROTATE_90_CLOCKWISE,
    270: cv2.ROTATE_90_CLOCKWISE,
    180: cv2.ROTATE_180,
    -180: cv2.ROTATE_180,
}
_QUARTER_TURN_CODES = {cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_90_COUNTERCLOCKWISE}


def clip_seconds(path: Path) -> float:
    """How long the clip's video lasts, infinite when the container does not say.

    Raises UnreadableMedia if it has no video. An unknown length leaves the slot at its
    limit; a clip that turns out shorter holds its last frame.
    """
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            if stream.duration is not None and stream.time_base is not None:
                return float(stream.duration * stream.time_base)
            if container.duration is not None:
                return container.duration / av.time_base
            return math.inf
    except (av.FFmpegError, IndexError) as exc:
        raise UnreadableMedia(f"{path.name}: no readable video ({exc})", path=path) from exc


def clip_pictures(
    path: Path, size: tuple[int, int], frames: int, fps: int
) -> Generator[Picture, None, None]:
    """``frames`` pictures of the clip from its start, at ``fps``, filling ``size``.

    Raises UnreadableMedia when the clip cannot be decoded.
    """
    shown = 0
    latest: av.VideoFrame | None = None  # decoded, not converted until it is due
    picture: Picture | None = None
    for frame, at in _decoded(path):
        # Output instants before this frame's time show the frame before it.
        while shown < frames and shown / fps < at - _TOLERANCE:
            if latest is not None:
                picture, latest = _fill(latest, size), None
            assert picture is not None  # the first frame is at 0, before any instant
            yield picture
            shown += 1
        if shown >= frames:
            return
        latest = frame
    if latest is not None:
        picture = _fill(latest, size)
    if picture is None:
        raise UnreadableMedia(f"{path.name}: no video frame", path=path)
    for _ in range(frames - shown):
        yield picture


# Timestamps in a container's time base rarely land exactly on 1/fps.
_TOLERANCE = 1e-3


def _decoded(path: Path) -> Iterator[tuple[av.VideoFrame, float]]:
    """Each video frame with its time in seconds since the first one."""
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            start: float | None = None
            for frame in container.decode(stream):
                if frame.time is None:
                    continue
                start = frame.time if start is None else start
                yield frame, frame.time - start
    except (av.FFmpegError, IndexError) as exc:
        raise UnreadableMedia(f"{path.name}: {exc}", path=path) from exc


def _fill(frame: av.VideoFrame, size: tuple[int, int]) -> Picture:
    """Scale the frame, upright, to cover ``size``, and crop the middle."""
    width, height = size
    turn = _ROTATIONS.get(round(frame.rotation or 0))
    shown_width, shown_height = (
        (frame.height, frame.width) if turn in _QUARTER_TURN_CODES else (frame.width, frame.height)
    )
    scale = max(width / shown_width, height / shown_height)
    cover_width = 2 * math.ceil(shown_width * scale / 2)
    cover_height = 2 * math.ceil(shown_height * scale / 2)
    stored = (
        (cover_height, cover_width) if turn in _QUARTER_TURN_CODES else (cover_width, cover_height)
    )
    scaled = from_frame(
        frame.reformat(
            width=stored[0],
            height=stored[1],
            format="yuv420p",
            dst_colorspace=COLORSPACE,
            dst_color_range=COLOR_RANGE,
        )
    )
    if turn is not None:
        scaled = Picture(*(cv2.rotate(plane, turn) for plane in scaled))
    left = (cover_width - width) // 4 * 2
    top = (cover_height - height) // 4 * 2
    return Picture(
        np.ascontiguousarray(scaled.y[top : top + height, left : left + width]),
        *(
            np.ascontiguousarray(
                plane[top // 2 : (top + height) // 2, left // 2 : (left + width) // 2]
            )
            for plane in (scaled.u, scaled.v)
        ),
    )
