"""How far a word reaches in its message: what a negation denies, what a verb takes as
its object, where the video goes. The rules (``bot.core.routing.rules``) read each
intent word in this context; none of it reaches across a clause's break.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.actions import Action
from bot.core.routing import words
from bot.core.routing.lexicon import Tag
from bot.core.routing.words import Unit

__all__ = [
    "acts_on_content",
    "as_subject",
    "asked_how",
    "bare_thing",
    "by_the_person",
    "describes_wish",
    "governs_request",
    "makes_file",
    "negated",
    "new_content",
    "onto_device",
    "sent_by_person",
    "sets_quality",
    "verb_intent",
]

# What may stand between a negation and its verb: "non lo esportare", "non ancora l'export".
_CLITICS = frozenset({("lo",), ("la",), ("li",), ("le",), ("ancora",), ("yet",)})
_REQUEST_TAGS = frozenset({Tag.EXPORT, Tag.CREDITS, Tag.STATE, Tag.UPLOAD, Tag.DELIVER, Tag.SHOW})
_VIDEO = frozenset({Tag.THING, Tag.FILE})
# Before an export word, these make it a noun: "the render", "l'export", "il download".
_DETERMINERS = frozenset(
    (word,)
    for word in (
        *("the", "my", "our", "your", "this", "that", "last", "previous", "first", "latest"),
        *("il", "lo", "la", "l", "mio", "tuo", "nostro", "questo", "quel", "quello"),
        *("ultimo", "ultima", "precedente", "primo", "prima", "sto"),
    )
)
# Negations that follow the verb they deny: "non cambiare niente", "change nothing".
_AFTER_A_VERB = frozenset({("niente",), ("nulla",), ("nothing",), ("piu", "niente")})
_VERBS = frozenset({Tag.EDIT, Tag.PRODUCE, Tag.LIGHT, Tag.DELIVER, Tag.EXPORT, Tag.SHOW})
_OBJECT_REACH = 4  # how far a verb looks, past fillers, for its object
# Between a verb and what it acts on, how much of it: "download some music", "下载一首歌".
_QUANTIFIERS = frozenset(
    (word,)
    for word in (
        *("some", "any", "more", "all", "qualche", "dei", "degli", "delle", "altra"),
        *("altro", "altre", "altri", "tutti", "tutte", "一", "首", "段", "些", "点", "张"),
    )
)
_DEVICE_REACH = 5  # how far a verb looks, past the video and prepositions, for a phone


def negated(units: Sequence[Unit], index: int) -> bool:
    """A negation before the word, past clitics and a wanting or light verb: "non lo
    esportare", "non voglio esportarlo", "non farmelo scaricare", "don't want to export"."""
    before = index - 1
    while before >= 0 and (
        units[before].words in _CLITICS
        or units[before].tag in (Tag.FILLER, Tag.DELIVER, Tag.LIGHT)
    ):
        before -= 1
    if before < 0 or units[before].tag is not Tag.NEGATION:
        return False
    # "non cambiare niente mandalo": "niente" after a verb ends that verb's negation.
    return not (
        units[before].words in _AFTER_A_VERB and before > 0 and units[before - 1].tag in _VERBS
    )


def asked_how(units: Sequence[Unit], index: int) -> bool:
    """ "come lo scarico?", "dove lo salvo?": a first-person verb asked how, not a plan."""
    before = index - 1
    while before >= 0 and (units[before].words in _CLITICS or units[before].tag is Tag.FILLER):
        before -= 1
    return before >= 0 and units[before].tag is Tag.HOW


_MODAL_REACH = 4  # how far before a sending verb its subject's modal may stand


