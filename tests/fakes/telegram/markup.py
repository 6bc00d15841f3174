"""Text formatting as the Bot API sees it: parse modes, auto-detected entities, lengths.

Telegram turns ``parse_mode`` markup into plain text plus entities and rejects malformed
markup with ``400 Bad Request: can't parse entities: ...`` (error texts follow tdlib's
``MessageEntity.cpp``). Entity offsets and lengths count UTF-16 code units, as Telegram
does, so an emoji counts twice.
"""

import re

__all__ = ["MarkupError", "detect_entities", "parse_markup", "utf16_len"]

_CANT_PARSE = "Bad Request: can't parse entities: "


class MarkupError(ValueError):
    """The markup is malformed; the message is the Bot API's description."""


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode())


def parse_markup(text: str, parse_mode: str | None) -> tuple[str, list[dict]]:
    """Return the text a person sees and its entities, or raise MarkupError like Telegram."""
    mode = (parse_mode or "").lower()
    if not mode:
        return text, []
    if mode == "html":
        return _HtmlParser(text).parse()
    if mode == "markdownv2":
        return _MarkdownV2Parser(text).parse()
    if mode == "markdown":
        return _parse_legacy_markdown(text)
    raise MarkupError(f"Bad Request: unsupported parse_mode {parse_mode!r}")


class _Output:
    """Visible text being built, with UTF-16 positions for entity offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.position = 0
        self.entities: list[dict] = []

    def append(self, piece: str) -> None:
        self.parts.append(piece)
        self.position += utf16_len(piece)

    def add_entity(self, start: int, kind: str, **extra: str) -> None:
        if self.position > start:
            length = self.position - start
            self.entities.append({"type": kind, "offset": start, "length": length, **extra})

    def result(self) -> tuple[str, list[dict]]:
        return "".join(self.parts), sorted(self.entities, key=lambda e: e["offset"])


# --- HTML ----------------------------------------------------------------------------------

_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_NAME = re.compile(r"[A-Za-z0-9-]*")
_ATTR_VALUE = re.compile(r"[A-Za-z0-9.\-]*")
_CHAR_REF = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);")


class _HtmlParser:
    """A port of tdlib's ``parse_html``: strict about tags, lenient about stray '&'."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.out = _Output()
        self.open: list[tuple[str, int, dict[str, str]]] = []

    def parse(self) -> tuple[str, list[dict]]:
        while self.i < len(self.text):
            char = self.text[self.i]
            if char == "&":
                self._char_ref()
            elif char == "<" and self.text.startswith("</", self.i):
                self._end_tag()
            elif char == "<":
                self._start_tag()
            else:
                self.out.append(char)
                self.i += 1
        if self.open:
            tag = self.open[-1][0]
            message = f'Can\'t find end tag corresponding to start tag "{tag}"'
            raise MarkupError(f"{_CANT_PARSE}{message}")
        return self.out.result()

    def _fail(self, message: str, index: int) -> MarkupError:
        offset = _byte_offset(self.text, index)
        return MarkupError(f"{_CANT_PARSE}{message} at byte offset {offset}")

    def _char_ref(self) -> None:
        match = _CHAR_REF.match(self.text, self.i)
        decoded = _decode_char_ref(match.group(1)) if match else None
        if decoded is None:
            self.out.append("&")
            self.i += 1
            return
        self.out.append(decoded)
        self.i = match.end()

    def _start_tag(self) -> None:
        begin = self.i
        name = _NAME.match(self.text, begin + 1).group().lower()
        if name not in _HTML_TAGS:
            raise self._fail(f'Unsupported start tag "{name}"', begin)
        self.i = begin + 1 + len(name)
        attributes = self._attributes(name, begin)
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise self._fail('Tag "span" must have class "tg-spoiler"', begin)
        self.open.append((name, self.out.position, attributes))

    def _attributes(self, tag: str, begin: int) -> dict[str, str]:
        attributes: dict[str, str] = {}
        while True:
            while self.i < len(self.text) and self.text[self.i].isspace():
                self.i += 1
            if self.i >= len(self.text):
                raise self._fail("Unclosed start tag", begin)
            if self.text[self.i] == ">":
                self.i += 1
                return attributes
            name = _NAME.match(self.text, self.i).group().lower()
            if not name:
                raise self._fail(f'Empty attribute name in the tag "{tag}"', begin)
            self.i += len(name)
            attributes[name] = self._attribute_value(tag, begin)

    def _attribute_value(self, tag: str, begin: int) -> str:
        if self.i < len(self.text) and self.text[self.i] != "=":
            return ""  # a bare attribute such as <blockquote expandable>
        self.i += 1
        if self.i < len(self.text) and self.text[self.i] in "\"'":
            quote = self.text[self.i]
            end = self.text.find(quote, self.i + 1)
            if end < 0:
                raise self._fail(f'Unclosed end tag "{tag}"', begin)
            value = self.text[self.i + 1 : end]
            self.i = end + 1
            return _CHAR_REF.sub(lambda m: _decode_char_ref(m.group(1)) or m.group(), value)
        value = _ATTR_VALUE.match(self.text, self.i).group()
        self.i += len(value)
        return value

    def _end_tag(self) -> None:
        begin = self.i
        if not self.open:
            raise self._fail("Unexpected end tag", begin)
        name = _NAME.match(self.text, begin + 2).group().lower()
        self.i = begin + 2 + len(name)
        while self.i < len(self.text) and self.text[self.i].isspace():
            self.i += 1
        if self.i >= len(self.text) or self.text[self.i] != ">":
            raise self._fail("Unclosed end tag", begin)
        self.i += 1
        tag, start, attributes = self.open.pop()
        if name != tag:
            offset = _byte_offset(self.text, begin)
            raise MarkupError(
                f"{_CANT_PARSE}Unmatched end tag at byte offset {offset}, "
                f'expected "</{tag}>", found "</{name}>"'
            )
        self._close(tag, start, attributes)

    def _close(self, tag: str, start: int, attributes: dict[str, str]) -> None:
        kind = _HTML_TAGS[tag]
        if kind == "text_link":
            self.out.add_entity(start, kind, url=attributes.get("href", ""))
        elif kind == "blockquote" and "expandable" in attributes:
            self.out.add_entity(start, "expandable_blockquote")
        elif kind == "custom_emoji":
            self.out.add_entity(start, kind, custom_emoji_id=attributes.get("emoji-id", ""))
        elif kind == "code" and self.open and self.open[-1][0] == "pre":
            language = attributes.get("class", "").removeprefix("language-")
            self.open[-1][2]["language"] = language
        elif kind == "pre" and attributes.get("language"):
            self.out.add_entity(start, kind, language=attributes["language"])
        else:
            self.out.add_entity(start, kind)


