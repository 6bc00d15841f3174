"""The one pattern of a slash command: ``/name``, ``/name@bot``, then its arguments.

Telegram marks only Latin names as commands; "/新建" arrives as text, so the name may
also be a run of Chinese characters. The router and the messenger read commands with
this same pattern, so they never disagree about what is a command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SLASH = re.compile(r"^\s*/(?P<name>[A-Za-z0-9_]+|[\u4e00-\u9fff]+)(?:@(?P<bot>\w+))?(?=\s|$)")


@dataclass(frozen=True)
class SlashCommand:
    """A command at the start of a text; ``bot`` is the @username it names, if any."""

    name: str
    bot: str | None
    args: str


def parse_slash(text: str | None) -> SlashCommand | None:
    """The command ``text`` starts with, or None."""
    match = _SLASH.match(text or "")
    if match is None:
        return None
    name = match.group("name").casefold()
    return SlashCommand(name, match.group("bot"), (text or "")[match.end() :].strip())