def sent_by_person(units: Sequence[Unit], index: int) -> bool:
    """ "posso mandare video in 4k?", "how do i send it", "怎么传过来": a sending verb whose
    subject is the person (asked how, or under their "can I", "devo"), so the person
    sends to the bot: an upload asked about, not the video asked for."""
    if units[index].words not in words.PERSON_SENDING_WORDS:
        return False
    start = index
    while start > 0 and index - start < _MODAL_REACH and units[start - 1].tag is not Tag.BREAK:
        start -= 1
    if any(unit.tag is Tag.HOW for unit in units[start:index]):
        return True
    before = f" {' '.join(word for unit in units[start:index] for word in unit.words)} "
    return any(f" {' '.join(modal)} " in before for modal in words.PERSON_MODAL_WORDS)


# Between 我 and the verb: "我会发群里", "我再发", "我自己发".
_PERSON_ADVERBS = frozenset((word,) for word in ("会", "再", "来", "就", "先", "自己", "等下"))


def by_the_person(units: Sequence[Unit], index: int) -> bool:
    """ "做好我会发群里", "等剪好了我发群里": 我 before a Chinese sending verb makes the
    person its subject, who will share the video; "发我" asks the bot for it."""
    if not words.is_chinese(units[index].words[0]):
        return False
    before = index - 1
    while before >= 0 and units[before].words in _PERSON_ADVERBS:
        before -= 1
    return before >= 0 and units[before].words == ("我",)


def new_content(units: Sequence[Unit], index: int) -> bool:
    """ "una traccia", "a new track": something to add, not the project's own."""
    return any(unit.tag is Tag.INDEFINITE for unit in units[max(0, index - 2) : index])


def _object(units: Sequence[Unit], index: int) -> int | None:
    """Where the object of the verb at ``index`` is: the next unit in its clause that is
    not a filler."""
    for position in range(index + 1, min(len(units), index + 1 + _OBJECT_REACH)):
        if units[position].tag is Tag.BREAK:
            return None
        if units[position].tag is not Tag.FILLER:
            return position
    return None


def acts_on_content(units: Sequence[Unit], index: int) -> bool:
    """ "esporta le didascalie in bianco", "download a song", "把字幕导出成白色": the export
    word acts on a part of the video, not on the video, so it asks for an edit."""
    for position in range(index + 1, min(len(units), index + 1 + _OBJECT_REACH)):
        unit = units[position]
        if unit.tag is Tag.CONTENT:
            return True
        if not (
            unit.tag in (Tag.FILLER, Tag.INDEFINITE)
            or unit.words in _QUANTIFIERS
            or _qualifies(units, position)
        ):
            break
    before = index - 1
    return before >= 1 and units[before].tag is Tag.CONTENT and units[before - 1].words == ("把",)


def sets_quality(units: Sequence[Unit], index: int) -> bool:
    """ "in qualità più alta", "higher quality": a comparative of how to export, not of
    how the video should become ("più luminoso", "brighter")."""
    after = index + 1
    return after < len(units) and units[after].words in words.SETTING_WORDS


def _qualifies(units: Sequence[Unit], position: int) -> bool:
    """ "the white subtitles": a word just before the part it qualifies, but not one that
    says how to export the video ("export it with subtitles", "in hd")."""
    return (
        units[position].tag is None
        and units[position].words not in words.DESCRIBING_WORDS
        and units[position].words not in words.SETTING_WORDS
        and position + 1 < len(units)
        and units[position + 1].tag is Tag.CONTENT
    )


def onto_device(units: Sequence[Unit], index: int) -> bool:
    """ "mettilo sul telefono", "存到相册", "put it on my phone": the video delivered."""
    for position in range(index + 1, min(len(units), index + 1 + _DEVICE_REACH)):
        tag = units[position].tag
        if tag is Tag.DEVICE:
            return True
        if tag not in (Tag.FILLER, Tag.PREP, Tag.THING, Tag.FILE):
            return False
    return False


