"""The bot's router: cached on disk, trained beside the event loop, waited for."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.core import router
from bot.core.actions import Action
from bot.core.router import Router
from bot.core.routing import cache
from bot.core.routing.supply import RouterSupply
from tests.core.routing_table import TABLE

# Every label, a tenth of the lines: trained in a fraction of a second.
SMALL = Router(TABLE[::10])
TEXT = "esporta il video in 1080p"


@pytest.fixture(autouse=True)
def nothing_trained_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a bot's own process: no router trained or installed yet."""
    monkeypatch.setattr(router, "_shipped", None)


def never_trains() -> Router:
    raise AssertionError("trained, though a router was at hand")


async def never_trains_apart(cache_dir: Path) -> Router:
    raise AssertionError("trained, though a router was at hand")


def test_a_stored_router_loads_back_and_routes_alike(tmp_path):
    cache.store(SMALL, tmp_path)
    loaded = cache.load(tmp_path)
    assert loaded is not None and loaded is not SMALL
    assert [loaded.route(row.text) for row in TABLE[::7]] == [
        SMALL.route(row.text) for row in TABLE[::7]
    ]


@pytest.mark.parametrize(
    "content", [None, b"", b"not a pickle", b"\x80\x05N."], ids=["none", "empty", "junk", "None"]
)
def test_a_missing_or_bad_cache_file_is_no_router(tmp_path, content):
    if content is not None:
        cache.path(tmp_path).write_bytes(content)
    assert cache.load(tmp_path) is None


def test_a_folder_that_cannot_be_written_only_goes_without_a_cache(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    cache.store(SMALL, blocked / "cache")
    assert cache.load(blocked / "cache") is None


async def test_a_message_waits_for_the_training_while_the_loop_runs_on(tmp_path):
    released = asyncio.Event()
    trainings: list[Path] = []

    async def train(cache_dir: Path) -> Router:
        trainings.append(cache_dir)
        await released.wait()
        return SMALL

    supply = RouterSupply(cache_dir=tmp_path, train=train)
    supply.start()
    routed = asyncio.create_task(supply.route(TEXT))
    ticks = 0
    while not trainings or ticks < 5:
        await asyncio.sleep(0.01)
        ticks += 1
    assert not routed.done()
    released.set()
    assert await routed == SMALL.route(TEXT)
    assert await supply.route("crediti") == SMALL.route("crediti")
    assert trainings == [tmp_path]
    assert router.trained_here() is SMALL


async def test_a_cached_router_is_used_without_training(tmp_path, monkeypatch):
    cache.store(SMALL, tmp_path)
    monkeypatch.setattr(router, "trained", never_trains)
    supply = RouterSupply(cache_dir=tmp_path, train=never_trains_apart)
    assert (await supply.route(TEXT)).action is SMALL.route(TEXT).action


async def test_a_router_this_process_has_is_used_at_once(tmp_path):
    router.install(SMALL)
    supply = RouterSupply(cache_dir=tmp_path, train=never_trains_apart)
    assert await supply.route(TEXT) == SMALL.route(TEXT)
    assert cache.load(tmp_path) is None


async def test_a_failed_training_process_trains_in_a_thread_instead(tmp_path, monkeypatch):
    async def broken(cache_dir: Path) -> Router:
        raise RuntimeError("router training exited with 1")

    monkeypatch.setattr(router, "trained", lambda: SMALL)
    supply = RouterSupply(cache_dir=tmp_path, train=broken)
    assert (await supply.route("quanti crediti ho?")).action is Action.CREDITS


async def test_closing_stops_a_training_under_way(tmp_path):
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def endless(cache_dir: Path) -> Router:
        started.set()
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()
        raise AssertionError("unreachable")

    supply = RouterSupply(cache_dir=tmp_path, train=endless)
    supply.start()
    await started.wait()
    await supply.close()
    assert cancelled.is_set()
