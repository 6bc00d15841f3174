"""A picture as the encoder wants it: YUV 4:2:0 planes in BT.709, limited range.

Photos and the title card are converted from RGB once, when they are loaded; every
per-frame operation afterwards (the pan, the crossfade) works on these planes, so no
frame is ever converted colour space again. 4:2:0 keeps a third of RGB's bytes, and
BT.709 is what players assume for HD when a stream says nothing.
"""

from __future__ import annotations

from typing import NamedTuple

import av
import cv2
import numpy as np
from av.video.plane import VideoPlane
from av.video.reformatter import ColorRange, Colorspace

COLORSPACE = Colorspace.ITU709
COLOR_RANGE = ColorRange.MPEG  # limited range, 16-235: what H.264 decoders expect unless told


class Picture(NamedTuple):
    """Luma at full size, the two chroma planes at half size each way (uint8)."""

    y: np.ndarray
    u: np.ndarray
    v: np.ndarray

    @property
    def size(self) -> tuple[int, int]:
        height, width = self.y.shape
        return width, height


def rgb_frame(pixels: np.ndarray) -> av.VideoFrame:
    """RGB pixels (height, width, 3) copied into a frame for ``from_rgb``.

    Apart from it, so that a caller writing ``from_rgb(rgb_frame(pixels()))`` lets the
    array go before the conversion allocates: photos are prepared while other pictures
    are in flight, and the peaks add up.
    """
    return av.VideoFrame.from_ndarray(pixels, format="rgb24")


def from_rgb(frame: av.VideoFrame) -> Picture:
    """Convert an RGB frame of even width and height with FFmpeg's swscale."""
    return from_frame(
        frame.reformat(format="yuv420p", dst_colorspace=COLORSPACE, dst_color_range=COLOR_RANGE)
    )


def from_frame(frame: av.VideoFrame) -> Picture:
    """The planes of a yuv420p frame, as views that skip its row padding.

    Views, not copies: they keep the frame's buffers alive, and nothing writes to them.
    """
    return Picture(*(_rows(plane) for plane in frame.planes))


def blend(first: Picture, second: Picture, weight: float) -> Picture:
    """``first`` faded towards ``second``: 0 is all first, 1 all second."""
    return Picture(
        *(
            cv2.addWeighted(a, 1.0 - weight, b, weight, 0.0)
            for a, b in zip(first, second, strict=True)
        )
    )


def to_frame(picture: Picture) -> av.VideoFrame:
    """A frame for the encoder, each plane written row by row into FFmpeg's own buffer.

    The buffer's rows can be longer than the picture's (1088 bytes for 1080 pixels), so
    the copy goes through a view that skips the padding instead of a flat update.
    """
    width, height = picture.size
    frame = av.VideoFrame(width, height, "yuv420p")
    for plane, pixels in zip(frame.planes, picture, strict=True):
        _rows(plane)[:] = pixels
    frame.colorspace = COLORSPACE
    frame.color_range = COLOR_RANGE
    return frame


def _rows(plane: VideoPlane) -> np.ndarray:
    """A view of the plane's pixels without the padding at the end of each row."""
    rows = np.frombuffer(plane, dtype=np.uint8).reshape(-1, plane.line_size)
    return rows[: plane.height, : plane.width]
