"""The core's ChatOutput, spoken through the Telegram Bot API."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import MessageLimit
from telegram.error import NetworkError

from bot.core.notices import Activity, NextStep, Notice, Progress, VideoReady, VideoTooBig
from bot.i18n import Translator
from bot.telegram import keyboards
from bot.telegram.progress import StatusMessage
from bot.telegram.texts import notice_text, progress_text

log = logging.getLogger(__name__)


class TelegramOutput:
    """Renders notices for one chat, in its language."""

    def __init__(self, bot: Bot, chat_id: int, tr: Translator, *, is_group: bool) -> None:
        self._bot = bot
        self._chat_id = chat_id
        self._tr = tr
        self._is_group = is_group

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
            last = index == len(parts) - 1
            await self._bot.send_message(
                self._chat_id, part, reply_markup=markup if last else None
            )

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
        try:
            with video.path.open("rb") as file:
                await self._bot.send_video(
                    self._chat_id,
                    file,
                    caption=caption[: MessageLimit.CAPTION_LENGTH],
                    width=video.width,
                    height=video.height,
                    duration=round(video.duration) if video.duration else None,
                    supports_streaming=True,
                    reply_markup=markup,
                    filename=video.path.name,
                )
        except NetworkError as error:
            # Telegram answers 413 for uploads over its limit; the link is the way out.
            if "413" not in str(error) or not video.download_url:
                raise
            log.info("video of %s bytes refused by Telegram; sending the link", video.size)
            too_big = VideoTooBig(video.download_url, video.size, video.project_link)
            await self.say(notice_text(too_big, self._tr), markup)


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
