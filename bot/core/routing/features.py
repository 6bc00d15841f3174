"""What the router's model sees of a message: n-grams of its normalised text and the
rules' cues.

Why these features: character n-grams carry what words cannot (typos such as
"esprota", missing accents, clitics glued to a verb as in "mandamelo", pinyin-IME
homophones such as "到处" for "导出", and Chinese, which has no spaces), so they are taken
across word boundaries and again on the text with its spaces removed ("esporta lo" and
"esportalo" then share their n-grams). Words and word pairs carry whole phrases
("a che punto"). The rules' cues ("not-export", "deliver>export", "edit") carry what no
n-gram can: negation, deferral and the object of a verb. A length bucket lets the
model learn that one-word messages are rarely editing instructions.

The text is the rules' normalisation (``Reading.text``): casefolded, accents and
punctuation dropped, runs of one letter squeezed, so "ESPORTAAA!!" and "esporta" look
alike here too.
"""

from __future__ import annotations

import itertools
import re

from bot.core.routing import pinyin
from bot.core.routing.rules import Reading

__all__ = ["features"]

_CHAR_NGRAMS = (2, 3, 4)
_SPACELESS_NGRAMS = (4, 5)
_CJK_CHAR = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LENGTHS = (1, 2, 3, 5, 8, 13)  # bucket bounds, in words


def features(reading: Reading) -> list[str]:
    """The message's features, one string each; a repeated n-gram counts again."""
    text = reading.text
    words = text.split()
    found = [f"w:{word}" for word in words]
    found += [f"b:{first} {second}" for first, second in itertools.pairwise(words)]
    found += _ngrams(f" {text} ", _CHAR_NGRAMS, "")
    found += _ngrams("".join(words), _SPACELESS_NGRAMS, "s:")
    found += [f"z:{char}" for char in text if _CJK_CHAR.match(char)]
    found += _sounds(text)
    found += [f"c:{cue}" for cue in reading.cues]
    found.append(f"n:{_bucket(len(words))}")
    return found


def _ngrams(text: str, sizes: tuple[int, ...], prefix: str) -> list[str]:
    return [
        f"{prefix}{text[start : start + size]}"
        for size in sizes
        for start in range(len(text) - size + 1)
    ]


def _sounds(text: str) -> list[str]:
    """Syllable pairs of the Chinese: an IME homophone (到出, 下再) sounds like the word
    meant (导出, 下载) though it shares no character with it."""
    found = []
    for run in _CJK_RUN.findall(text):
        sounds = pinyin.syllables(run)
        found += [f"p:{first} {second}" for first, second in itertools.pairwise(sounds)]
    return found


def _bucket(count: int) -> int:
    """The first bound at or above ``count``: 1, 2, 3, ≤5, ≤8, ≤13 or more words."""
    return next((bound for bound in _LENGTHS if count <= bound), _LENGTHS[-1] + 1)
