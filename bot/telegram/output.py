"""The core's ChatOutput, spoken through the Telegram Bot API."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from functools import partial

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import MessageLimit
from telegram.error import ChatMigrated, NetworkError

from bot.core.notices import Activity, NextStep, Notice, Progress, VideoReady, VideoTooBig
from bot.i18n import Translator
from bot.telegram import keyboards
from bot.telegram.progress import StatusMessage
from bot.telegram.texts import notice_text, progress_text

log = logging.getLogger(__name__)


ChatMoved = Callable[[int, int], Awaitable[None]]


class TelegramOutput:
    """Renders notices for one chat, in its language.

    A group upgraded to a supergroup changes id while work for it may be running (a
    render takes a while): a send refused with ChatMigrated tells ``moved`` and is
    repeated to the new id, so the video still arrives.
    """

    def __init__(
        self,
        bot: Bot,
        chat_id: int,
        tr: Translator,
        *,
        is_group: bool,
        moved: ChatMoved | None = None,
    ) -> None:
        self._bot = bot
        self._chat_id = chat_id
        self._tr = tr
        self._is_group = is_group
        self._moved = moved

    @property
    def chat_id(self) -> int:
        """The chat's id, which changes if the group became a supergroup meanwhile."""
        return self._chat_id

    async def show(self, notice: Notice, next_steps: Sequence[NextStep] = ()) -> None:
        """Send the notice; a video goes out as a streamable video with its caption."""
        markup = keyboards.next_steps(next_steps, self._tr)
        if isinstance(notice, VideoReady):
            await self._send_video(notice, markup)
            return
        await self.say(notice_text(notice, self._tr), markup)

    async def say(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Send text, split at Telegram's length limit; buttons go under the last part."""
        parts = _split(text, MessageLimit.MAX_TEXT_LENGTH)
        for index, part in enumerate(parts):
            buttons = markup if index == len(parts) - 1 else None
            await self._following_moves(partial(self._send_text, part, buttons))

    @asynccontextmanager
    async def working(self, activity: Activity) -> AsyncIterator[_Reporter]:
        """A status message and chat action that last as long as the body."""
        status = StatusMessage(self._bot, self._chat_id, activity.value, is_group=self._is_group)
        await status.start()
        try:
            yield _Reporter(status, self._tr)
        finally:
            await status.close()

    async def _send_video(self, video: VideoReady, markup: InlineKeyboardMarkup | None) -> None:
        caption = notice_text(video, self._tr)

        async def send(chat_id: int) -> Message:
            with video.path.open("rb") as file:
                return await self._bot.send_video(
                    chat_id,
                    file,
                    caption=caption[: MessageLimit.CAPTION_LENGTH],
                    width=video.width,
                    height=video.height,
                    duration=round(video.duration) if video.duration else None,
                    supports_streaming=True,
                    reply_markup=markup,
                    filename=video.path.name,
                )

        try:
            await self._following_moves(send)
        except NetworkError as error:
            # Telegram answers 413 for uploads over its limit; the link is the way out.
            if "413" not in str(error) or not video.download_url:
                raise
            log.info("video of %s bytes refused by Telegram; sending the link", video.size)
            too_big = VideoTooBig(video.download_url, video.size, video.project_link)
            await self.say(notice_text(too_big, self._tr), markup)

    async def _send_text(
        self, text: str, markup: InlineKeyboardMarkup | None, chat_id: int
    ) -> Message:
        return await self._bot.send_message(chat_id, text, reply_markup=markup)

    async def _following_moves(self, send: Callable[[int], Awaitable[Message]]) -> Message:
        try:
            return await send(self._chat_id)
        except ChatMigrated as migrated:
            old, self._chat_id = self._chat_id, migrated.new_chat_id
            log.info("chat %s is now %s; sending there", old, self._chat_id)
            if self._moved is not None:
                await self._moved(old, self._chat_id)
            return await send(self._chat_id)


class _Reporter:
    """Progress as the core reports it, as status text."""

    def __init__(self, status: StatusMessage, tr: Translator) -> None:
        self._status = status
        self._tr = tr

    async def update(self, progress: Progress) -> None:
        """Show the stage; the status message decides when the edit really happens."""
        await self._status.show(progress_text(progress, self._tr))


def _split(text: str, limit: int) -> list[str]:
    """Split at paragraph or line breaks where possible, never inside a character."""
    parts: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        cut = cut if cut > limit // 2 else limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    parts.append(text)
    return [part for part in parts if part] or [text]
