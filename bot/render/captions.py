"""Captions over the pictures: the draft's text overlays, in the title card's font.

A caption is drawn once, when it is first due, as white text on a translucent dark band
in the lower part of the frame, and kept as YUV planes with their coverage (alpha) for
just the band's rectangle. Each frame it shows on is a copy of the picture with that
rectangle blended in, fading in and out over a few frames: pictures may be shared (a
title card, a clip's held last frame), so none is written to in place. It is dropped
after its last frame, so at most the captions on screen at once are held.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw

from bot.render.planes import Picture, from_rgb, rgb_frame
from bot.render.timeline import PlacedCaption
from bot.render.title import MAX_LINES, TEXT_WIDTH, font, wrap

_FONT_SHARE = 0.055  # of the short side
_BOTTOM_MARGIN = 0.08  # of the height, below the band: clear of players' controls
_BAND_OPACITY = 0.55
_FADE_SECONDS = 0.25


@dataclass(frozen=True)
class _Sprite:
    """A caption ready to blend: its planes, their coverage, and where it goes."""

    left: int
    top: int
    planes: Picture
    alpha: tuple[np.ndarray, np.ndarray]  # at luma size and at chroma size, 0-1 floats


def with_captions(
    pictures: Iterable[Picture],
    captions: tuple[PlacedCaption, ...],
    size: tuple[int, int],
    fps: int,
) -> Iterator[Picture]:
    """``pictures`` in order, with each caption blended into the frames it covers."""
    if not captions:
        yield from pictures
        return
    fade = max(1, round(_FADE_SECONDS * fps))
    drawn: dict[int, _Sprite] = {}
    for frame, picture in enumerate(pictures):
        for index, caption in enumerate(captions):
            if caption.first <= frame < caption.end:
                sprite = drawn.get(index)
                if sprite is None:
                    sprite = drawn[index] = _sprite(caption.text, size)
                ramp = min(frame - caption.first + 1, caption.end - frame, fade) / fade
                picture = _blend(picture, sprite, ramp)
            elif frame >= caption.end:
                drawn.pop(index, None)
        yield picture


def _sprite(text: str, size: tuple[int, int]) -> _Sprite:
    """The caption drawn for frames of ``size``, centred above the bottom margin."""
    width, height = size
    pixels = max(10, round(min(size) * _FONT_SHARE))
    lines = wrap(text, font(pixels), width * TEXT_WIDTH)
    while len(lines) > MAX_LINES and pixels > 10:
        pixels = round(pixels * 0.85)
        lines = wrap(text, font(pixels), width * TEXT_WIDTH)
    shown = "\n".join(lines[:MAX_LINES])
    spacing = round(pixels * 0.3)
    measure = ImageDraw.Draw(Image.new("L", (1, 1)))
    box = measure.multiline_textbbox((0, 0), shown, font=font(pixels), spacing=spacing)
    pad = round(pixels * 0.5)
    band_width = min(width, _even(box[2] - box[0] + 2 * pad))
    band_height = min(height, _even(box[3] - box[1] + 2 * pad))
    left = _even((width - band_width) / 2)
    top = _even(max(0, height * (1 - _BOTTOM_MARGIN) - band_height))
    text_layer = Image.new("L", (band_width, band_height), 0)
    ImageDraw.Draw(text_layer).multiline_text(
        (band_width / 2, band_height / 2),
        shown,
        font=font(pixels),
        fill=255,
        anchor="mm",
        align="center",
        spacing=spacing,
    )
    ink = np.asarray(text_layer, dtype=np.float32) / 255
    # White ink over a black band, flattened into one layer: its coverage and its colour.
    alpha = _BAND_OPACITY + ink - _BAND_OPACITY * ink
    grey = np.rint(255 * ink / alpha).astype(np.uint8)
    colour = np.repeat(grey[:, :, None], 3, axis=2)
    planes = from_rgb(rgb_frame(colour))
    chroma = cv2.resize(alpha, (band_width // 2, band_height // 2), interpolation=cv2.INTER_AREA)
    return _Sprite(left, top, planes, (alpha, chroma))


def _blend(picture: Picture, sprite: _Sprite, strength: float) -> Picture:
    """A copy of ``picture`` with the sprite over it at ``strength`` (0-1) of its alpha."""
    blended = []
    for plane, over, scale in zip(picture, sprite.planes, (1, 2, 2), strict=True):
        alpha = sprite.alpha[0 if scale == 1 else 1] * strength
        top, left = sprite.top // scale, sprite.left // scale
        rows, columns = over.shape
        copy = plane.copy()
        under = copy[top : top + rows, left : left + columns].astype(np.float32)
        mixed = under + (over.astype(np.float32) - under) * alpha
        copy[top : top + rows, left : left + columns] = np.rint(mixed).astype(np.uint8)
        blended.append(copy)
    return Picture(*blended)


def _even(value: float) -> int:
    return max(2, 2 * round(value / 2))
