"""How every request runs: in its chat's order, with cloud failures told, not raised.

A chat's requests queue behind each other (see ``gate``), and a person whose message
has to wait is told so once. A cloud error ends as a ``Failed`` notice carrying its
reason and, when credits ran out, where to get more: nothing raw reaches the chat.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from bot.core.failures import Failure, failure_of
from bot.core.gate import ChatGate
from bot.core.notices import Failed, StillWorking
from bot.core.ports import ChatOutput, ChatRef
from bot.core.sessions import Sessions
from bot.nemo import NemoError

log = logging.getLogger(__name__)

# Failures about the bot's NemoVideo account, whose way out is on NemoVideo's site.
_ACCOUNT_FAILURES = frozenset({Failure.OUT_OF_CREDITS, Failure.EXPORT_NOT_IN_PLAN})


class RequestRunner:
    """The per-chat line every request stands in, and the net under it."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions
        self._gate = ChatGate()

    @contextlib.asynccontextmanager
    async def in_order(self, chat_id: int) -> AsyncIterator[None]:
        """Hold the chat's place in line: what comes after waits until the body is done.

        An album takes its place when its first item arrives, so an instruction sent
        right after it finds the files uploaded.
        """
        async with self._gate.hold(chat_id):
            yield

    @contextlib.asynccontextmanager
    async def exclusive(
        self, chat: ChatRef, out: ChatOutput, *, quiet: bool = False
    ) -> AsyncIterator[None]:
        """Like ``in_order``, telling the person when the request has to wait its turn."""
        if self._gate.busy(chat.chat_id) and not quiet:
            await out.show(StillWorking())
        async with self._gate.hold(chat.chat_id):
            yield

    @contextlib.asynccontextmanager
    async def failures(self, chat: ChatRef, out: ChatOutput) -> AsyncIterator[None]:
        """Turn a cloud error into a notice; the recovery it needs is in the notice."""
        try:
            yield
        except NemoError as error:
            log.warning("chat %s: %s", chat.chat_id, type(error).__name__)
            reason = failure_of(error)
            if reason in _ACCOUNT_FAILURES:
                await out.show(
                    Failed(
                        reason,
                        register_link=await self._register_link(),
                        account_link=self._sessions.web_url,
                    )
                )
            else:
                await out.show(Failed(reason))

    async def _register_link(self) -> str | None:
        with contextlib.suppress(NemoError):
            return await self._sessions.register_link()
        return None
