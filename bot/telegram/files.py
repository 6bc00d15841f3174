"""Telegram media as files the core can check and stream.

Nothing is downloaded here: each IncomingFile carries an opener that asks Telegram for
the file only when the core decides to upload it, then streams it chunk by chunk.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
from telegram import (
    Animation,
    Audio,
    Bot,
    Document,
    Message,
    PhotoSize,
    Video,
    VideoNote,
    Voice,
)
from telegram.error import TelegramError
from telegram.ext import filters

from bot.core.ports import MediaUnavailable
from bot.core.uploads import IncomingFile

_CHUNK = 256 * 1024

Media = PhotoSize | Video | Document | Audio | Voice | Animation | VideoNote

# The one list of the kinds of message the bot can upload: the handler's filter and
# ``media_of`` must agree, or a file would be routed here and then found empty.
MEDIA_FILTER = (
    filters.PHOTO
    | filters.VIDEO
    | filters.AUDIO
    | filters.VOICE
    | filters.ANIMATION
    | filters.VIDEO_NOTE
    | filters.Document.ALL
)


def media_of(message: Message) -> Media | None:
    """The file a message carries (a photo's largest size), or None."""
    if message.photo:
        return message.photo[-1]
    return (
        message.video
        or message.document
        or message.audio
        or message.voice
        or message.animation
        or message.video_note
    )


def incoming_file(message: Message, bot: Bot, http: httpx.AsyncClient) -> IncomingFile | None:
    """The file a message carries, or None when it carries no media we handle."""
    media = media_of(message)
    if media is None:
        return None
    return IncomingFile(
        unique_id=media.file_unique_id,
        file_name=getattr(media, "file_name", None),
        size=media.file_size,
        open=_opener(bot, http, media.file_id),
        file_id=media.file_id,
    )


class TelegramMedia:
    """The core's MediaFetcher: a file a chat sent, downloaded again by its file_id."""

    def __init__(self, bot: Bot, http: httpx.AsyncClient) -> None:
        self._bot = bot
        self._http = http

    async def fetch(self, file_id: str, path: Path) -> None:
        """Write the file to ``path``. Raises MediaUnavailable when Telegram will not give it."""
        try:
            with path.open("wb") as file:
                async for chunk in _opener(self._bot, self._http, file_id)():
                    await asyncio.to_thread(file.write, chunk)
        except (TelegramError, httpx.HTTPError, OSError) as error:
            raise MediaUnavailable(f"{file_id}: {type(error).__name__}") from error


def _opener(bot: Bot, http: httpx.AsyncClient, file_id: str) -> Callable[[], AsyncIterator[bytes]]:
    async def stream() -> AsyncIterator[bytes]:
        telegram_file = await bot.get_file(file_id)
        path = telegram_file.file_path or ""
        if path.startswith(("http://", "https://")):
            async with http.stream("GET", path) as response:
                response.raise_for_status()
                async for chunk in response.aiter_bytes(_CHUNK):
                    yield chunk
        else:
            # A local Bot API server hands out paths on its own disk (local mode).
            async for chunk in _read_local(Path(path)):
                yield chunk

    return stream


async def _read_local(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as file:
        while chunk := await asyncio.to_thread(file.read, _CHUNK):
            yield chunk
