"""Links in a chat message: the way to upload media too large for Telegram to hand over."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import SplitResult, urlsplit

from bot.core.media import SUPPORTED_EXTENSIONS, canonical_extension

_CANDIDATE = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
# Punctuation that ends a sentence rather than a link: "guarda https://x.it/a.mp4."
_TRAILING = ".,;:!?*_~"
_CLOSERS = {")": "(", "]": "["}


def extract_links(text: str, marked: Sequence[str] = ()) -> list[str]:
    """The http(s) links in a message, in order, each once.

    ``marked`` are the links the messenger marked in the message (a bare URL, or one
    hidden behind words): they are exact, so they come first, and the text is searched
    only for others. There, a link ends at white space, at punctuation or a symbol
    outside ASCII (Chinese text runs straight on: "https://x.it/a.mp4，谢谢"; emoji
    too), and loses trailing sentence punctuation and unbalanced closing brackets.
    """
    links = [link for link in dict.fromkeys(marked) if _is_web_link(link)]
    for match in _CANDIDATE.finditer(text):
        link = _trim(_cut_at_foreign_punctuation(match.group()))
        if _is_web_link(link) and not any(link in known for known in links):
            links.append(link)
    return links


def spelled_out(text: str, marked: Sequence[str]) -> str:
    """The text with every marked link it hides written out after it.

    "guarda questa clip" with a link behind "questa clip" then reads like a message
    with the link typed in: routed as an upload, and seen by the agent.
    """
    hidden = [link for link in dict.fromkeys(marked) if link not in text and _is_web_link(link)]
    return " ".join([text, *hidden]) if hidden else text


def _is_web_link(link: str) -> bool:
    parts = _split(link)
    return parts is not None and parts.scheme in ("http", "https") and bool(parts.hostname)


def is_media_link(link: str) -> bool:
    """True when the link's path names a file in a supported format (".../clip.mp4")."""
    parts = _split(link)
    return parts is not None and canonical_extension(parts.path) in SUPPORTED_EXTENSIONS


def _split(link: str) -> SplitResult | None:
    try:
        return urlsplit(link)
    except ValueError:  # a malformed host, such as an unclosed IPv6 bracket
        return None


def _cut_at_foreign_punctuation(link: str) -> str:
    # Letters and digits of any script can be part of a link (IRIs); other characters
    # outside ASCII — full-width commas, quotes, emoji — belong to the sentence.
    for index, char in enumerate(link):
        if not char.isascii() and unicodedata.category(char)[0] not in "LNM":
            return link[:index]
    return link


def _trim(link: str) -> str:
    while link and (link[-1] in _TRAILING or _unbalanced_closer(link)):
        link = link[:-1]
    return link


def _unbalanced_closer(link: str) -> bool:
    """ "(see https://x.it/a)" ends with its sentence's bracket; ".../Roma_(città)" does not."""
    last = link[-1]
    return last in _CLOSERS and link.count(last) > link.count(_CLOSERS[last])
