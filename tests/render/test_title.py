"""The title card: Italian accents and Chinese drawn from the shipped font, wrapped to fit."""

import numpy as np
import pytest
from PIL import ImageFont

from bot.render.title import font as title_font
from bot.render.title import title_card, wrap


@pytest.mark.parametrize("character", list("àèéìòùÀÈ夏天城市"))
def test_font_has_the_glyph(character: str) -> None:
    font = title_font(48)
    missing = font.getmask("\ue000")  # private use: sure to be .notdef
    mask = font.getmask(character)
    assert (mask.size, bytes(mask)) != (missing.size, bytes(missing))


def test_title_is_drawn_in_the_middle() -> None:
    card = np.asarray(title_card("Città 夏天", (640, 360)).convert("L"))
    middle = card[120:240, 64:576]
    assert (middle > 200).sum() > 500, "no text drawn"
    assert (card[:60] > 200).sum() == 0, "text where there should be none"


def test_long_titles_wrap_by_words_and_by_characters() -> None:
    font: ImageFont.FreeTypeFont = title_font(40)
    latin = wrap("Una lunga estate in città con gli amici di sempre", font, 300)
    assert len(latin) > 1
    assert all(font.getlength(line) <= 300 for line in latin)
    assert " ".join(latin) == "Una lunga estate in città con gli amici di sempre"
    chinese = wrap("我们在海边度过了一个美好的夏天", font, 200)
    assert len(chinese) > 1
    assert "".join(chinese) == "我们在海边度过了一个美好的夏天"