def _decode_char_ref(body: str) -> str | None:
    if not body.startswith("#"):
        return _HTML_NAMED.get(body)
    code = int(body[2:], 16) if body[1:2] in "xX" else int(body[1:])
    return chr(code) if 0 < code <= 0x10FFFF else None


# --- MarkdownV2 ----------------------------------------------------------------------------

_RESERVED_V2 = "_*[]()~`>#+-=|{}.!"
_V2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "code": "Code",
    "pre": "Pre",
}
_V2_DELIMITERS = {
    "bold": "*",
    "italic": "_",
    "underline": "__",
    "strikethrough": "~",
    "spoiler": "||",
    "text_link": "]",
    "code": "`",
    "pre": "```",
}


class _MarkdownV2Parser:
    """MarkdownV2 as tdlib parses it: every reserved character outside markup is escaped."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.out = _Output()
        self.open: list[tuple[str, int, int]] = []  # kind, visible start, byte offset
        self.quote_start: int | None = None
        self.language = ""

    def parse(self) -> tuple[str, list[dict]]:
        while self.i < len(self.text):
            self._step()
        self._end_quote()
        if self.open:
            kind, _, byte_offset = self.open[-1]
            raise MarkupError(
                f"{_CANT_PARSE}Can't find end of {_V2_NAMES[kind]} entity "
                f"at byte offset {byte_offset}"
            )
        return self.out.result()

    def _step(self) -> None:
        char = self.text[self.i]
        in_code = bool(self.open) and self.open[-1][0] in ("code", "pre")
        plain = char not in _RESERVED_V2 or (in_code and not self._closes_entity())
        if char == "\\" and self.i + 1 < len(self.text) and ord(self.text[self.i + 1]) <= 126:
            self.out.append(self.text[self.i + 1])
            self.i += 2
        elif char == "\n":
            if not self.text.startswith(">", self.i + 1):
                self._end_quote()
            self.out.append(char)
            self.i += 1
        elif plain:
            self.out.append(char)
            self.i += 1
        elif self._closes_entity():
            self._close()
        else:
            self._open(char)

    def _closes_entity(self) -> bool:
        if not self.open:
            return False
        delimiter = _V2_DELIMITERS[self.open[-1][0]]
        if delimiter == "_" and self.text.startswith("__", self.i):
            return False  # "__" opens an underline inside italic
        return self.text.startswith(delimiter, self.i)

    def _close(self) -> None:
        kind, start, _ = self.open.pop()
        self.i += len(_V2_DELIMITERS[kind])
        if kind == "pre" and self.language:
            self.out.add_entity(start, kind, language=self.language)
            return
        if kind != "text_link":
            self.out.add_entity(start, kind)
            return
        if not self.text.startswith("(", self.i):
            return  # "[text]" without a URL stays plain text
        url = self._link_url()
        self.out.add_entity(start, kind, url=url)

    def _link_url(self) -> str:
        begin = self.i
        self.i += 1
        url: list[str] = []
        while self.i < len(self.text) and self.text[self.i] != ")":
            if self.text[self.i] == "\\" and self.i + 1 < len(self.text):
                self.i += 1
            url.append(self.text[self.i])
            self.i += 1
        if self.i >= len(self.text):
            offset = _byte_offset(self.text, begin)
            raise MarkupError(f"{_CANT_PARSE}Can't find end of a URL at byte offset {offset}")
        self.i += 1
        return "".join(url)

    def _open(self, char: str) -> None:
        byte_offset = _byte_offset(self.text, self.i)
        if char == ">" and (self.i == 0 or self.text[self.i - 1] == "\n") and not self.open:
            if self.quote_start is None:
                self.quote_start = self.out.position
            self.i += 1
            return
        kind = self._kind_at(char)
        if kind is None:
            raise MarkupError(
                f"{_CANT_PARSE}Character '{char}' is reserved and must be escaped with "
                "the preceding '\\'"
            )
        self.i += len(_V2_DELIMITERS[kind]) if kind != "text_link" else 1
        if kind == "pre":
            self._pre_language()
        self.open.append((kind, self.out.position, byte_offset))

    def _pre_language(self) -> None:
        """Consume the language word of a block opened with ```python and one newline."""
        end = self.i
        while end < len(self.text) and not self.text[end].isspace() and self.text[end] != "`":
            end += 1
        self.language = ""
        if self.i < end < len(self.text) and self.text[end] != "`":
            self.language = self.text[self.i : end]
            self.i = end
        if self.text.startswith("\n", self.i):
            self.i += 1

    def _kind_at(self, char: str) -> str | None:
        if char == "_":
            return "underline" if self.text.startswith("__", self.i) else "italic"
        if char == "`":
            return "pre" if self.text.startswith("```", self.i) else "code"
        if char == "|":
            return "spoiler" if self.text.startswith("||", self.i) else None
        return {"*": "bold", "~": "strikethrough", "[": "text_link"}.get(char)

    def _end_quote(self) -> None:
        if self.quote_start is not None:
            self.out.add_entity(self.quote_start, "blockquote")
            self.quote_start = None