def verb_intent(units: Sequence[Unit], index: int) -> Action | None:
    """What DELIVER or SHOW asks for: "mandami il video" is an export, "mostrami il
    progetto" the state, and "voglio il video più corto" an edit. With nothing after
    the verb, its object may stand before it: "视频给我", "把文件给我"."""
    if negated(units, index):
        return None
    if units[index].tag is Tag.DELIVER and onto_device(units, index):
        return Action.EXPORT
    if _bare_send(units, index):
        return Action.EXPORT
    position = _object(units, index)
    if position is None:
        return _fronted_object(units, index)
    if position + 1 < len(units) and units[position + 1].tag is Tag.CHANGE:
        return None
    target = units[position].tag
    if target in _VIDEO and _described(units, index, position):
        return None
    if target in _VIDEO or (units[index].tag is Tag.DELIVER and target is Tag.PROJECT):
        return Action.EXPORT
    if units[index].tag is Tag.SHOW and target in (Tag.PROJECT, Tag.STATE):
        return Action.STATE
    return None


def _described(units: Sequence[Unit], verb: int, position: int) -> bool:
    """ "voglio il video in verticale", "show me the video with the new song": words
    after the video describe the one to make, an edit; "mandamelo in hd", "lo voglio sul
    telefono stasera" still ask for the video."""
    after = _past_fillers(units, position + 1)
    if after is None:
        return False
    if units[after].words in words.DESCRIBING_WORDS or units[after].tag is Tag.REFERENCE:
        then = _past_fillers(units, after + 1)
        return then is not None and not (
            units[then].tag is Tag.DEVICE or units[then].words in words.SETTING_WORDS
        )
    return (
        units[verb].words in words.WANTING_WORDS
        and units[after].tag is None
        and units[after].words not in words.SETTING_WORDS
    )


def _past_fillers(units: Sequence[Unit], start: int) -> int | None:
    """The first unit from ``start`` that is not a filler, if its clause goes on."""
    for position in range(start, len(units)):
        if units[position].tag is Tag.BREAK:
            return None
        if units[position].tag is not Tag.FILLER:
            return position
    return None


def _fronted_object(units: Sequence[Unit], index: int) -> Action | None:
    """An export when the verb ends the clause and the video stands just before it,
    past fillers and a break ("把成品发我", "il video? mandalo")."""
    before = index - 1
    while before >= 0 and units[before].tag in (Tag.FILLER, Tag.BREAK):
        before -= 1
    if units[index].tag is Tag.DELIVER and before >= 0 and units[before].tag in _VIDEO:
        return Action.EXPORT
    return None


def _bare_send(units: Sequence[Unit], index: int) -> bool:
    """ "ok send", "me lo spedisci?", "给我吧", "nailed it. send": a sending verb with
    nothing else to send than the video, alone in its clause but for assent, in a message
    whose other clauses ask for nothing ("looks great" yes, "togli la foto 3" no)."""
    if units[index].words not in words.SENDING_WORDS:
        return False
    end = index
    while end + 1 < len(units) and units[end + 1].tag is not Tag.BREAK:
        end += 1
    before, after = units[:index], units[index + 1 : end + 1]
    return (
        all(_plain(unit) or unit.words in words.SENDING_WORDS for unit in after)
        and all(_approving(units, position) for position in range(index))
        and not any(unit.words == ("i",) for unit in before)  # "ok i'll send": the person
        and all(_approving(units, position) for position in range(end + 1, len(units)))
    )


def _plain(unit: Unit) -> bool:
    return unit.tag in (Tag.FILLER, Tag.BREAK) or unit.words in words.ACKNOWLEDGING_WORDS


def _approving(units: Sequence[Unit], position: int) -> bool:
    """Words beside a bare send that ask for nothing else: assent, praise ("满意", "looks
    fire"), or an edit declined ("no more changes", "basta modifiche", "不改了")."""
    unit = units[position]
    if unit.tag is Tag.NEGATION and unit.words in _BARE_NEGATIONS:
        # "non cambiare niente, manda" declines an edit; "it's not done, send it" does not.
        following = units[position + 1] if position + 1 < len(units) else None
        return following is not None and following.tag in (Tag.EDIT, Tag.CHANGE)
    return (
        _plain(unit)
        or unit.tag in (None, Tag.NEGATION)
        or (unit.tag in (Tag.EDIT, Tag.CHANGE) and negated(units, position))
    )


