"""The two render options a person states in words: the aspect and the seconds per photo.

"verticale per le storie" → 9:16, "quadrato" → 1:1, "竖屏" → 9:16; "3 secondi a foto",
"each photo 2.5 seconds", "每张3秒" → that many seconds. Seconds count only when they are
said per photo: "un video di 30 secondi" is the length of the whole video, which is not
an option here. When several aspects are named, the last one wins: "da orizzontale a
verticale" names the one wanted last.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.render.options import MAX_PHOTO_SECONDS, MIN_PHOTO_SECONDS, Aspect


@dataclass(frozen=True)
class Instruction:
    """What the text asked for; None where it said nothing about it."""

    aspect: Aspect | None = None
    photo_seconds: float | None = None


_RATIO = r"\s*[:/x×]\s*"
_ASPECTS = {
    Aspect.PORTRAIT: (
        rf"\b9{_RATIO}16\b|\bvertical[ei]?\b|\bstorie\b|\bstories\b|\breels?\b"
        r"|\btik\s?tok\b|\bshorts\b|\bportrait\b|\bin piedi\b|竖屏|竖版|竖向|竖幅|竖的"
    ),
    Aspect.SQUARE: rf"\b1{_RATIO}1\b|\bquadrat[oaie]\b|\bsquare\b|正方形|方形",
    Aspect.LANDSCAPE: (
        rf"\b16{_RATIO}9\b|\borizzontal[ei]\b|\bhorizontal\b|\blandscape\b"
        r"|\bpanoramic[oa]\b|\bwidescreen\b|横屏|横版|横向|宽屏"
    ),
}
_ASPECT_PATTERNS = {aspect: re.compile(pattern) for aspect, pattern in _ASPECTS.items()}

_WORD_NUMBERS = {
    "un": 1, "uno": 1, "una": 1, "one": 1, "due": 2, "two": 2, "tre": 3, "three": 3,
    "quattro": 4, "four": 4, "cinque": 5, "five": 5, "sei": 6, "six": 6, "sette": 7,
    "seven": 7, "otto": 8, "eight": 8, "nove": 9, "nine": 9, "dieci": 10, "ten": 10,
    "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
    "九": 9, "十": 10,
}  # fmt: skip
_NUMBER = (
    r"(?P<number>\d+(?:[.,]\d+)?|" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + ")"
)
_UNIT = r"(?:(?:secondi|secondo|seconds|second|secs|sec|s)\b|秒钟|秒)"
_PHOTO = r"(?:foto|fotografi[ae]|immagin[ei]|scatt[oi]|photos?|pictures?|pics?|images?|slides?)"
_EACH = r"(?:per ogni|a ogni|for each|per each|al|alla|per|ogni|each|every|a|an)"
# A number starts after anything but a Latin letter or digit: Chinese runs into it.
_START = r"(?<![a-z0-9.,])"
_SECONDS_PATTERNS = [
    # "3 secondi a foto", "3 seconds per photo", "3 s each", "3秒一张"
    re.compile(
        rf"{_START}{_NUMBER}\s*{_UNIT}\s*(?:{_EACH}\s+{_PHOTO}\b|ciascun[ao]\b|each\b|apiece\b"
        r"|l'una\b|cad(?:\.|auna\b)|一张|每张)"
    ),
    # "ogni foto dura 3 secondi", "each photo for 3 seconds"
    re.compile(
        rf"\b(?:ogni|ciascuna|each|every|per)\s+{_PHOTO}\b(?:\s+\S+){{0,3}}?\s+"
        rf"{_NUMBER}\s*{_UNIT}"
    ),
    # "每张3秒", "每张照片停留 3 秒"
    re.compile(rf"每张(?:照片|图片|相片|图)?(?:停留|显示|播放|持续|放)?\s*{_NUMBER}\s*{_UNIT}"),
]


def read_instruction(text: str) -> Instruction:
    """The aspect and seconds per photo that ``text`` asks for, if it asks."""
    normal = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    return Instruction(aspect=_aspect(normal), photo_seconds=_photo_seconds(normal))


def _aspect(text: str) -> Aspect | None:
    found = [
        (match.start(), aspect)
        for aspect, pattern in _ASPECT_PATTERNS.items()
        for match in pattern.finditer(text)
    ]
    return max(found)[1] if found else None


def _photo_seconds(text: str) -> float | None:
    for pattern in _SECONDS_PATTERNS:
        match = pattern.search(text)
        if match:
            said = match["number"]
            value = _WORD_NUMBERS.get(said) or float(said.replace(",", "."))
            return min(max(float(value), MIN_PHOTO_SECONDS), MAX_PHOTO_SECONDS)
    return None
