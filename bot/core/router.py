"""What a chat message asks for: an export, the credits, the state, an upload, or a chat turn.

Routing is intent classification, not substring search. A word that names an intent
("esporta", "crediti", "状态") counts only where the message asks for it: a short
request wins, while the same word inside an editing instruction ("aggiungi il saldo
finale come titolo"), after a deferral ("poi lo esporto io") or under a negation ("non
esportare") leaves the message to the editing agent. Ties go to the agent too: it
understands any request, and when its answer is "press Export" the bot runs the
export anyway, while a routed intent nobody asked for answers the wrong question.

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
5. Score: each cue adds weight to an intent or to CHAT; the best intent is chosen only
   if it scores above CHAT.

Questions are requests: "posso esportare adesso?" goes to the export, which either
delivers or says there is nothing to export yet, and costs no credits.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.core.actions import Action
from bot.core.links import extract_links, is_media_link
from bot.core.slash import parse_slash

__all__ = ["ROUTABLE", "classify"]

# What free text can ask for; the other actions are commands and buttons only.
ROUTABLE = frozenset({Action.EXPORT, Action.CREDITS, Action.STATE, Action.UPLOAD, Action.CHAT})


class _Tag(StrEnum):
    """The role a word or phrase plays in a request."""

    EXPORT = "export"  # asks for the video itself
    CREDITS = "credits"  # names the balance
    STATE = "state"  # names the timeline or its state
    UPLOAD = "upload"  # asks to upload
    EDIT = "edit"  # an editing verb: the message is an instruction for the agent
    LIGHT = "light"  # "fai", "make": editing, unless it governs an intent ("fai l'export")
    DELIVER = "deliver"  # "mandami", "send": export when its object is the video
    SHOW = "show"  # "mostrami": the video is an export, the project is the state
    THING = "thing"  # the video, as the object of DELIVER or SHOW
    CHANGE = "change"  # "il video più corto": the object is to be edited, not sent
    PROJECT = "project"  # the project, as the object of DELIVER or SHOW
    DEFER = "defer"  # "poi", "later": the intent comes after something else
    SELF = "self"  # "myself", "自己": the person will do it, the bot is not asked
    NEGATION = "negation"  # "non", "don't", "别": the next intent word is not wanted
    INDEFINITE = "indefinite"  # "una traccia" is new content, not the project's tracks
    FILLER = "filler"  # articles and pronouns between a verb and its object
    LINK_WORD = "link word"  # "ecco il link": an upload when the message has a link
    KNOWN = "known"  # a word that looks like a cue but is not one ("esporto", "用户")


# --- Lexicon -------------------------------------------------------------------------
# Single words and phrases (space-separated, as normalised). Italian verbs are listed in
# their request forms (imperative, infinitive, with clitics); first-person and past
# forms are KNOWN: "lo esporto io" states a plan, it does not ask for an export.

_LEXICON: dict[_Tag, tuple[str, ...]] = {
    _Tag.EXPORT: (
        *("esporta", "esportare", "esportalo", "esportala", "esportali", "esportami"),
        *("esportamelo", "esportamela", "esportarlo", "esportarla", "esportarmelo"),
        *("esportiamo", "esportiamolo", "esporti", "esportate", "esportatelo"),
        *("esportazione", "export", "scarica", "scaricare", "scaricalo", "scaricala"),
        *("scaricami", "scaricamelo", "scaricarlo", "scaricarla", "scaricarmelo"),
        *("scarichiamo", "scarichiamolo", "scarichi", "download", "renderizza"),
        *("renderizzare", "renderizzalo", "render", "rendering", "exporting"),
        *("mandamelo", "mandamela", "mandalo", "mandala", "mandarmelo", "inviamelo"),
        *("inviamela", "invialo", "inviala", "inviarmelo", "dammelo", "dammela"),
        *("spediscimelo", "passamelo", "passamela", "me lo mandi", "me lo invii"),
        *("me lo passi", "me lo dai", "me lo puoi mandare"),
        *("send it", "send it over", "send it to me", "send me it", "give it to me"),
        *("导出", "下载", "渲染", "输出", "发给我", "发我", "传给我", "发过来"),
        *("视频 在哪", "视频 呢"),
    ),
    _Tag.CREDITS: (
        *("crediti", "credito", "saldo", "credits", "credit", "balance"),
        *("quanto mi resta", "quanto mi rimane", "how much do i have left"),
        *("积分", "余额", "点数", "额度", "配额", "还剩多少"),
    ),
    _Tag.STATE: (
        *("stato", "tracce", "traccia", "timeline", "riepilogo", "riassunto"),
        *("progresso", "progressi", "status", "state", "tracks", "track", "summary"),
        *("progress", "a che punto", "cosa c e", "cosa ce", "where are we", "so far"),
        *("come sta venendo", "come procede", "how s it coming along"),
        *("what s in", "whats in", "状态", "轨道", "时间线", "时间轴", "进度", "进展"),
    ),
    # "carico" is first person but asks all the same: "come carico un video?"
    _Tag.UPLOAD: (
        *("carica", "caricare", "caricalo", "caricala", "caricali", "caricale"),
        *("caricami", "carico", "carichiamo", "upload", "uploading", "上传", "上载"),
    ),
    _Tag.EDIT: (
        *("crea", "creare", "creami", "creane", "aggiungi", "aggiungere", "aggiungici"),
        *("metti", "mettere", "mettici", "cambia", "cambiare", "togli", "togliere"),
        *("rimuovi", "rimuovere", "elimina", "eliminare", "cancella", "taglia"),
        *("tagliare", "accorcia", "allunga", "sposta", "usa", "usare", "inserisci"),
        *("modifica", "modificare", "sostituisci", "rendi", "rendilo", "rendila"),
        *("renderlo", "renderla", "velocizza", "rallenta", "ruota", "ritaglia"),
        *("applica", "imposta", "monta", "genera", "generare", "scrivi", "trasforma"),
        *("unisci", "dividi", "migliora", "sistema", "correggi", "abbassa", "alza"),
        *("sincronizza", "componi", "prepara", "preparami"),
        *("create", "add", "put", "change", "remove", "delete", "cut", "trim", "move"),
        *("use", "insert", "edit", "replace", "set", "apply", "turn", "speed", "slow"),
        *("rotate", "crop", "generate", "write", "merge", "split", "fix", "lower"),
        *("raise", "mute", "include", "build", "combine", "swap", "shorten"),
        *("increase", "decrease", "reduce", "adjust", "balance the", "prepare"),
        *("创建", "添加", "加上", "加入", "加", "制作", "生成", "改", "改成", "换"),
        *("换成", "删除", "删掉", "去掉", "剪", "剪掉", "剪辑", "放", "放上", "插入"),
        *("设置", "调整", "修改", "配", "配上", "合成", "用", "变成", "替换", "弄"),
    ),
    _Tag.LIGHT: ("fai", "fare", "fammi", "facciamo", "make", "做", "做个"),
    _Tag.DELIVER: (
        *("manda", "mandami", "mandare", "mandarmi", "invia", "inviami", "inviare"),
        *("spedisci", "spediscimi", "dammi", "passami", "mandi", "invii", "passi"),
        *("voglio", "vorrei", "dove trovo", "dov e", "send", "give", "get", "want"),
        *("where is", "where s", "给我", "发", "传", "想要"),
    ),
    _Tag.SHOW: (
        *("mostra", "mostrami", "fammi vedere", "vedere", "show", "see", "view"),
        *("查看", "显示", "看看", "看一下", "看"),
    ),
    _Tag.THING: (
        *("video", "file", "mp4", "filmato", "risultato", "montaggio", "movie"),
        *("film", "result", "clip", "final cut", "com e venuto", "come e venuto"),
        *("视频", "文件", "成品", "结果", "影片"),
    ),
    _Tag.CHANGE: (
        *("piu", "meno", "more", "less", "shorter", "longer", "faster", "slower"),
        *("brighter", "darker", "louder", "quieter", "bigger", "smaller", "更"),
    ),
    _Tag.PROJECT: ("progetto", "project", "lavoro", "work", "项目", "作品"),
    _Tag.DEFER: (
        *("poi", "dopo", "dopodiche", "piu tardi", "domani", "successivamente"),
        *("alla fine", "in seguito", "tra poco", "fra poco", "then", "later"),
        *("afterwards", "afterward", "after", "tomorrow", "at the end", "once"),
        *("然后", "之后", "以后", "稍后", "待会", "待会儿", "等会", "等会儿", "回头"),
        *("最后", "明天", "再说"),
    ),
    _Tag.SELF: (
        *("da solo", "da sola", "per conto mio", "myself", "i will", "i m going to"),
        *("自己", "我来"),
    ),
    _Tag.NEGATION: ("non", "nn", "not", "never", "不要", "别", "先别", "不用", "不", "没"),
    _Tag.INDEFINITE: ("un", "uno", "una", "a", "an", "another", "new", "nuova", "nuovo"),
    _Tag.FILLER: (
        *("mi", "me", "ci", "il", "lo", "la", "l", "i", "gli", "le", "the", "my"),
        *("mio", "mia", "tuo", "your", "our", "nostro", "final", "finale", "this"),
        *("questo", "quel", "quello", "it", "to", "over", "please", "per favore", "ora", "now"),
        *("adesso", "subito", "qui", "here", "del", "della", "of", "tutto", "whole"),
        *("把", "我", "我的", "这个", "那个", "一下", "请", "现在", "的"),
    ),
    _Tag.LINK_WORD: ("link", "url", "ecco", "here is", "here s", "链接", "网址"),
    _Tag.KNOWN: (
        *("esporto", "esportero", "esporterei", "esportato", "esportata", "esportati"),
        *("scarico", "scarichero", "scaricato", "scaricata", "caricato", "caricata"),
        *("caricati", "esposta", "esposto", "exported", "downloaded", "uploaded"),
        *("e stato", "e stata", "sono stati", "sono state", "stato d animo"),
        *("white balance", "end credits", "opening credits", "closing credits"),
        *("fammi un favore", "piu o meno", "cannot", "下载量", "用户", "费用", "可用", "使用"),
        *("不能", "没法", "无法", "可以", "播放", "一个"),
    ),
}

_INTENT_OF_TAG = {
    _Tag.EXPORT: Action.EXPORT,
    _Tag.CREDITS: Action.CREDITS,
    _Tag.STATE: Action.STATE,
    _Tag.UPLOAD: Action.UPLOAD,
}
_CLITICS = frozenset({("lo",), ("la",), ("li",), ("le",)})  # "non lo esportare"
_REQUEST_TAGS = frozenset({*_INTENT_OF_TAG, _Tag.DELIVER, _Tag.SHOW})
# On a tie between intents, the read-only ones first: they are instant and free.
_PRIORITY = (Action.CREDITS, Action.STATE, Action.EXPORT, Action.UPLOAD)

_REQUEST = 3  # an intent word, or a verb with the video as its object
_EDIT = 4  # an editing verb outweighs one intent word: "aggiungi il saldo come titolo"
_ASIDE = 3  # a deferral or "myself": with one intent word, a tie, so CHAT
_OBJECT_REACH = 4  # how far a verb looks, past fillers, for its object
_FUZZY_CUTOFF = 0.8
_FUZZY_MIN_LENGTH = 6  # shorter words are too alike: "credi" (you believe) vs "credit"


def _squeeze(word: str) -> str:
    """Fold runs of one character: typos double letters, shouting triples them."""
    return re.sub(r"(.)\1+", r"\1", word)


def _build_lexicon() -> dict[tuple[str, ...], _Tag]:
    lexicon: dict[tuple[str, ...], _Tag] = {}
    for tag, entries in _LEXICON.items():
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
    tag: _Tag | None


def classify(text: str) -> Action:
    """Tell what a message asks for; anything that is not a routed request is CHAT."""
    links = extract_links(text)
    if any(is_media_link(link) for link in links):
        return Action.UPLOAD
    prose = _QUOTED.sub(" ", _without(text, links))
    if links and not _tokens(prose):
        return Action.UPLOAD
    command = parse_slash(prose)
    if command:
        prose = f"{command.name} {command.args}"
    units = _units(_tokens(prose))
    if command and units and units[0].tag in _INTENT_OF_TAG:
        return _INTENT_OF_TAG[units[0].tag]
    return _decide(_score(units, has_link=bool(links)))


def _without(text: str, links: Sequence[str]) -> str:
    for link in links:
        text = text.replace(link, " ")
    return text


def _tokens(text: str) -> list[str]:
    """Normalised words; Chinese runs cut into known words."""
    text = unicodedata.normalize("NFKC", text).casefold()
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    decomposed = unicodedata.normalize("NFD", text)
    text = "".join(char for char in decomposed if not unicodedata.combining(char))
    tokens: list[str] = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        if _CJK_CHAR.match(word):
            tokens.extend(_segment_chinese(word))
        else:
            tokens.append(_squeeze(word))
    return tokens


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


def _typo_tag(word: str) -> _Tag | None:
    """The tag of the intent word this one is a typo of ("esprota"), if any."""
    if len(word) < _FUZZY_MIN_LENGTH:
        return None
    close = difflib.get_close_matches(word, _FUZZY_TARGETS, n=1, cutoff=_FUZZY_CUTOFF)
    return _ENTRIES[(close[0],)] if close else None


def _score(units: Sequence[_Unit], *, has_link: bool) -> Counter[Action]:
    scores: Counter[Action] = Counter()
    for index, unit in enumerate(units):
        match unit.tag:
            case _Tag.EXPORT | _Tag.UPLOAD if not _negated(units, index):
                scores[_INTENT_OF_TAG[unit.tag]] += _REQUEST
            case _Tag.CREDITS | _Tag.STATE if not (
                _negated(units, index) or _new_content(units, index)
            ):
                scores[_INTENT_OF_TAG[unit.tag]] += _REQUEST
            case _Tag.DELIVER | _Tag.SHOW:
                intent = _verb_intent(units, index)
                if intent is not None:
                    scores[intent] += _REQUEST
            case _Tag.EDIT:
                scores[Action.CHAT] += _EDIT
            case _Tag.LIGHT if not _governs_request(units, index):
                scores[Action.CHAT] += _EDIT
            case _Tag.DEFER | _Tag.SELF:
                scores[Action.CHAT] += _ASIDE
    if has_link and any(unit.tag is _Tag.LINK_WORD for unit in units):
        scores[Action.UPLOAD] += _REQUEST
    return scores


def _decide(scores: Counter[Action]) -> Action:
    best = max(_PRIORITY, key=scores.__getitem__)  # on a tie, max keeps the first
    return best if scores[best] > scores[Action.CHAT] else Action.CHAT


def _negated(units: Sequence[_Unit], index: int) -> bool:
    """A negation right before the word, or before the clitics in front of it."""
    before = index - 1
    while before >= 0 and units[before].words in _CLITICS:
        before -= 1
    return before >= 0 and units[before].tag is _Tag.NEGATION


def _new_content(units: Sequence[_Unit], index: int) -> bool:
    """ "una traccia", "a new track": something to add, not the project's own."""
    return any(unit.tag is _Tag.INDEFINITE for unit in units[max(0, index - 2) : index])


def _object(units: Sequence[_Unit], index: int) -> int | None:
    """Where the object of the verb at ``index`` is: the next unit that is not a filler."""
    for position in range(index + 1, min(len(units), index + 1 + _OBJECT_REACH)):
        if units[position].tag is not _Tag.FILLER:
            return position
    return None


def _verb_intent(units: Sequence[_Unit], index: int) -> Action | None:
    """What DELIVER or SHOW asks for: "mandami il video" is an export, "mostrami il
    progetto" the state, and "voglio il video più corto" an edit."""
    position = _object(units, index)
    if position is None or _negated(units, index):
        return None
    if position + 1 < len(units) and units[position + 1].tag is _Tag.CHANGE:
        return None
    target = units[position].tag
    if target is _Tag.THING or (units[index].tag is _Tag.DELIVER and target is _Tag.PROJECT):
        return Action.EXPORT
    if units[index].tag is _Tag.SHOW and target in (_Tag.PROJECT, _Tag.STATE):
        return Action.STATE
    return None


def _governs_request(units: Sequence[_Unit], index: int) -> bool:
    """ "fai l'export", "fammi scaricare": the light verb only carries the request."""
    position = _object(units, index)
    return position is not None and units[position].tag in _REQUEST_TAGS
