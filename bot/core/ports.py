"""What the conversation needs from a messenger and a clock, as protocols.

The Telegram layer implements these; tests can implement them with a list. Keeping the
core on this side of the line is what lets it run without Telegram.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.core.actions import Action
from bot.core.notices import Activity, Notice, Progress


class ChatUnreachable(Exception):
    """The messenger will never deliver to this chat: the bot was blocked, removed, or the
    chat is gone. A ChatOutput raises it so work for the chat stops instead of retrying."""

    def __init__(self, chat_id: int) -> None:
        super().__init__(f"chat {chat_id} cannot be reached")
        self.chat_id = chat_id


@dataclass(frozen=True)
class ChatRef:
    """A chat as the core knows it: its id and the language it is spoken to in.

    ``topic`` is where in the chat the conversation happens (a forum group's topic):
    answers go there, and so do messages the bot sends on its own later.
    """

    chat_id: int
    locale: str
    is_group: bool = False
    topic: int | None = None


class ProgressReporter(Protocol):
    """The one status message of a long operation, updated in place."""

    async def update(self, progress: Progress) -> None:
        """Show the latest progress; the messenger decides how often it really edits."""


class ChatOutput(Protocol):
    """How the core speaks to one chat."""

    async def show(self, notice: Notice, next_steps: Sequence[Action] = ()) -> None:
        """Tell the person something, optionally offering one-tap next steps.

        Raises ChatUnreachable when the chat will never hear anything again.
        """

    def working(self, activity: Activity) -> AbstractAsyncContextManager[ProgressReporter]:
        """Keep a status message and a chat action alive while the body runs."""


class MediaUnavailable(Exception):
    """The messenger no longer hands out a file the chat sent (deleted, expired, too big)."""


class MediaFetcher(Protocol):
    """Fetches a file a chat sent, again, by the id the messenger gave it."""

    async def fetch(self, file_id: str, path: Path) -> None:
        """Write the file to ``path``. Raises MediaUnavailable."""


OutputFactory = Callable[[ChatRef], ChatOutput]
"""An output for a chat the core speaks to on its own: after a restart, on a timer."""


class Timer(Protocol):
    """Calls back later, surviving nothing: whoever arms it re-arms it after a restart."""

    def arm(self, key: str, after: float, due: Callable[[], Awaitable[None]]) -> None:
        """Call ``due`` in ``after`` seconds, replacing what was armed under ``key``."""
