"""File checks: any bytes are named or not, and a damaged HEIC is CorruptMedia, nothing else."""

from __future__ import annotations

import io
import warnings

import pillow_heif
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import Image

from bot.core.media import (
    DEFAULT_MAX_PIXELS,
    CorruptMedia,
    MediaFormat,
    PictureTooLarge,
    heic_to_jpeg,
    sniff,
)

FAST = settings(max_examples=150, deadline=None)
MAGIC = st.sampled_from(
    [
        *(b"", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF\0\0\0\0WEBP", b"OggS", b"ID3"),
        *(b"\xff\xf1", b"\x1a\x45\xdf\xa3", b"\0\0\0\x18ftypheic", b"\xff"),
        b"\0\0\0\x1cftypmif1\0\0\0\0avif",
    ]
)
HEADS = st.builds(bytes.__add__, MAGIC, st.binary(max_size=80))


def _heic() -> bytes:
    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (48, 32), "orange").save(buffer, format="HEIF", exif=exif.tobytes())
    return buffer.getvalue()


HEIC = _heic()
# The version byte after each box name: where one flipped byte makes libheif refuse the
# file as an "unsupported feature" rather than as invalid input.
_BOXES = (b"meta", b"hdlr", b"pitm", b"iloc", b"iinf", b"infe", b"iprp", b"ipma", b"ispe")
BOX_VERSIONS = sorted(
    {i + 4 for box in _BOXES for i in range(len(HEIC)) if HEIC.startswith(box, i)}
)
POSITIONS = st.integers(min_value=12, max_value=len(HEIC) - 1) | st.sampled_from(BOX_VERSIONS)


@FAST
@given(HEADS)
def test_any_head_is_a_format_or_none(head):
    media = sniff(head)
    assert media is None or isinstance(media, MediaFormat)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(POSITIONS, st.integers(0, 255)),
        min_size=1,
        max_size=8,
    ),
    st.integers(min_value=0, max_value=len(HEIC)),
)
@example(flips=[(BOX_VERSIONS[0], 72)], keep=len(HEIC))  # the meta box's version
@example(flips=[(len(HEIC) - 1, 0)], keep=len(HEIC) - 50)  # cut short
def test_a_damaged_heic_converts_or_is_corrupt(flips, keep):
    data = bytearray(HEIC[: max(keep, 13)])
    for position, value in flips:
        if position < len(data):
            data[position] = value
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns about damaged EXIF, then carries on
        try:
            jpeg = heic_to_jpeg(bytes(data), max_pixels=DEFAULT_MAX_PIXELS)
        except (CorruptMedia, PictureTooLarge):
            # A flipped size byte can claim more pixels than the limit: refused, not decoded.
            return
    assert jpeg.startswith(b"\xff\xd8\xff")