# --- legacy Markdown -----------------------------------------------------------------------

_LEGACY = {"*": "bold", "_": "italic", "`": "code", "[": "text_link"}


def _parse_legacy_markdown(text: str) -> tuple[str, list[dict]]:
    """Legacy Markdown: no nesting, '\\' escapes only the four markup characters."""
    out = _Output()
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and text[i + 1 : i + 2] in ("_", "*", "`", "["):
            out.append(text[i + 1])
            i += 2
        elif char not in _LEGACY:
            out.append(char)
            i += 1
        else:
            i = _legacy_entity(text, i, out)
    return out.result()


def _legacy_entity(text: str, begin: int, out: _Output) -> int:
    char = text[begin]
    is_pre = text.startswith("```", begin)
    opener = "```" if is_pre else char
    closer = "```" if is_pre else ("]" if char == "[" else char)
    end = text.find(closer, begin + len(opener))
    if end < 0:
        offset = _byte_offset(text, begin)
        message = f"Can't find end of the entity starting at byte offset {offset}"
        raise MarkupError(f"{_CANT_PARSE}{message}")
    start = out.position
    out.append(text[begin + len(opener) : end])
    after = end + len(closer)
    if is_pre:
        out.add_entity(start, "pre")
    elif char != "[":
        out.add_entity(start, _LEGACY[char])
    elif text.startswith("(", after) and text.find(")", after) > 0:
        close = text.find(")", after)
        out.add_entity(start, "text_link", url=text[after + 1 : close])
        after = close + 1
    return after


# --- what a Telegram client marks up in a person's message ---------------------------------

_URL = re.compile(r"(?<![\w@])(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_COMMAND = re.compile(r"(?<![^\s(])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w@/])")
_MENTION = re.compile(r"(?<![\w@/])@[A-Za-z][A-Za-z0-9_]{2,31}(?![\w@])")
_TRAILING = ".,;:!?)]'\""


def detect_entities(text: str) -> list[dict]:
    """Entities a Telegram client attaches: links, ``/cmd[@bot]`` and ``@mention``.

    ``/新建`` is not a command for Telegram (commands are Latin letters, digits and '_'), so
    it gets no entity, exactly as on a phone.
    """
    taken: list[tuple[int, int]] = []
    entities = []
    for pattern, kind in ((_URL, "url"), (_COMMAND, "bot_command"), (_MENTION, "mention")):
        for match in pattern.finditer(text):
            start, end = match.span()
            if kind == "url":
                end = start + len(match.group().rstrip(_TRAILING))
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            entities.append(
                {
                    "type": kind,
                    "offset": utf16_len(text[:start]),
                    "length": utf16_len(text[start:end]),
                }
            )
    return sorted(entities, key=lambda e: e["offset"])
