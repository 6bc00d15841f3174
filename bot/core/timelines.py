"""The project's timeline, read from the cloud's state (which costs no credits)."""

from __future__ import annotations

import logging

from bot.core.ports import ChatRef
from bot.core.sessions import Sessions
from bot.core.summary import Timeline, summarize
from bot.nemo import NemoClient, NemoError, SessionNotFound

log = logging.getLogger(__name__)


class Timelines:
    """Reads what a chat's project holds now."""

    def __init__(self, nemo: NemoClient, sessions: Sessions) -> None:
        self._nemo = nemo
        self._sessions = sessions

    async def current(self, chat: ChatRef) -> Timeline:
        """The project's timeline. Raises NemoError when the cloud cannot tell."""
        session = await self._sessions.session(chat)
        try:
            state = await self._nemo.state(session.session_id)
        except SessionNotFound:
            return Timeline(())
        return summarize(state.draft)

    async def if_readable(self, chat: ChatRef) -> Timeline | None:
        """For notices that stand without it: None when the cloud cannot tell."""
        try:
            return await self.current(chat)
        except NemoError as error:
            log.warning("state of chat %s unavailable: %s", chat.chat_id, type(error).__name__)
            return None
