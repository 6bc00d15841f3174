"""The one vocabulary of what a person can ask the bot to do.

Commands, routed text, buttons, captions and the agent's GUI sentences are different
ways of asking for the same few things. Each source maps to an ``Action`` through a
table of its own (command names in ``bot.telegram.commands``, button data in
``bot.telegram.keyboards``, the router's labels, the GUI patterns in ``gui``), and the
``Dispatcher`` holds the one table from an action to its handler. Adding an action
touches that table, its handler and the sources that can ask for it, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Action(StrEnum):
    """Something a person can ask for, whatever words or buttons they use."""

    START = "start"
    HELP = "help"
    NEW_PROJECT = "new_project"
    LANGUAGE = "language"
    EXPORT = "export"
    LOCAL_VIDEO = "local_video"
    CREDITS = "credits"
    STATE = "state"
    UPLOAD = "upload"
    COLLECT = "collect"
    CREATE = "create"
    CHAT = "chat"


class Sender(Protocol):
    """Who asked: the facts the core's group rules need, answered by the messenger."""

    @property
    def name(self) -> str:
        """How to name the sender to the others in a group."""

    async def is_admin(self) -> bool:
        """True when the sender administers the group (always False in private chats)."""

    async def group_size(self) -> int:
        """How many members the chat has."""


@dataclass(frozen=True)
class Request:
    """An action with what came with it.

    ``text`` is the whole message for CHAT and UPLOAD (links are read from it), the
    command's arguments otherwise ("/crea uno slideshow allegro" → "uno slideshow
    allegro", "/lingua en" → "en"). ``links`` are those the messenger marked in the
    message, exact where the text may hide or garble them (a link behind words).
    """

    action: Action
    text: str = ""
    sender: Sender | None = None
    links: tuple[str, ...] = ()


Instruction = Request | str
"""What follows an upload: a command already parsed, or free text for the router."""
