"""Fixtures of the bot.nemo tests: a client on the fake with a fresh credential store."""

from collections.abc import AsyncIterator

import pytest

from bot.nemo import NemoClient, Session
from tests.fakes.nemo import NemoFake
from tests.nemo.support import MemoryStore, make_client


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
async def client(nemo: NemoFake, store: MemoryStore) -> AsyncIterator[NemoClient]:
    async with make_client(nemo, store) as nemo_client:
        yield nemo_client


@pytest.fixture
async def session(client: NemoClient) -> Session:
    return await client.create_session("it")
