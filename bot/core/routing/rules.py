"""The rules of routing: what they decide alone, and what they tell the model.

A word that names an intent ("esporta", "crediti", "状态") counts only where the message
asks for it: a short request wins, while the same word inside an editing instruction
("aggiungi il saldo finale come titolo"), after a deferral ("poi lo esporto io") or
under a negation ("non esportare") leaves the message to the editing agent. The rules
alone decide what no statistics should overrule: a media link, a message made only of
links, a leading intent command. For everything else they give a verdict and the
roles of the words they know (``Reading.cues``), which the trained model weighs
alongside the message's n-grams (see ``bot.core.routing.model``).

How a message is read:

1. Links: a link to a media file, or a message made only of links, is an upload (the
   caller uploads ``extract_links(text)``; any instruction beside them can then be
   routed like a caption).
2. Normalise: quoted text dropped (a title to write is not a request); then NFKC,
   casefold, accents, emoji and punctuation dropped, and runs of one letter squeezed
   ("esportaaa", "crediiti") on both sides of every comparison.
3. Tokenise: Latin-script words; Chinese runs split into known words, longest first,
   other characters one by one. Phrases are matched before single words, words
   exactly before by similarity (typos: "esprota", "downlaod").
4. A leading "/command", with or without "@botname", that names an intent decides.
5. Score: each cue adds weight to an intent or to CHAT; the best intent is the verdict
   only if it scores above CHAT.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.actions import Action
from bot.core.links import extract_links, is_media_link
from bot.core.routing.lexicon import LEXICON, Tag
from bot.core.slash import parse_slash

__all__ = ["ROUTABLE", "Reading", "read"]

# What free text can ask for, in a fixed order; the other actions are commands and
# buttons only.
ROUTABLE = (Action.EXPORT, Action.CREDITS, Action.STATE, Action.UPLOAD, Action.CHAT)


_INTENT_OF_TAG = {
    Tag.EXPORT: Action.EXPORT,
    Tag.CREDITS: Action.CREDITS,
    Tag.STATE: Action.STATE,
    Tag.UPLOAD: Action.UPLOAD,
}
# What may stand between a negation and its verb: "non lo esportare", "non ancora l'export".
_CLITICS = frozenset({("lo",), ("la",), ("li",), ("le",), ("ancora",), ("yet",)})
_REQUEST_TAGS = frozenset({*_INTENT_OF_TAG, Tag.DELIVER, Tag.SHOW})
# On a tie between intents, the read-only ones first: they are instant and free.
# An export word under these is not a request for one: never a confident export.
_HOLDING_BACK = frozenset({"not-export", "not-deliver", "price"})
_PRIORITY = (Action.CREDITS, Action.STATE, Action.EXPORT, Action.UPLOAD)

_REQUEST = 3  # an intent word, or a verb with the video as its object
_EDIT = 4  # an editing verb outweighs one intent word: "aggiungi il saldo come titolo"
_PRICE = 4  # "quanto costa esportare?": the price outweighs the export word it names
_ASIDE = 3  # a deferral or "myself": with one intent word, a tie, so CHAT
_OBJECT_REACH = 4  # how far a verb looks, past fillers, for its object
_FUZZY_CUTOFF = 0.8
_FUZZY_MIN_LENGTH = 6  # shorter words are too alike: "credi" (you believe) vs "credit"


def _squeeze(word: str) -> str:
    """Fold runs of one character: typos double letters, shouting triples them."""
    return re.sub(r"(.)\1+", r"\1", word)


def _build_lexicon() -> dict[tuple[str, ...], Tag]:
    lexicon: dict[tuple[str, ...], Tag] = {}
    for tag, entries in LEXICON.items():
        for entry in entries:
            words = tuple(_squeeze(word) for word in entry.split())
            lexicon.setdefault(words, tag)
    return lexicon


_ENTRIES = _build_lexicon()
_LONGEST_PHRASE = max(len(words) for words in _ENTRIES)
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CHINESE_WORDS = frozenset(word for words in _ENTRIES for word in words if _CJK_CHAR.match(word))
_LONGEST_CHINESE = max(len(word) for word in _CHINESE_WORDS)
# Typos are looked for among the words that carry an intent, nowhere else.
_FUZZY_TARGETS = tuple(
    words[0]
    for words, tag in _ENTRIES.items()
    if tag in _INTENT_OF_TAG and len(words) == 1 and len(words[0]) >= _FUZZY_MIN_LENGTH
)

_TOKEN = re.compile(f"[{_CJK}]+|[^\\W_{_CJK}]+")
# Quoted text is content (a title, a caption), never a request: "metti il titolo «Scarica
# ora»". Single quotes count only around words, so apostrophes (l'app, don't) stay.
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|«[^»]*»|「[^」]*」|『[^』]*』|(?<!\w)'[^']*'(?!\w)")
_CONTRACTIONS = (
    (re.compile(r"\bcan['’]t\b"), "cannot"),
    (re.compile(r"\bwon['’]t\b"), "will not"),
    (re.compile(r"n['’]t\b"), " not"),
    (re.compile(r"['’]ll\b"), " will"),
    (re.compile(r"\bdont\b"), "do not"),
)


@dataclass(frozen=True)
class _Unit:
    """One word or phrase of the message, with the role it plays (None: plain content)."""

    words: tuple[str, ...]
    tag: Tag | None


@dataclass(frozen=True)
class Reading:
    """What the rules make of a message.

    ``decided`` is set when the rules alone decide (media link, links only, an intent
    command). ``text`` is the message normalised, ``cues`` the roles of the known ones
    in context ("export", "not-export", "deliver>export", "verdict:chat"…), and
    ``held_back`` says an export word is negated, deferred or left to the person: such
    a message is never a confident export, whatever the model says.
    """

    decided: Action | None
    verdict: Action
    text: str
    cues: tuple[str, ...]
    held_back: bool


def read(text: str) -> Reading:
    """Read a message with the rules: a decision where they have one, cues everywhere."""
    links = extract_links(text)
    prose = _QUOTED.sub(" ", _without(text, links))
    command = parse_slash(prose)
    if command:
        prose = f"{command.name} {command.args}"
    runs = _runs(prose)
    words = _words(runs)
    units = _units(words)
    decided = None
    if any(is_media_link(link) for link in links) or (links and not words):
        decided = Action.UPLOAD
    elif command and units and units[0].tag in _INTENT_OF_TAG:
        decided = _INTENT_OF_TAG[units[0].tag]
    verdict = decided or _decide(_score(units, has_link=bool(links)))
    cues = [*_cues(units), f"verdict:{verdict}"]
    if links:
        cues.append("link")
    if "?" in prose or "？" in prose:
        cues.append("question")
    held_back = bool(_HOLDING_BACK.intersection(cues)) or (
        "export" in cues and ("defer" in cues or "self" in cues)
    )
    return Reading(decided, verdict, " ".join(runs), tuple(cues), held_back)


def _cues(units: Sequence[_Unit]) -> list[str]:
    """Each known word's role, qualified by its context where the rules look at it."""
    cues = []
    for index, unit in enumerate(units):
        match unit.tag:
            case None | Tag.FILLER | Tag.KNOWN:
                continue
            case Tag.EXPORT | Tag.CREDITS | Tag.STATE | Tag.UPLOAD if _negated(units, index):
                cues.append(f"not-{unit.tag}")
            case Tag.CREDITS | Tag.STATE if _new_content(units, index):
                cues.append(f"new-{unit.tag}")
            case Tag.DELIVER | Tag.SHOW if _negated(units, index):
                cues.append(f"not-{unit.tag}")
            case Tag.DELIVER | Tag.SHOW:
                cues.append(f"{unit.tag}>{_verb_intent(units, index) or 'other'}")
            case Tag.LIGHT if _governs_request(units, index):
                cues.append("light>request")
            case _:
                cues.append(str(unit.tag))
    return cues


