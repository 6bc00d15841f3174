"""Helpers for the bot.nemo tests: a credential store in memory, short limits, a client."""

import contextlib
import dataclasses
import hashlib
from collections.abc import AsyncIterator
from typing import Any

from bot import __version__
from bot.nemo import AgentEvent, NemoClient, NemoTimeouts, StoredCredentials, UploadSource
from tests.fakes.nemo import NemoFake

FAST = NemoTimeouts(
    connect=2,
    read=5,
    upload_read=10,
    turn_total=10,
    turn_idle=10,
    render_poll_first=0.02,
    render_poll_growth=1.5,
    render_poll_max=0.2,
    render_total=10,
    read_retries=3,
    retry_backoff=0.01,
    rate_limit_default_wait=0.05,
    rate_limit_max_wait=0.5,
)


class MemoryStore:
    """A CredentialStore in memory; `saves` tells what was written and in which order."""

    def __init__(self, credentials: StoredCredentials | None = None) -> None:
        self.saved = credentials
        self.saves: list[StoredCredentials] = []

    async def load(self) -> StoredCredentials | None:
        return self.saved

    async def save(self, credentials: StoredCredentials) -> None:
        self.saved = credentials
        self.saves.append(credentials)


def make_client(nemo: NemoFake, store: MemoryStore, **options: Any) -> NemoClient:
    """A client on the fake; `timeouts=` may name fields of FAST to override."""
    timeouts = dataclasses.replace(FAST, **options.pop("timeouts", {}))
    return NemoClient(
        base_url=nemo.url,
        skill_version=__version__,
        credentials=store,
        timeouts=timeouts,
        **options,
    )


async def collect(client: NemoClient, session_id: str, text: str) -> list[AgentEvent]:
    """Every event of one turn."""
    async with contextlib.aclosing(client.chat(session_id, text)) as events:
        return [event async for event in events]


async def collect_until_error(
    client: NemoClient, session_id: str, text: str, seen: list[AgentEvent]
) -> None:
    """Like collect, but keeps what came before an exception in `seen`."""
    async with contextlib.aclosing(client.chat(session_id, text)) as events:
        async for event in events:
            seen.append(event)


@dataclasses.dataclass
class BytesSource:
    """Content served in chunks through UploadSource.open; counts how often it was opened."""

    filename: str
    content: bytes
    content_type: str = "application/octet-stream"
    chunk: int = 64 * 1024
    declare_size: bool = True
    opens: int = 0

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def source(self) -> UploadSource:
        return UploadSource(
            filename=self.filename,
            content_type=self.content_type,
            open=self._open,
            size=len(self.content) if self.declare_size else None,
        )

    async def _open(self) -> AsyncIterator[bytes]:
        self.opens += 1
        for start in range(0, len(self.content), self.chunk):
            yield self.content[start : start + self.chunk]
