"""Chinese characters by sound, so a pinyin-IME homophone reads like the word meant.

People type Chinese by pinyin and pick a character from a list; the wrong pick is a
homophone: 到出 or 道出 for 导出, 下栽 for 下载, 积份 for 积分, 上穿 for 上传, and, with the
fuzzy-pinyin setting many IMEs have on, 视屏 (shi ping) for 视频 (shi pin). Listing every
such typo in the lexicon learns the ones seen; keying words by sound catches the rest.

The readings come from pypinyin's table of single characters (no phrase dictionary,
no segmentation): the first, most common reading of each, without tones, with the
fuzzy-pinyin pairs folded (-ing/-in, -eng/-en, -ang/-an, zh/z, ch/c, sh/s). Loading it
takes about a quarter of a second, so it happens on first use or in ``load()``.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable

__all__ = ["key", "load", "syllables"]

_FOLDS = (
    (re.compile(r"^([zcs])h"), r"\1"),
    (re.compile(r"([aei])ng$"), r"\1n"),
)
_table: dict[int, str] | None = None
_loading = threading.Lock()


def load() -> dict[int, str]:
    """The folded syllable of every character pypinyin knows; loaded once, any thread."""
    global _table
    if _table is None:
        with _loading:
            if _table is None:
                from pypinyin.pinyin_dict import pinyin_dict

                _table = {
                    code: _fold(readings.split(",", 1)[0])
                    for code, readings in pinyin_dict.items()
                }
    return _table


def _fold(reading: str) -> str:
    decomposed = unicodedata.normalize("NFD", reading)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = plain.replace("ü", "v")
    for pattern, replacement in _FOLDS:
        plain = pattern.sub(replacement, plain)
    return plain


def syllables(text: Iterable[str]) -> list[str]:
    """Each character's folded syllable; a character without one stands for itself."""
    table = load()
    return [table.get(ord(char), char) for char in text]


def key(text: str) -> str:
    """What ``text`` sounds like: its folded syllables, space-separated."""
    return " ".join(syllables(text))