def _without(text: str, links: Sequence[str]) -> str:
    for link in links:
        text = text.replace(link, " ")
    return text


def _runs(text: str) -> list[str]:
    """Normalised runs of Latin letters (squeezed) or of Chinese characters (whole)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    decomposed = unicodedata.normalize("NFD", text)
    text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return [
        run if _CJK_CHAR.match(run) else _squeeze(run)
        for run in (match.group() for match in _TOKEN.finditer(text))
    ]


def _words(runs: Sequence[str]) -> list[str]:
    """The runs as words: Chinese runs cut into known words."""
    words: list[str] = []
    for run in runs:
        words.extend(_segment_chinese(run) if _CJK_CHAR.match(run) else (run,))
    return words


def _segment_chinese(run: str) -> list[str]:
    """Greedy longest match against the lexicon; unknown characters stand alone."""
    words = []
    start = 0
    while start < len(run):
        for length in range(min(_LONGEST_CHINESE, len(run) - start), 0, -1):
            word = run[start : start + length]
            if length == 1 or word in _CHINESE_WORDS:
                words.append(word)
                start += length
                break
    return words


def _units(tokens: Sequence[str]) -> list[_Unit]:
    """Group tokens into lexicon entries, longest phrase first."""
    units = []
    start = 0
    while start < len(tokens):
        unit = _unit_at(tokens, start)
        units.append(unit)
        start += len(unit.words)
    return units


def _unit_at(tokens: Sequence[str], start: int) -> _Unit:
    for length in range(min(_LONGEST_PHRASE, len(tokens) - start), 0, -1):
        words = tuple(tokens[start : start + length])
        if words in _ENTRIES:
            return _Unit(words, _ENTRIES[words])
    return _Unit((tokens[start],), _typo_tag(tokens[start]))


def _typo_tag(word: str) -> Tag | None:
    """The tag of the intent word this one is a typo of ("esprota"), if any."""
    if len(word) < _FUZZY_MIN_LENGTH:
        return None
    close = difflib.get_close_matches(word, _FUZZY_TARGETS, n=1, cutoff=_FUZZY_CUTOFF)
    return _ENTRIES[(close[0],)] if close else None


def _score(units: Sequence[_Unit], *, has_link: bool) -> Counter[Action]:
    scores: Counter[Action] = Counter()
    for index, unit in enumerate(units):
        match unit.tag:
            case Tag.EXPORT | Tag.UPLOAD if not _negated(units, index):
                scores[_INTENT_OF_TAG[unit.tag]] += _REQUEST
            case Tag.CREDITS | Tag.STATE if not (
                _negated(units, index) or _new_content(units, index)
            ):
                scores[_INTENT_OF_TAG[unit.tag]] += _REQUEST
            case Tag.DELIVER | Tag.SHOW:
                intent = _verb_intent(units, index)
                if intent is not None:
                    scores[intent] += _REQUEST
            case Tag.PRICE:
                scores[Action.CREDITS] += _PRICE
            case Tag.EDIT:
                scores[Action.CHAT] += _EDIT
            case Tag.LIGHT if not _governs_request(units, index):
                scores[Action.CHAT] += _EDIT
            case Tag.DEFER | Tag.SELF:
                scores[Action.CHAT] += _ASIDE
    if has_link and any(unit.tag is Tag.LINK_WORD for unit in units):
        scores[Action.UPLOAD] += _REQUEST
    return scores


def _decide(scores: Counter[Action]) -> Action:
    best = max(_PRIORITY, key=scores.__getitem__)  # on a tie, max keeps the first
    return best if scores[best] > scores[Action.CHAT] else Action.CHAT


def _negated(units: Sequence[_Unit], index: int) -> bool:
    """A negation before the word, past clitics and a wanting or light verb: "non lo
    esportare", "non voglio esportarlo", "non farmelo scaricare", "don't want to export"."""
    before = index - 1
    while before >= 0 and (
        units[before].words in _CLITICS
        or units[before].tag in (Tag.FILLER, Tag.DELIVER, Tag.LIGHT)
    ):
        before -= 1
    return before >= 0 and units[before].tag is Tag.NEGATION


