"""The title card: the text centred on a dark gradient, in Noto Sans SC.

Noto Sans SC draws Latin with every accent and Simplified Chinese in one face, so
"Città" and "夏天" need no fallback font. It comes from PyPI (pylopdf-fonts-zh-cn), so a
clean machine has it after ``uv sync``.
"""

from __future__ import annotations

import re
from functools import cache

import pylopdf_fonts_zh_cn
from PIL import Image, ImageDraw, ImageFont, ImageOps

TEXT_WIDTH = 0.86  # of the frame: the text keeps clear of the edges phones crop
MAX_LINES = 3
_FONT_SHARE = 0.085  # of the short side, for a title that fits on one line

# Characters written without spaces between words, so a line may break after any.
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_TOKENS = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+")
_CJK_CHARACTER = re.compile(f"[{_CJK}]")


@cache
def font(pixels: int) -> ImageFont.FreeTypeFont:
    """The face, at ``pixels`` high, loaded once per size."""
    return ImageFont.truetype(str(pylopdf_fonts_zh_cn.sans_path()), pixels)


def title_card(text: str, size: tuple[int, int]) -> Image.Image:
    """An RGB image of ``size`` with ``text`` centred, wrapped and shrunk to fit."""
    width, height = size
    card = ImageOps.colorize(
        Image.linear_gradient("L").resize(size), black="#1d2433", white="#07080c"
    )
    pixels = round(min(size) * _FONT_SHARE)
    lines = wrap(text, font(pixels), width * TEXT_WIDTH)
    while len(lines) > MAX_LINES and pixels > 12:
        pixels = round(pixels * 0.85)
        lines = wrap(text, font(pixels), width * TEXT_WIDTH)
    draw = ImageDraw.Draw(card)
    draw.multiline_text(
        (width / 2, height / 2),
        "\n".join(lines),
        font=font(pixels),
        fill="white",
        anchor="mm",
        align="center",
        spacing=round(pixels * 0.3),
    )
    return card


def wrap(text: str, font: ImageFont.FreeTypeFont, limit: float) -> list[str]:
    """Break ``text`` into lines no wider than ``limit`` where the font allows.

    Latin words keep their spaces; Chinese breaks between any two characters. A single
    word wider than the limit stays whole on its own line rather than be cut.
    """
    lines: list[str] = []
    line = ""
    for token in _TOKENS.findall(text):
        candidate = _join(line, token)
        if line and font.getlength(candidate) > limit:
            lines.append(line)
            line = token
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def _join(line: str, token: str) -> str:
    if not line:
        return token
    if _CJK_CHARACTER.match(token) or _CJK_CHARACTER.match(line[-1]):
        return line + token
    return f"{line} {token}"