# Negations that deny whatever follows; the others ("basta", "no more", "不改了") already
# say that nothing is to change.
_BARE_NEGATIONS = frozenset(
    (word,) for word in ("not", "non", "nn", "never", "no", "不", "没", "别", "不要", "don")
)


def bare_thing(units: Sequence[Unit], index: int) -> bool:
    """ "final video please", "mp4 asap thx", "il file?": the video named alone, with
    nothing but assent, haste or a setting around it, is asked for; named with nothing
    around it ("video"), it may answer a question, so the model decides."""
    around = [unit for unit in units if unit.tag not in (Tag.FILLER, Tag.BREAK, *_VIDEO)]
    return (
        units[index].tag in _VIDEO
        and units[index].words not in words.WORK_IN_PROGRESS_WORDS
        and bool(around)
        and all(
            unit.words in words.ACKNOWLEDGING_WORDS or unit.words in words.SETTING_WORDS
            for unit in around
        )
    )


def makes_file(units: Sequence[Unit], index: int) -> bool:
    """ "genera l'mp4", "make the final file", "生成最终文件": making the deliverable is
    the export; "make the file shorter" is an edit. So is making *the* video when nothing
    about it follows ("produci il video finale e mandamelo", "dai su fammi sto video"),
    where "fai un video con queste foto" asks for one to be edited and "make the video
    30 seconds" says how; and making it, then sending it ("make it and send it",
    "fallo e mandamelo"), where "make it brighter and send it" changes it first."""
    if negated(units, index):
        return False
    if _makes_it(units, index):
        return True
    position = _object(units, index)
    if position is None:
        return False
    if position + 1 < len(units) and units[position + 1].tag is Tag.CHANGE:
        return False
    target = units[position]
    if target.words in _AND:
        return _sends_next(units, position)
    return target.tag is Tag.FILE or (
        target.tag is Tag.THING
        and units[index].words not in _MAKE_ONE
        and target.words not in words.WORK_IN_PROGRESS_WORDS
        and _closes(units, position)
    )


def _makes_it(units: Sequence[Unit], index: int) -> bool:
    """ "generalo pure", "fallo partire", "go ahead and produce it", "把视频做出来发我":
    the verb's object is the video, carried as a pronoun ("-lo", "it", a result such as
    做出来) or named before it, and nothing follows in its clause but assent, haste, a
    send or where it goes. "fallo più corto", "produce it with music" say how."""
    following = _past_assent(units, index + 1)
    carried = (
        units[index].words in words.CARRYING_WORDS
        # Chinese drops the object it has in mind: "不改了，生成吧", "合成一下发过来".
        or (units[index].tag is Tag.PRODUCE and words.is_chinese(units[index].words[0]))
        or any(unit.words == ("it",) for unit in units[index + 1 : following or len(units)])
    )
    if _part_before(units, index):
        return False
    if not carried:
        # Named just before a making verb and then sent, or ending the clause: "把视频做出来
        # 发我". Before a bare 做 or "fai", or followed by more, it is asked about: "视频做完
        # 了吗".
        return (
            units[index].tag is Tag.PRODUCE
            and _named_before(units, index)
            and (following is None or units[following].tag in (Tag.DELIVER, Tag.EXPORT))
        )
    if following is not None and units[following].tag in _VIDEO:
        following = _past_assent(units, following + 1)  # "fallo uscire sto video"
    # Not a setting: "make it 1080p and export" has the agent edit first.
    return following is None or _closing(units, following, settings=False)


def _named_before(units: Sequence[Unit], index: int) -> bool:
    """The video just before the verb, past fillers and assent: "把视频直接做出来", "il
    video? fallo"; in "che tipo di video sai fare?" it is not what "fare" makes."""
    before = index - 1
    while before >= 0 and (
        units[before].tag in (Tag.FILLER, Tag.BREAK)
        or units[before].words in words.ACKNOWLEDGING_WORDS
    ):
        before -= 1
    return before >= 0 and units[before].tag in _VIDEO