def _new_content(units: Sequence[_Unit], index: int) -> bool:
    """ "una traccia", "a new track": something to add, not the project's own."""
    return any(unit.tag is Tag.INDEFINITE for unit in units[max(0, index - 2) : index])


def _object(units: Sequence[_Unit], index: int) -> int | None:
    """Where the object of the verb at ``index`` is: the next unit that is not a filler."""
    for position in range(index + 1, min(len(units), index + 1 + _OBJECT_REACH)):
        if units[position].tag is not Tag.FILLER:
            return position
    return None


def _verb_intent(units: Sequence[_Unit], index: int) -> Action | None:
    """What DELIVER or SHOW asks for: "mandami il video" is an export, "mostrami il
    progetto" the state, and "voglio il video più corto" an edit. With nothing after
    the verb, its object may stand before it: "视频给我", "把文件给我"."""
    if _negated(units, index):
        return None
    position = _object(units, index)
    if position is None:
        return _fronted_object(units, index)
    if position + 1 < len(units) and units[position + 1].tag is Tag.CHANGE:
        return None
    target = units[position].tag
    if target is Tag.THING or (units[index].tag is Tag.DELIVER and target is Tag.PROJECT):
        return Action.EXPORT
    if units[index].tag is Tag.SHOW and target in (Tag.PROJECT, Tag.STATE):
        return Action.STATE
    return None


def _fronted_object(units: Sequence[_Unit], index: int) -> Action | None:
    """An export when the verb ends the clause and the video stands just before it,
    past fillers ("把成品发我", "il video? mandalo")."""
    before = index - 1
    while before >= 0 and units[before].tag is Tag.FILLER:
        before -= 1
    if units[index].tag is Tag.DELIVER and before >= 0 and units[before].tag is Tag.THING:
        return Action.EXPORT
    return None


def _governs_request(units: Sequence[_Unit], index: int) -> bool:
    """ "fai l'export", "fammi scaricare": the light verb only carries the request."""
    position = _object(units, index)
    return position is not None and units[position].tag in _REQUEST_TAGS
