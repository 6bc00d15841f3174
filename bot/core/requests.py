"""How every request runs: in its chat's order, with cloud failures told, not raised.

A chat's requests queue behind each other (see ``gate``), and a person whose message
has to wait is told so once. Only a few may wait: each waiting request holds one of the
bot's update slots and would become a paid turn on the bot's one NemoVideo account, so
a chat that floods the bot is refused politely past that, and other chats never notice.
A cloud error ends as a ``Failed`` notice carrying its reason and, when credits ran
out, where to get more: nothing raw reaches the chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from bot.core.actions import Action
from bot.core.failures import Failure, failure_of
from bot.core.gate import ChatGate
from bot.core.notices import Failed, StillWorking
from bot.core.ports import ChatOutput, ChatRef
from bot.core.sessions import Sessions
from bot.nemo import NemoError

log = logging.getLogger(__name__)

# Failures about the bot's NemoVideo account, whose way out is on NemoVideo's site.
_ACCOUNT_FAILURES = frozenset({Failure.OUT_OF_CREDITS, Failure.EXPORT_NOT_IN_PLAN})
# An export failing for these will not work by asking again soon: a video made by the
# bot itself is worth offering. (UNREACHABLE comes only after the client's retries.)
LOCAL_VIDEO_FAILURES = _ACCOUNT_FAILURES | {Failure.UNREACHABLE}

# How many requests of one chat may wait behind the running one: enough for a person
# who types ahead, far below what a script sends.
MAX_WAITING = 3


class LineFull(Exception):
    """The chat already has as many requests waiting as it may.

    ``first`` is True for the first refusal since the line filled: the person is told
    once, not once per message of a flood.
    """

    def __init__(self, *, first: bool) -> None:
        super().__init__("too many requests waiting")
        self.first = first


class RequestRunner:
    """The per-chat line every request stands in, and the net under it."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions
        self._gate = ChatGate()
        self._waiting: dict[int, int] = {}
        # Chats told their line is full, until it has room again.
        self._refusing: set[int] = set()

    def active(self, chat_id: int) -> bool:
        """True while a request of this chat runs or waits here (a turn, a render, an album)."""
        return self._gate.active(chat_id)

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
        """Like ``in_order``, telling the person when the request has to wait its turn.

        Raises LineFull, before anything is done, when too many already wait. A request
        counts as waiting from the moment it arrives: telling the person takes a while
        (Telegram's pace), and a flood must not slip past the count meanwhile.
        """
        chat_id = chat.chat_id
        waits = self._gate.busy(chat_id)
        if waits:
            if self._waiting.get(chat_id, 0) >= MAX_WAITING:
                first = chat_id not in self._refusing
                self._refusing.add(chat_id)
                raise LineFull(first=first)
            self._waiting[chat_id] = self._waiting.get(chat_id, 0) + 1
        # The place in line is taken before the person is told: telling takes a while
        # (Telegram's pace), and a request that came later must not slip ahead meanwhile.
        notice = asyncio.ensure_future(out.show(StillWorking())) if waits and not quiet else None
        try:
            async with self._gate.hold(chat_id):
                if notice is not None:
                    await notice
                if waits:
                    waits = False
                    self._stop_waiting(chat_id)
                yield
        finally:
            if notice is not None and not notice.done():
                notice.cancel()
            if waits:
                self._stop_waiting(chat_id)

    def _stop_waiting(self, chat_id: int) -> None:
        self._waiting[chat_id] -= 1
        self._refusing.discard(chat_id)
        if not self._waiting[chat_id]:
            del self._waiting[chat_id]

    @contextlib.asynccontextmanager
    async def failures(
        self,
        chat: ChatRef,
        out: ChatOutput,
        *,
        offer_local_video: Callable[[], bool] = lambda: False,
    ) -> AsyncIterator[None]:
        """Turn a cloud error into a notice; the recovery it needs is in the notice.

        Where ``offer_local_video`` says so when asked (an export whose cloud video is
        not on its way), a failure the cloud will not soon get over comes with a button
        for a video the bot makes itself.
        """
        try:
            yield
        except NemoError as error:
            log.warning("chat %s: %s", chat.chat_id, type(error).__name__)
            reason = failure_of(error)
            offer = reason in LOCAL_VIDEO_FAILURES and offer_local_video()
            steps = (Action.LOCAL_VIDEO,) if offer else ()
            if reason in _ACCOUNT_FAILURES:
                notice = Failed(
                    reason,
                    register_link=await self._register_link(),
                    account_link=self._sessions.web_url,
                    local_video=offer,
                )
            else:
                notice = Failed(reason, local_video=offer)
            await out.show(notice, steps)

    async def _register_link(self) -> str | None:
        with contextlib.suppress(NemoError):
            return await self._sessions.register_link()
        return None