def _part_before(units: Sequence[Unit], index: int) -> bool:
    """A part of the video named earlier in the verb's clause, what it makes: "把字幕做出来",
    "字幕自动生成"."""
    before = index - 1
    while before >= 0 and units[before].tag is not Tag.BREAK:
        if units[before].tag is Tag.CONTENT:
            return True
        before -= 1
    return False


def _past_assent(units: Sequence[Unit], start: int) -> int | None:
    """The first unit from ``start`` that is neither a filler nor assent or haste ("pure",
    "dai", "吧", "ora"), if its clause goes on."""
    for position in range(start, len(units)):
        unit = units[position]
        if unit.tag is Tag.BREAK:
            return None
        if unit.tag is not Tag.FILLER and unit.words not in words.ACKNOWLEDGING_WORDS:
            return position
    return None


def _closing(units: Sequence[Unit], position: int, *, settings: bool = True) -> bool:
    """What may follow the video made: a send, a "then", where it goes, "and" and a send,
    and unless ``settings`` is False a setting ("in hd")."""
    unit = units[position]
    if unit.words in _AND:
        return _sends_next(units, position)
    if unit.tag is Tag.PREP:
        after = _past_assent(units, position + 1)
        return after is None or (
            units[after].tag is Tag.DEVICE
            or (settings and units[after].words in words.SETTING_WORDS)
        )
    return unit.tag in _CLOSING or (settings and unit.words in words.SETTING_WORDS)


# "做个视频" is "make a video": one to edit, the article inside the verb.
_MAKE_ONE = frozenset({("做个",), ("做一个",)})
# After the video made, these end its phrase: a request to send it, a "then", a setting.
_CLOSING = frozenset({Tag.DELIVER, Tag.EXPORT, Tag.THEN, Tag.DEVICE})
_AND = frozenset({("e",), ("ed",), ("and",), ("和",), ("再",), ("并",), ("并且",), ("並",)})


def _sends_next(units: Sequence[Unit], position: int) -> bool:
    """ "make it and send it", "finalize and export": made, then sent, with nothing to
    change in between, the video is what is made."""
    after = _past_fillers(units, position + 1)
    return after is not None and units[after].tag in (Tag.DELIVER, Tag.EXPORT)


def _closes(units: Sequence[Unit], position: int) -> bool:
    """Nothing after the object but the end of its clause, assent, "and" and a send, a
    setting, a send, or where it goes ("sul telefono", "in hd"; "in verticale" says how
    it should look)."""
    after = _past_assent(units, position + 1)
    return after is None or _closing(units, after)


def governs_request(units: Sequence[Unit], index: int) -> bool:
    """ "fai l'export", "fammi scaricare": the light verb only carries the request."""
    position = _object(units, index)
    return position is not None and units[position].tag in _REQUEST_TAGS


def as_subject(units: Sequence[Unit], index: int) -> bool:
    """ "the render is too dark", "l'export era sgranato": an export word made a noun by
    a determiner, opening its clause, is what the sentence speaks of, not a request
    ("fai l'export", "start the export" have a verb before it)."""
    before = index - 1
    while before >= 0 and units[before].tag is not Tag.BREAK:
        if units[before].words not in _DETERMINERS:
            return False
        before -= 1
    return before < index - 1


def describes_wish(units: Sequence[Unit], index: int) -> bool:
    """ "voglio il video in verticale", "lo voglio verticale", "show me it with the new
    song": a wanting or showing verb whose object is the video as it should become."""
    position = _object(units, index)
    if position is None:
        return False
    target = units[position]
    if target.tag in _VIDEO:
        return _described(units, index, position)
    return (
        units[index].words in words.WANTING_WORDS
        and target.tag is None
        and target.words not in words.SETTING_WORDS
    )
