"""The rules of routing: what they decide alone, and what they tell the model.

A word that names an intent ("esporta", "crediti", "状态") counts only where the message
asks for it: a short request wins, while the same word inside an editing instruction
("aggiungi il saldo finale come titolo"), after a deferral ("lo esporto domani"), under
a condition ("如果导出要很久…") or a negation ("non esportare") leaves the message to the
editing agent. The rules alone decide what no statistics should overrule: a media link,
a message made only of links, a link beside words about it, a leading intent command.
For everything else they give a
verdict and the roles of the words they know (``Reading.cues``), which the trained model
weighs alongside the message's n-grams (see ``bot.core.routing.model``).

How a message is read (the words themselves: ``bot.core.routing.words``):

1. Links: a link to a media file, or a message made only of links, is an upload. So is
   a link to any page (Drive, Dropbox, YouTube, Instagram, TikTok…) beside words asking
   to add or use what it points to ("usa questo video", "add this too", "这个也加进去",
   "ecco il link"): a person who pastes a link and says "add" expects it in the video,
   whatever the host. Two readings keep such a link out: a refusal ("non usare questo
   link", "别用那个链接") and a model to follow ("fallo come questo", "make it look like
   this", "照着这个风格做"), where the person expects the agent to look at it, not the
   project to grow; both go to the agent, link and all. Other words beside a page link
   are left to the model. The caller uploads ``extract_links(text)``, then runs the
   words that say more than "add this" (``beside_links``: "metti questa clip
   all'inizio") like a photo's caption. Quoted text is dropped: a title to write is
   not a request.
2. A leading "/command", with or without "@botname", that names an intent decides.
3. Two steps ("先导出，然后发我", "metti la musica e poi esporta"): the first is what is
   asked now, so it alone gives the verdict; the cues after "then" are kept apart.
4. Scopes: a negation reaches the next verb, so "不用改了，直接导" declines the edit, not
   the export; a deferral or a condition holds back an export in its own clause, a
   "wait" everything after it; "next time", "before exporting", "maybe" and "how does
   the export work" are such asides too. An export word the sentence speaks of ("the render is
   too dark", "l'export era sgranato") asks for nothing, and a wanting or showing verb
   whose video is described ("voglio il video in verticale", "lo voglio verticale")
   wishes for an edit: neither is ever a confident export (``bot.core.routing.reach``).
   Nor is an export word whose object is a part of the video, not the video ("esporta
   le didascalie in bianco", "render the text bigger", "下载一首歌放进去"): an edit;
   nor one beside a comparative of how the video should become ("render finale: più
   luminoso"; "in qualità più alta" is a setting). A sending verb alone but for a
   pronoun and an "ok" ("ok send", "me lo spedisci?", "给我吧") has only the video to
   send: an export. A sending verb asked how, or under the person's "can I" ("posso
   mandare video in 4k?", "how do i send it", "怎么传过来"), has the person send to the
   bot: an upload asked about. Making *the* video with nothing said about it ("produci
   il video finale", "fammi sto video") is the export, making *a* video of something
   ("fai un video con le foto del mare") an edit; the video named alone with only
   assent or haste around it ("final video pls", "mp4 asap") is asked for.
5. Score: each cue adds weight to an intent or to CHAT; the best intent is the verdict
   only if it scores above CHAT.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.actions import Action
from bot.core.links import extract_links, is_media_link
from bot.core.routing import reach, words
from bot.core.routing.lexicon import Tag
from bot.core.routing.words import Unit
from bot.core.slash import parse_slash

__all__ = ["ROUTABLE", "Reading", "beside_links", "read"]

# What free text can ask for, in a fixed order; the other actions are commands and
# buttons only.
ROUTABLE = (Action.EXPORT, Action.CREDITS, Action.STATE, Action.UPLOAD, Action.CHAT)


_INTENT_OF_TAG = {
    Tag.EXPORT: Action.EXPORT,
    Tag.CREDITS: Action.CREDITS,
    Tag.STATE: Action.STATE,
    Tag.UPLOAD: Action.UPLOAD,
}
# An export word under these is not a request for one: never a confident export.
_HOLDING_BACK = frozenset(
    {"not-export", "not-deliver", "price", "wish", "export>content", "change"}
)
# An export asked for, in whatever words: what a deferral in its clause holds back.
_ASKED_EXPORT = frozenset(
    {
        *("export", "deliver>export", "show>export", "device>export", "how>export"),
        *("make>export", "thing>export"),
    }
)
# "about" (how the bot works) is an aside too, but weighs nothing in the score: "come
# faccio a mandare le foto dal computer?" still asks how to upload; it only holds back an
# export in its clause.
_ASIDES = frozenset({"defer", "self", "condition", "wait", "about"})
# Assent that goes on with whatever was last proposed: "sì, procedi", "ok vai".
_GO_ON = frozenset(
    (word,)
    for word in ("procedi", "proceed", "vai", "avanti", "continua", "approvato", "approved")
)
# After a request, these give its reason, and a time after them is the reason's: "mandalo
# che domani è la festa", "send it so i can post it tomorrow", "发我 因为明天要用".
_REASONS = frozenset(
    (word,)
    for word in (
        *("che", "perche", "poiche", "siccome", "so", "because", "cause", "cuz", "coz"),
        *("since", "as", "因为", "我要", "要"),
    )
)
# What a question asks about, not for: after "之后" it makes the words before a time.
_ASKED_ABOUT = frozenset({Tag.CREDITS, Tag.STATE, Tag.PRICE})
# After a request, "before" is haste: "send it before i lose signal".
_BEFORE = frozenset(
    {("before",), ("before", "i"), ("before", "we"), ("before", "you"), ("prima", "che")}
    | {("prima", "di"), ("prima", "de")}
)
# After the video, these say what it is of: "video di Roma", "the video of the beach".
_OF = frozenset((word,) for word in ("di", "of", "del", "della", "delle", "dei", "degli", "from"))
# Words that say nothing of what is asked: a step made only of them is no step.
_EMPTY = frozenset({Tag.FILLER, Tag.BREAK, Tag.PREP})
# On a tie between intents, the read-only ones first: they are instant and free.
_PRIORITY = (Action.CREDITS, Action.STATE, Action.EXPORT, Action.UPLOAD)

_REQUEST = 3  # an intent word, or a verb with the video as its object
_EDIT = 4  # an editing verb outweighs one intent word: "aggiungi il saldo come titolo"
_PRICE = 4  # "quanto costa esportare?": the price outweighs the export word it names
_ASIDE = 3  # a deferral, a condition or "myself": with one intent word, a tie, so CHAT

# Quoted text is content (a title, a caption), never a request: "metti il titolo «Scarica
# ora»". Single quotes count only around words, so apostrophes (l'app, don't) stay.
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|«[^»]*»|「[^」]*」|『[^』]*』|(?<!\w)'[^']*'(?!\w)")


@dataclass(frozen=True)
class Reading:
    """What the rules make of a message.

    ``decided`` is set when the rules alone decide (media link, links only, an intent
    command). ``text`` is the message normalised, ``cues`` the roles of the known ones
    in context ("export", "not-export", "deliver>export", "then:edit", "verdict:chat"…),
    ``held_back`` says an export word is negated, deferred, conditional or left to the
    person, or the message is assent alone: such a message is never a confident export,
    whatever the model says. ``described`` says the video is described ("video di
    Roma"): content for the agent, hardly worth a question about an export.
    """

    decided: Action | None
    verdict: Action
    text: str
    cues: tuple[str, ...]
    held_back: bool
    described: bool


def read(text: str) -> Reading:
    """Read a message with the rules: a decision where they have one, cues everywhere."""
    links = extract_links(text)
    prose = _QUOTED.sub(" ", _without(text, links))
    command = parse_slash(prose)
    if command:
        prose = f"{command.name} {command.args}"
    runs = words.runs(prose)
    units = _reasons_given(words.units(runs))
    decided = None
    if any(is_media_link(link) for link in links) or (links and not words.text_of(runs)):
        decided = Action.UPLOAD
    elif command and units and units[0].tag in _INTENT_OF_TAG:
        decided = _INTENT_OF_TAG[units[0].tag]
    elif links:
        decided = _link_request(units)
    now, later = _steps(units, has_link=bool(links))
    verdict = decided or _decide(_score(now, has_link=bool(links)))
    cues = _cues(now)
    held_back = bool(_HOLDING_BACK.intersection(cues)) or _deferred(now) or _assent_alone(units)
    if later:
        cues += ["then", *(f"then:{cue}" for cue in _cues(later))]
    cues.append(f"verdict:{verdict}")
    if links:
        cues.append("link")
    if "?" in prose or "？" in prose:
        cues.append("question")
    text = words.text_of(runs)
    if later and verdict is not Action.CHAT:
        # The request is the first step: the second's words ("esportalo e poi dimmi i
        # crediti") would outvote it in the model. Its cues stay, marked "then:".
        text = text[: units[len(now)].start].rstrip()
    return Reading(decided, verdict, text, tuple(cues), held_back, _video_described(units))


def _reasons_given(units: list[Unit]) -> list[Unit]:
    """The units, with a time that follows a request as its reason or its haste read as
    plain words: "mandalo che domani è la festa", "send it before i lose signal" ask for
    it now; "domani mandalo", "before exporting, add music" still wait."""
    kept: list[Unit] = []
    asked = reason = False
    for unit in units:
        if unit.tag is Tag.BREAK:
            asked = reason = False
        elif unit.tag in (Tag.EXPORT, Tag.DELIVER):
            asked = True
        elif asked and unit.words in _REASONS:
            reason = True
        elif asked and unit.tag is Tag.DEFER and (reason or unit.words in _BEFORE):
            unit = Unit(unit.words, None, unit.start)
        kept.append(unit)
    return kept


def _assent_alone(units: Sequence[Unit]) -> bool:
    """ "sì, procedi", "ok vai", "ok, fallo": assent alone may answer the agent as well as
    ask for the video, so it is asked about, never run."""
    return bool(units) and all(
        unit.tag in _EMPTY
        or unit.words in words.ACKNOWLEDGING_WORDS
        or unit.words in _GO_ON
        or (unit.tag is Tag.LIGHT and unit.words in words.CARRYING_WORDS)
        for unit in units
    )


def _video_described(units: Sequence[Unit]) -> bool:
    """ "video di Roma", "the video of the beach": the video said to be of something."""
    return any(
        unit.tag is Tag.THING and following.words in _OF
        for unit, following in itertools.pairwise(units)
    )


def beside_links(text: str, links: Sequence[str]) -> str | None:
    """The instruction that came with links to upload, like a caption with a photo ("metti
    questa clip all'inizio"), or None when the words only ask for the upload ("aggiungi
    anche questo", "ecco il link")."""
    rest = " ".join(_without(text, links).split())
    if all(words.plain_beside_links(unit) for unit in words.units(words.runs(rest))):
        return None
    return rest


def _link_request(units: Sequence[Unit]) -> Action | None:
    """What words beside a link (not a media file) ask: UPLOAD when they ask to add or use
    what it points to ("usa questo video", "add this too", "这个也加进去"); CHAT when they
    take it as a model ("fallo come questo", "照着这个风格") or refuse it ("non usare
    questo link"); None when they say neither, and the model decides."""
    if any(unit.tag is Tag.REFERENCE for unit in units):
        return Action.CHAT
    adding = [index for index, unit in enumerate(units) if words.adds(unit)]
    if any(reach.negated(units, index) for index in adding):
        return Action.CHAT
    return Action.UPLOAD if adding else None


def _steps(units: list[Unit], *, has_link: bool) -> tuple[list[Unit], list[Unit]]:
    """What is asked now and what after "then". A first step that asks for something
    (an intent, an edit) is the request; one that asks nothing ("ok, poi esportalo")
    leaves the rest as the request; none at all ("poi lo esporto") makes "then" a
    deferral."""
    for index, unit in enumerate(units):
        if unit.tag is not Tag.THEN:
            continue
        first = units[:index]
        if all(unit.tag in _EMPTY for unit in first):
            return units, []
        if unit.words == ("之后",) and any(
            later.tag in _ASKED_ABOUT for later in units[index + 1 :]
        ):
            # "出成片之后还剩多少积分": after the export, the credits are what is asked.
            return units[index + 1 :], []
        if _decide(_score(first, has_link=has_link)) is not Action.CHAT or {
            "edit",
            "light",
        }.intersection(_cues(first)):
            return first, units[index + 1 :]
        return [*first, Unit((words.BREAK,), Tag.BREAK), *units[index + 1 :]], []
    return units, []


def _deferred(units: Sequence[Unit]) -> bool:
    """An export asked for in a clause with a deferral, a condition or "myself" ("lo
    esporto io più tardi", "se lo esporti in 4k…"), or anywhere after a "wait"."""
    waiting = False
    for clause in _clauses(units):
        cues = set(_cues(clause))
        if _ASKED_EXPORT.intersection(cues) and (waiting or _ASIDES.intersection(cues)):
            return True
        waiting = waiting or "wait" in cues
    return False


def _clauses(units: Sequence[Unit]) -> list[list[Unit]]:
    clauses: list[list[Unit]] = [[]]
    for unit in units:
        if unit.tag is Tag.BREAK:
            clauses.append([])
        else:
            clauses[-1].append(unit)
    return clauses


def _cues(units: Sequence[Unit]) -> list[str]:
    """Each known word's role, qualified by its context where the rules look at it."""
    cues = []
    for index, unit in enumerate(units):
        match unit.tag:
            case None | Tag.FILLER | Tag.KNOWN | Tag.BREAK | Tag.PREP | Tag.HOW:
                continue
            case Tag.EXPORT | Tag.CREDITS | Tag.STATE | Tag.UPLOAD if reach.negated(units, index):
                cues.append(f"not-{unit.tag}")
            case Tag.EXPORT | Tag.DELIVER if reach.sent_by_person(units, index):
                cues.append("how>upload")
            case Tag.EXPORT | Tag.DELIVER if reach.by_the_person(units, index):
                cues.append(str(Tag.SELF))
            case Tag.EXPORT if reach.as_subject(units, index):
                cues.append("export-named")
            case Tag.EXPORT if reach.acts_on_content(units, index):
                cues.append("export>content")
            case Tag.CREDITS | Tag.STATE if reach.new_content(units, index):
                cues.append(f"new-{unit.tag}")
            case Tag.DELIVER | Tag.SHOW if reach.negated(units, index):
                cues.append(f"not-{unit.tag}")
            case Tag.EDIT | Tag.LIGHT | Tag.PRODUCE if reach.negated(units, index):
                cues.append("not-edit")
            case Tag.DELIVER | Tag.SHOW if reach.describes_wish(units, index):
                cues.append("wish")
            case Tag.DELIVER | Tag.SHOW:
                cues.append(f"{unit.tag}>{reach.verb_intent(units, index) or 'other'}")
            case Tag.EDIT if reach.onto_device(units, index):
                cues.append("device>export")
            case Tag.PRODUCE | Tag.LIGHT if reach.makes_file(units, index):
                cues.append("make>export")
            case Tag.PRODUCE:
                cues.append(str(Tag.EDIT))
            case Tag.LIGHT if reach.governs_request(units, index):
                cues.append("light>request")
            case Tag.OWN if reach.asked_how(units, index):
                cues.append("how>export")
            case Tag.THING | Tag.FILE if reach.bare_thing(units, index):
                cues.append("thing>export")
            case Tag.CHANGE if reach.sets_quality(units, index):
                cues.append("change>setting")
            case Tag.THEN:
                cues.append(str(Tag.DEFER))
            case _:
                cues.append(str(unit.tag))
    return cues


def _without(text: str, links: Sequence[str]) -> str:
    for link in links:
        text = text.replace(link, " ")
    return text


def _score(units: Sequence[Unit], *, has_link: bool) -> Counter[Action]:
    scores: Counter[Action] = Counter()
    for index, unit in enumerate(units):
        match unit.tag:
            case Tag.EXPORT if reach.negated(units, index) or reach.as_subject(units, index):
                continue
            case Tag.EXPORT if reach.acts_on_content(units, index):
                scores[Action.CHAT] += _EDIT
            case Tag.EXPORT | Tag.DELIVER if reach.sent_by_person(units, index):
                scores[Action.UPLOAD] += _REQUEST
            case Tag.EXPORT | Tag.DELIVER if reach.by_the_person(units, index):
                scores[Action.CHAT] += _ASIDE
            case Tag.EXPORT | Tag.UPLOAD if not reach.negated(units, index):
                scores[_INTENT_OF_TAG[unit.tag]] += _REQUEST
            case Tag.CREDITS | Tag.STATE if not (
                reach.negated(units, index) or reach.new_content(units, index)
            ):
                scores[_INTENT_OF_TAG[unit.tag]] += _REQUEST
            case Tag.DELIVER | Tag.SHOW:
                intent = reach.verb_intent(units, index)
                if intent is not None:
                    scores[intent] += _REQUEST
            case Tag.OWN if reach.asked_how(units, index):
                scores[Action.EXPORT] += _REQUEST
            case Tag.THING | Tag.FILE if reach.bare_thing(units, index):
                scores[Action.EXPORT] += _REQUEST
            case Tag.PRICE:
                scores[Action.CREDITS] += _PRICE
            case Tag.EDIT if reach.onto_device(units, index):
                scores[Action.EXPORT] += _REQUEST
            case Tag.PRODUCE | Tag.LIGHT if reach.makes_file(units, index):
                scores[Action.EXPORT] += _REQUEST
            case Tag.EDIT | Tag.PRODUCE if not reach.negated(units, index):
                scores[Action.CHAT] += _EDIT
            case Tag.LIGHT if not (
                reach.governs_request(units, index) or reach.negated(units, index)
            ):
                scores[Action.CHAT] += _EDIT
            case Tag.DEFER | Tag.THEN | Tag.WAIT | Tag.CONDITION | Tag.SELF:
                scores[Action.CHAT] += _ASIDE
    if has_link and any(unit.tag is Tag.LINK_WORD for unit in units):
        scores[Action.UPLOAD] += _REQUEST
    return scores


def _decide(scores: Counter[Action]) -> Action:
    best = max(_PRIORITY, key=scores.__getitem__)  # on a tie, max keeps the first
    return best if scores[best] > scores[Action.CHAT] else Action.CHAT
