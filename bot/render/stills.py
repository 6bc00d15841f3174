"""Photos as moving stills: decoded small, prepared once, then panned frame by frame.

Memory stays bounded whatever the photo's size: a JPEG is decoded straight at the
smallest DCT scale that still covers the frame (``draft``: a 48-megapixel photo for a
1080p frame decodes at a sixteenth of its pixels, a 12-megapixel one at a quarter), and
other formats are capped by Pillow's decompression-bomb limit. The canvas, 12 % larger
than the frame for the zoom, is scaled from that: at the closest point of a zoom a
12-megapixel photo is enlarged by 7 %, which no one sees on a phone, where decoding it
whole would cost four times the memory and twice the time. After preparation only the
canvas, a few megabytes of YUV planes, is kept while its frames are made.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from pathlib import Path

import cv2
import numpy as np
import pillow_heif
from PIL import Image, ImageOps

from bot.render.errors import UnreadableMedia
from bot.render.motion import CANVAS, move_for, warp
from bot.render.planes import Picture, from_rgb, rgb_frame

# Phones send HEIC as files; the opener lets Image.open read them like any photo.
pillow_heif.register_heif_opener()

# What a damaged or unsupported picture can raise while Pillow or pillow-heif decodes it.
_DECODING_ERRORS = (OSError, ValueError, SyntaxError, EOFError, RuntimeError, IndexError)

# EXIF orientations that turn the picture a quarter, so width and height swap.
_QUARTER_TURNS = {5, 6, 7, 8}

# Rows converted to RGB at a time when a photo is copied out of Pillow.
_BAND_ROWS = 128


def canvas_size(size: tuple[int, int]) -> tuple[int, int]:
    """The canvas a photo is prepared at for frames of ``size``: room to zoom and pan."""
    width, height = size
    return 2 * math.ceil(width * CANVAS / 2), 2 * math.ceil(height * CANVAS / 2)


def load_photo(path: Path, size: tuple[int, int], detail: tuple[int, int]) -> np.ndarray:
    """The photo upright, as RGB pixels, scaled and centre-cropped to cover ``size``.

    It is decoded with at least the pixels needed to cover ``detail``. Raises
    UnreadableMedia when it cannot be decoded.
    """
    cropped = _decoded_crop(path, size, detail)
    # The decoded photo is gone by now; OpenCV scales the crop in one pass.
    enlarging = size[0] > cropped.shape[1]
    return cv2.resize(
        cropped, size, interpolation=cv2.INTER_CUBIC if enlarging else cv2.INTER_AREA
    )


def _decoded_crop(path: Path, size: tuple[int, int], detail: tuple[int, int]) -> np.ndarray:
    """The upright photo's centred part shaped like ``size``, as RGB pixels.

    A function of its own so that the decoded photo is freed on return, before scaling.
    """
    try:
        with Image.open(path) as image:
            _decode_small(image, detail)
            image.load()
            ImageOps.exif_transpose(image, in_place=True)
            return _cropped_pixels(image, size)
    except (*_DECODING_ERRORS, Image.DecompressionBombError) as exc:
        raise UnreadableMedia(f"{path.name}: {exc}", path=path) from exc


def _cropped_pixels(image: Image.Image, size: tuple[int, int]) -> np.ndarray:
    """The centred part of ``image`` shaped like ``size``, as RGB pixels.

    Copied a band of rows at a time: converting the whole image at once would hold the
    decoded photo, a full copy in RGB and Pillow's byte string of it, all together.
    """
    top, bottom, left, right = _cover_crop((image.height, image.width), size)
    pixels = np.empty((bottom - top, right - left, 3), dtype=np.uint8)
    for start in range(top, bottom, _BAND_ROWS):
        band = image.crop((left, start, right, min(start + _BAND_ROWS, bottom)))
        pixels[start - top : start - top + band.height] = np.asarray(band.convert("RGB"))
    return pixels


def _cover_crop(shape: tuple[int, ...], size: tuple[int, int]) -> tuple[int, int, int, int]:
    """Rows and columns (top, bottom, left, right) of the centred part shaped like ``size``."""
    height, width = shape
    crop_width = min(width, round(height * size[0] / size[1]))
    crop_height = min(height, round(width * size[1] / size[0]))
    top, left = (height - crop_height) // 2, (width - crop_width) // 2
    return top, top + crop_height, left, left + crop_width


def _decode_small(image: Image.Image, size: tuple[int, int]) -> None:
    """Ask the JPEG decoder for the smallest scale that still covers ``size`` once upright.

    ``draft`` keeps the picture at least as large as requested in both directions, so the
    request is the photo's own shape scaled until its narrow side covers the frame.
    """
    width, height = image.size
    orientation = image.getexif().get(0x0112, 1)
    shown_width, shown_height = (
        (height, width) if orientation in _QUARTER_TURNS else (width, height)
    )
    scale = max(size[0] / shown_width, size[1] / shown_height)
    if scale < 1.0:
        image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))


def photo_pictures(
    path: Path, size: tuple[int, int], frames: int, index: int
) -> Generator[Picture, None, None]:
    """``frames`` pictures of the photo moving along the ``index``-th move.

    Raises UnreadableMedia when the photo cannot be decoded.
    """
    canvas = from_rgb(rgb_frame(load_photo(path, canvas_size(size), size)))
    for window in move_for(index).windows(frames):
        yield warp(canvas, window, size)
