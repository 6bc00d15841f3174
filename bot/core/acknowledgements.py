"""What a person hears of a batch of files: counted while they arrive, then one answer.

A collection in a group only counts a member's files (a group allows a bot about twenty
messages a minute); anywhere else the batch gets one acknowledgement, whatever its size,
and files already in the project are named as such rather than silently skipped.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable

from bot.core.collections import Collections
from bot.core.notices import AlreadyInProject, Contributed, UploadAcknowledged, Uploading
from bot.core.ports import ChatOutput, ChatRef, ProgressReporter
from bot.core.sessions import Sessions
from bot.core.uploads import IncomingFile, UploadReport


class Acknowledgements:
    """Says what became of a batch of files."""

    def __init__(self, collections: Collections, sessions: Sessions) -> None:
        self._collections = collections
        self._sessions = sessions

    async def say(
        self,
        chat: ChatRef,
        report: UploadReport,
        out: ChatOutput,
        contributor: str | None = None,
        *,
        instruction_follows: bool = False,
        collecting: bool = False,
    ) -> None:
        """Say what became of a batch; a member's files in a collection are only counted."""
        for refusal in report.refused:
            await out.show(refusal)
        if report.uploaded and collecting and contributor is not None:
            await self._collections.contributed(chat.chat_id, contributor, report.uploaded)
            await out.show(Contributed(report.uploaded, report.total, contributor))
        elif report.uploaded:
            await out.show(
                UploadAcknowledged(report.uploaded, report.total, contributor, instruction_follows)
            )
        elif report.already_in:
            total = await self._sessions.item_count(chat)
            await out.show(AlreadyInProject(report.already_in, total))


async def counted(
    files: Iterable[IncomingFile] | AsyncIterable[IncomingFile], progress: ProgressReporter
) -> AsyncIterator[IncomingFile]:
    """Hand the files on as they arrive, the status counting them meanwhile."""
    count = 0
    arriving = files if isinstance(files, AsyncIterable) else _at_once(files)
    async for incoming in arriving:
        count += 1
        await progress.update(Uploading(count=count))
        yield incoming


async def _at_once(files: Iterable[IncomingFile]) -> AsyncIterator[IncomingFile]:
    for incoming in files:
        yield incoming
