"""The slow pan and zoom across a photo, as one affine map per frame.

A photo is prepared as a canvas ``CANVAS`` times the frame size; each frame shows a
window of it, ``scale`` canvas pixels per output pixel, centred ``offset`` away from the
canvas centre (in output widths and heights). Scale and offset move linearly from the
first frame to the last, at constant speed: the window moves by the same fraction of a
pixel every frame, where ffmpeg's zoompan rounds each crop to whole pixels and the
picture steps. OpenCV resamples at 1/32 pixel, far below what an eye can see at 30 fps.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from bot.render.planes import Picture

ZOOM = 0.10  # how much closer the end of a zoom-in is than its start
CANVAS = 1.0 + ZOOM + 0.02  # the slack beyond the zoom leaves room to pan at both ends
PAN = 0.05  # how far the centre travels, in frame widths and heights

# Directions of travel, taken in turn so that consecutive photos move differently.
_DIRECTIONS = ((1.0, 0.3), (-1.0, -0.4), (0.4, -1.0), (-0.6, 1.0))


@dataclass(frozen=True)
class Window:
    """The part of the canvas one frame shows."""

    scale: float
    offset_x: float
    offset_y: float


@dataclass(frozen=True)
class Move:
    """Where the window starts and ends; in between it travels in a straight line."""

    start: Window
    end: Window

    def at(self, progress: float) -> Window:
        """The window ``progress`` (0 to 1) of the way along."""

        def along(first: float, last: float) -> float:
            return first + (last - first) * progress

        return Window(
            along(self.start.scale, self.end.scale),
            along(self.start.offset_x, self.end.offset_x),
            along(self.start.offset_y, self.end.offset_y),
        )

    def windows(self, frames: int) -> Iterator[Window]:
        """One window per frame, the first at the start and the last at the end."""
        for index in range(frames):
            yield self.at(index / (frames - 1) if frames > 1 else 0.0)


def move_for(index: int) -> Move:
    """The move of the ``index``-th photo: zoom in and out in turn, along a new direction.

    The centre travels from the canvas centre to ``PAN`` away while the window is at its
    smallest, where the canvas leaves the most room around it.
    """
    dx, dy = _DIRECTIONS[index % len(_DIRECTIONS)]
    wide = Window(1.0 + ZOOM, 0.0, 0.0)
    close = Window(1.0, dx * PAN, dy * PAN)
    return Move(wide, close) if index % 2 == 0 else Move(close, wide)


def warp(canvas: Picture, window: Window, size: tuple[int, int]) -> Picture:
    """Resample the window of ``canvas`` to ``size`` with bilinear interpolation.

    The chroma planes get the same map in their own coordinates: H.264's 4:2:0 sites
    chroma level with even luma columns and halfway between luma rows, hence the
    vertical correction.
    """
    width, height = size
    canvas_width, canvas_height = canvas.size
    centre_x = (canvas_width - 1) / 2 + window.offset_x * width
    centre_y = (canvas_height - 1) / 2 + window.offset_y * height
    shift_x = centre_x - window.scale * (width - 1) / 2
    shift_y = centre_y - window.scale * (height - 1) / 2
    luma = np.array([[window.scale, 0.0, shift_x], [0.0, window.scale, shift_y]])
    chroma = np.array(
        [
            [window.scale, 0.0, shift_x / 2],
            [0.0, window.scale, (window.scale * 0.5 + shift_y - 0.5) / 2],
        ]
    )
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    return Picture(
        cv2.warpAffine(canvas.y, luma, size, flags=flags, borderMode=cv2.BORDER_REPLICATE),
        *(
            cv2.warpAffine(
                plane,
                chroma,
                (width // 2, height // 2),
                flags=flags,
                borderMode=cv2.BORDER_REPLICATE,
            )
            for plane in (canvas.u, canvas.v)
        ),
    )
