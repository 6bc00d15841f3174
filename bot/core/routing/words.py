"""A message as the rules read it: normalised runs of text, then units of the lexicon.

1. Normalise: NFKC, casefold, contractions spelt out, accents, emoji and punctuation
   dropped, runs of one letter squeezed ("esportaaa", "crediiti") on both sides of
   every comparison. Punctuation between clauses (",", "；", "?") stays as a break: a
   negation, a verb's object or a deferral does not reach across it.
2. Tokenise: Latin-script words; Chinese runs split into known words, longest first,
   a window that sounds like an intent word (``bot.core.routing.pinyin``) read as that
   word, other characters one by one.
3. Units: phrases of the lexicon before single words, words exactly before by
   similarity (typos: "esprota", "downlaod").
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core.routing import pinyin
from bot.core.routing.lexicon import (
    ADDING,
    CARRYING,
    DESCRIBING,
    LEXICON,
    PERSON_MODALS,
    PERSON_SENDING,
    PLAIN_BESIDE_LINKS,
    SETTINGS,
    WANTING,
    WORK_IN_PROGRESS,
    Tag,
)

__all__ = [
    "ACKNOWLEDGING_WORDS",
    "BREAK",
    "CARRYING_WORDS",
    "DESCRIBING_WORDS",
    "PERSON_MODAL_WORDS",
    "PERSON_SENDING_WORDS",
    "SENDING_WORDS",
    "SETTING_WORDS",
    "WANTING_WORDS",
    "WORK_IN_PROGRESS_WORDS",
    "Unit",
    "adds",
    "forget",
    "is_chinese",
    "plain_beside_links",
    "runs",
    "text_of",
    "units",
]

BREAK = "|"
_INTENTS = frozenset({Tag.EXPORT, Tag.CREDITS, Tag.STATE, Tag.UPLOAD})
# Sounds are matched for words of two characters or more (one syllable has dozens of
# characters) that carry an intent or qualify one; traditional characters sound like the
# simplified ones (下載, 收費), so they are read by sound too.
_HOMOPHONE_TAGS = _INTENTS | {
    Tag.THING,
    Tag.PRICE,
    Tag.DELIVER,
    Tag.NEGATION,
    Tag.DEFER,
    Tag.THEN,
    Tag.SELF,
    Tag.DEVICE,
    Tag.KNOWN,
}
_FUZZY_CUTOFF = 0.8
_FUZZY_MIN_LENGTH = 6  # shorter words are too alike: "credi" (you believe) vs "credit"


_REPEATS = re.compile(r"(.)\1+")


def _squeeze(word: str) -> str:
    """Fold runs of one character: typos double letters, shouting triples them."""
    return _REPEATS.sub(r"\1", word)


@functools.cache
def _simplifier() -> Callable[[str], str]:
    """OpenCC's Taiwan-to-mainland conversion, phrases included (影片 -> 视频, 匯出 ->
    导出): Taiwan and Hong Kong writers then meet the lexicon and the model's n-grams
    in the one script they are written in. Simplified text goes through unchanged."""
    import opencc

    return opencc.OpenCC("tw2sp").convert


def _word(word: str) -> str:
    # Chinese is never squeezed: "等等" (wait) is not "等" (to wait for).
    return _simplifier()(word) if _CJK_CHAR.match(word) else _squeeze(word)


def _build_lexicon() -> dict[tuple[str, ...], Tag]:
    lexicon: dict[tuple[str, ...], Tag] = {}
    for tag, entries in LEXICON.items():
        for entry in entries:
            lexicon.setdefault(tuple(map(_word, entry.split())), tag)
    return lexicon


def _normalised(entries: frozenset[str]) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(map(_word, entry.split())) for entry in entries)


# Sending verbs that, alone in a message but for a pronoun and an "ok" ("ok send",
# "me lo spedisci?", "给我吧"), can only mean the video: wanting, saving and finding verbs
# ("voglio", "salva", "where is") alone say too little.
_SENDING = frozenset(
    {
        *("manda", "mandami", "mandi", "invia", "inviami", "invii", "spedisci", "spediscimi"),
        *("dammi", "passami", "passi", "consegna", "consegnami", "inoltra", "inoltrami"),
        *("rimanda", "send", "give", "gimme", "ship", "给我", "发", "发送", "inviare", "inviarlo"),
        *("mandare", "mandarlo", "consegnare", "consegnarlo", "deliver", "俾"),
        *("trasmetta", "spedisca", "mandatemi", "inviatemi"),
    }
)
# Words that say nothing but assent: beside a bare sending verb, still only "send it".
_ACKNOWLEDGING = frozenset(
    {
        *("ok", "okay", "va", "bene", "perfetto", "dai", "allora", "pure", "si", "yes"),
        *("yep", "great", "cool", "go", "ahead", "just", "好", "好的", "行", "吧", "啦"),
        *("呗", "嗯", "那"),
        # Leave given, or haste: "puoi inviare", "you can send", "直接发", "快发快发".
        *("puoi", "potete", "puo", "you", "can", "could", "already", "finally", "finalmente"),
        *("可以", "能", "直接", "马上", "立刻", "赶紧", "快", "就行", "了", "搞掂", "ora"),
        # Thanks around a request: "做出来发我 谢谢", "generalo, grazie".
        *("grazie", "thanks", "thank you", "thx", "ty", "谢谢", "麻烦了", "麻烦你了"),
        # Greetings and calls around a request: "fai il video adesso grazie ciao", "raga".
        *("ciao", "bye", "cheers", "raga", "ragazzi", "guys", "bro", "mate", "lads", "dude"),
        *("bot", "机器人"),  # called by name: "bot mandamelo", "机器人 生成最终mp4"
        *("rn", "asap", "pls", "plz", "dai su"),
    }
)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
ENTRIES = _build_lexicon()
_ADDING = _normalised(ADDING)
DESCRIBING_WORDS = _normalised(DESCRIBING)
SETTING_WORDS = _normalised(SETTINGS)
WANTING_WORDS = _normalised(WANTING)
SENDING_WORDS = _normalised(_SENDING)
PERSON_SENDING_WORDS = _normalised(PERSON_SENDING)
CARRYING_WORDS = _normalised(CARRYING)
PERSON_MODAL_WORDS = _normalised(PERSON_MODALS)
WORK_IN_PROGRESS_WORDS = _normalised(WORK_IN_PROGRESS)
ACKNOWLEDGING_WORDS = _normalised(_ACKNOWLEDGING)
_PLAIN = _normalised(PLAIN_BESIDE_LINKS)
# Beside a link, units of these roles say nothing more than "here it is".
_PLAIN_TAGS = frozenset(
    {Tag.UPLOAD, Tag.LINK_WORD, Tag.FILLER, Tag.BREAK, Tag.PREP, Tag.THING, Tag.FILE}
)
_LONGEST_PHRASE = max(len(words) for words in ENTRIES)
# The segmenter knows the words of the word lists too: else "谢谢" and "赶紧" (assent,
# haste) fall apart into characters no rule reads.
_CHINESE_WORDS = frozenset(
    word
    for words in (*ENTRIES, *ACKNOWLEDGING_WORDS, *SENDING_WORDS)
    for word in words
    if _CJK_CHAR.match(word)
)
_LONGEST_CHINESE = max(len(word) for word in _CHINESE_WORDS)
# Typos are looked for among the words that carry an intent, nowhere else.
_FUZZY_TARGETS = tuple(
    words[0]
    for words, tag in ENTRIES.items()
    if tag in _INTENTS and len(words) == 1 and len(words[0]) >= _FUZZY_MIN_LENGTH
)
_TOKEN = re.compile(f"[{_CJK}]+|[^\\W_{_CJK}]+|[,;:.!?，；：。！？、]+")
_CONTRACTIONS = (
    (re.compile(r"\bcan['’]t\b"), "cannot"),
    (re.compile(r"\bwon['’]t\b"), "will not"),
    (re.compile(r"n['’]t\b"), " not"),
    (re.compile(r"['’]ll\b"), " will"),
    (re.compile(r"\bdont\b"), "do not"),
)


@dataclass(frozen=True)
class Unit:
    """One word or phrase of the message, with the role it plays (None: plain content)."""

    words: tuple[str, ...]
    tag: Tag | None
    start: int = 0  # where it begins in ``text_of`` the runs


def runs(text: str) -> list[str]:
    """Normalised runs of Latin letters (squeezed) or of Chinese characters (whole), and
    ``BREAK`` for punctuation between them."""
    text = unicodedata.normalize("NFKC", text).casefold()
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    decomposed = unicodedata.normalize("NFD", text)
    text = "".join(char for char in decomposed if not unicodedata.combining(char))
    found = []
    for match in _TOKEN.finditer(text):
        run = match.group()
        if _CJK_CHAR.match(run):
            found.append(_simplifier()(run))
        elif run[0].isalnum():
            found.append(_squeeze(run))
        elif found and found[-1] != BREAK:
            found.append(BREAK)
    return found


def forget() -> None:
    """Empty what is remembered of words seen (typo readings, Chinese cuts): for a
    benchmark that wants the cost of words never seen."""
    _typo_tag.cache_clear()
    _segment_chinese.cache_clear()


def adds(unit: Unit) -> bool:
    """Beside a link, this unit asks to add or use what it points to."""
    return unit.tag in (Tag.UPLOAD, Tag.LINK_WORD) or unit.words in _ADDING


def plain_beside_links(unit: Unit) -> bool:
    """Beside a link, this unit says nothing more than "add it" or "here it is"."""
    return unit.tag in _PLAIN_TAGS or unit.words in _ADDING or unit.words in _PLAIN


def is_chinese(word: str) -> bool:
    """Whether the word is written in Chinese characters (its first one is)."""
    return _CJK_CHAR.match(word) is not None


def text_of(found: Sequence[str]) -> str:
    """The runs as the model reads them: words only, space-separated."""
    return " ".join(run for run in found if run != BREAK)


def units(found: Sequence[str]) -> list[Unit]:
    """The runs as lexicon units: Chinese cut into words, phrases grouped, longest first."""
    tokens: list[str] = []
    starts: list[int] = []
    offset = -1  # the space before the first run is not in the text
    for run in found:
        if run == BREAK:
            tokens.append(run)
            starts.append(max(offset, 0))
            continue
        offset += 1
        for token in _segment_chinese(run) if _CJK_CHAR.match(run) else (run,):
            tokens.append(token)
            starts.append(offset)
            offset += len(token)
    grouped = []
    start = 0
    while start < len(tokens):
        unit = _unit_at(tokens, start)
        grouped.append(Unit(unit.words, unit.tag, starts[start]))
        start += len(unit.words)
    return grouped


# What a segmentation costs per unit: a word spelt as in the lexicon least, a word read
# by sound more, a character left alone most. The cheapest segmentation wins, so a
# homophone never splits a word spelt right: in "样子导出" the sound of "子导" (指导)
# does not take the 导 of 导出, nor "到处是" the 视 of "道出视频".
_SPELT, _BY_SOUND, _ALONE = 2, 3, 4


@functools.lru_cache(maxsize=4096)
def _segment_chinese(run: str) -> tuple[str, ...]:
    """The cheapest cut into lexicon words, by spelling or by sound; unknown characters
    stand alone. Of equal cuts, the one whose first word is longest."""
    sounds = pinyin.syllables(run)
    homophones = _homophones()
    size = len(run)
    # best[start]: the cost of the rest of the run from ``start``, and its first word.
    best: list[tuple[int, str]] = [(0, "")] * (size + 1)
    for start in range(size - 1, -1, -1):
        choice: tuple[int, str] | None = None
        for length in range(min(_LONGEST_CHINESE, size - start), 0, -1):
            window = run[start : start + length]
            if length == 1:
                word, cost = window, _ALONE
            elif window in _CHINESE_WORDS:
                word, cost = window, _SPELT
            else:
                heard = homophones.get(length, {}).get(" ".join(sounds[start : start + length]))
                if heard is None:
                    continue
                word, cost = heard, _BY_SOUND
            total = cost + best[start + length][0]
            if choice is None or total < choice[0]:
                choice = (total, word)
        assert choice is not None  # a character alone is always a choice
        best[start] = choice
    words = []
    start = 0
    while start < size:
        word = best[start][1]
        words.append(word)
        start += len(word)
    return tuple(words)


_by_sound: dict[int, dict[str, str]] | None = None


def _homophones() -> dict[int, dict[str, str]]:
    """By length, the sound of each Chinese intent word (or name of the video) and the
    word spelt right: "到出" sounds like "导出"."""
    global _by_sound
    if _by_sound is None:
        by_sound: dict[int, dict[str, str]] = {}
        for words, tag in ENTRIES.items():
            word = words[0]
            if (
                tag in _HOMOPHONE_TAGS
                and len(words) == 1
                and len(word) > 1
                and _CJK_CHAR.match(word)
            ):
                by_sound.setdefault(len(word), {}).setdefault(pinyin.key(word), word)
        _by_sound = by_sound
    return _by_sound


def _unit_at(tokens: Sequence[str], start: int) -> Unit:
    if tokens[start] == BREAK:
        return Unit((BREAK,), Tag.BREAK)
    for length in range(min(_LONGEST_PHRASE, len(tokens) - start), 0, -1):
        words = tuple(tokens[start : start + length])
        if words in ENTRIES:
            return Unit(words, ENTRIES[words])
    return Unit((tokens[start],), _typo_tag(tokens[start]))


@functools.lru_cache(maxsize=4096)
def _typo_tag(word: str) -> Tag | None:
    """The tag of the intent word this one is a typo of ("esprota"), if any; remembered,
    as people write the same words again and again."""
    if len(word) < _FUZZY_MIN_LENGTH:
        return None
    candidates = _letter_counts().candidates(word)
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=_FUZZY_CUTOFF)
    return ENTRIES[(close[0],)] if close else None


class _LetterCounts:
    """The typo targets' letter counts, to rule most of them out for a word at once.

    ``difflib``'s ratio is 2·M/T, where M, the matched characters, is at most the letters
    two words share counted with repetition; a target sharing too few cannot reach the
    cutoff, so ``get_close_matches`` on the rest finds what it would on them all. Scoring
    the 90 targets one by one in Python was most of a message's routing time.
    """

    def __init__(self, targets: Sequence[str]) -> None:
        import numpy as np  # the trained models use it already; the rules' import need not

        self._np = np
        self._targets = targets
        self._lengths = np.array([len(target) for target in targets])
        self._counts = np.array([self._count(target) for target in targets])

    def _count(self, word: str) -> list[int]:
        # Letters outside a-z share the last slot: that only overstates what is shared,
        # so no target that could match is ruled out.
        counts = [0] * 27
        for char in word:
            counts[ord(char) - 97 if "a" <= char <= "z" else 26] += 1
        return counts

    def candidates(self, word: str) -> list[str]:
        np = self._np
        shared = np.minimum(self._counts, self._count(word)).sum(axis=1)
        # A hair below the cutoff: float rounding must not rule out a word at it.
        possible = 2 * shared >= _FUZZY_CUTOFF * (self._lengths + len(word)) - 1e-9
        return [self._targets[index] for index in np.flatnonzero(possible).tolist()]


_letters: _LetterCounts | None = None


def _letter_counts() -> _LetterCounts:
    global _letters
    if _letters is None:
        _letters = _LetterCounts(_FUZZY_TARGETS)
    return _letters
