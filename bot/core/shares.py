"""Delivered videos a person may post into any chat, without uploading them again.

The button under a video carries its render's id; the messenger asks here, when the
person's inline query comes, for the video as the messenger keeps it. Only people of
the chat the video was made for get it: the id in a query can be typed by anyone.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from storage import Database, StorageError

log = logging.getLogger(__name__)

Membership = Callable[[int, int], Awaitable[bool]]
"""Whether a person (second) belongs to a chat (first); a private chat is its person's."""


class SharedVideos:
    """The messenger's ids of delivered videos, by the key their share button carries."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def delivered(self, key: str, file_id: str) -> None:
        """Remember how the messenger keeps the video delivered under ``key``.

        The video has reached the chat by now: failing to remember it only costs the
        Share button its answer, so it is logged, never raised into the delivery.
        """
        try:
            await self._db.renders.keep_video(key, file_id)
        except StorageError as error:
            log.warning("video %s delivered but not kept for sharing: %s", key, error)

    async def video_for(self, key: str, person: int, belongs: Membership) -> str | None:
        """The video to share under ``key``, or None if there is none for this person."""
        record = await self._db.renders.get(key)
        if record is None or record.video_file_id is None:
            return None
        if not await belongs(record.chat_id, person):
            return None
        return record.video_file_id
