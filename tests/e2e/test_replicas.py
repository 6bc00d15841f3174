"""Two processes of the bot on one PostgreSQL database: one bot, whichever replica dies.

Leases last 5 s at the tests' pace (10 s deployed), so a take-over comes within seconds.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from storage import Database
from tests.e2e.balancer import RoundRobin
from tests.e2e.harness import bot_env, free_port, python_m_bot, undelivered_renders
from tests.fakes.nemo import NemoFake, steps
from tests.fakes.telegram.files import jpeg_bytes
from tests.waiting import until_sync


def _sent_to_agent(nemo: NemoFake) -> list[str]:
    return [
        r.json["new_message"]["parts"][0]["text"] for r in nemo.requests_to("POST", "/run_sse")
    ]


def _kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


@contextmanager
def _replicas(envs: list[dict[str, str]], log: Path) -> Iterator[list[subprocess.Popen[str]]]:
    processes = [python_m_bot(env, log) for env in envs]
    try:
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            assert process.wait(timeout=30) in (0, -signal.SIGKILL), log.read_text()


async def _holder(url: str, name: str) -> str | None:
    async with await Database.open(url) as db:
        return await db.leases.holder(name)


def test_polling_passes_to_the_standby_within_15_s_of_a_kill(
    postgres_database, telegram_fake, nemo, tmp_path
):
    """The standby never polls beside the poller (Telegram's 409) and polls within 15 s
    of its SIGKILL; the cut turn is told, the update kept in the inbox and a new one are
    handled, each sent to the agent once and in order."""
    nemo.script_turn(steps.add_video_track("mare"), steps.heartbeats(600, interval=0.1))
    nemo.script_turn(steps.text("Fatto, più veloce."))
    nemo.script_turn(steps.text("Eccomi."))
    env = bot_env(telegram_fake, nemo, tmp_path / "x.sqlite3", DATABASE_URL=postgres_database())
    log = tmp_path / "bot.log"
    chat = telegram_fake.private_chat()
    with _replicas([env], log) as [first]:
        telegram_fake.wait_for_sync(lambda: telegram_fake.calls_to("getUpdates"), timeout=30)
        with _replicas([env], log):
            # The second stands by: it never polls beside the first (Telegram's 409).
            until_sync(lambda: "standing by" in log.read_text(), timeout=30)
            chat.send_text("fai un video lungo del mare")
            until_sync(lambda: nemo.count("POST", "/run_sse") == 1)
            chat.send_text("rendilo più veloce")
            telegram_fake.wait_for_message_sync(chat, contains="subito dopo", timeout=30)
            telegram_fake.wait_for_sync(lambda: not telegram_fake.pending_updates(), timeout=30)
            assert [c for c in telegram_fake.calls_to("getUpdates") if c.status == 409] == []
            _kill(first)
            killed = time.monotonic()
            polls = len(telegram_fake.calls_to("getUpdates"))
            chat.send_text("aggiungi una musica allegra")
            telegram_fake.wait_for_sync(
                lambda: len(telegram_fake.calls_to("getUpdates")) > polls + 1, timeout=20
            )
            assert time.monotonic() - killed < 15
            telegram_fake.wait_for_message_sync(chat, contains="riavviato", timeout=30)
            telegram_fake.wait_for_message_sync(chat, contains="Eccomi.", timeout=30)
    assert _sent_to_agent(nemo) == [
        "fai un video lungo del mare",
        "rendilo più veloce",
        "aggiungi una musica allegra",
    ]


@pytest.fixture
def webhook_replicas(postgres_database, telegram_fake_factory, nemo, tmp_path):
    """Two webhook replicas behind a round-robin balancer: (telegram, processes, balancer, url)."""
    telegram = telegram_fake_factory(local_mode=True)  # plain-HTTP webhooks need local mode
    url = postgres_database()
    ports = [free_port(), free_port()]
    with RoundRobin(ports) as balancer:
        envs = [
            bot_env(
                telegram,
                nemo,
                tmp_path / "unused.sqlite3",
                DATABASE_URL=url,
                WEBHOOK_URL=balancer.url("/telegram/hook"),
                WEBHOOK_SECRET="replicas-secret",
                PORT=str(port),
            )
            for port in ports
        ]
        with _replicas(envs, tmp_path / "bot.log") as processes:
            telegram.wait_for_sync(lambda: len(telegram.calls_to("setWebhook")) == 2, timeout=30)
            yield telegram, processes, balancer, url


def test_webhook_updates_of_one_chat_alternate_replicas_and_keep_their_order(
    webhook_replicas, nemo
):
    """Updates alternate between the replicas; each reaches the agent once and in order,
    and an album whose items went to both is acknowledged once, in its place."""
    telegram, _, balancer, _ = webhook_replicas
    nemo.script_turn(steps.add_video_track("mare"), steps.heartbeats(15, interval=0.1))
    for answer in ("Due.", "Tre."):
        nemo.script_turn(steps.text(answer))
    chat = telegram.private_chat()
    chat.send_text("uno: fai un video del mare")
    chat.send_text("due")
    chat.send_album([jpeg_bytes(320, 240, color) for color in ("red", "green", "blue")])
    chat.send_text("tre")
    telegram.wait_for_message_sync(chat, contains="Tre.", timeout=40)
    assert _sent_to_agent(nemo) == ["uno: fai un video del mare", "due", "tre"]
    assert {replica for _, replica in balancer.served} == {0, 1}
    texts = [m.get("text", "") for m in telegram.bot_messages(chat)]
    acks = [text for text in texts if "aggiunt" in text]
    assert len(acks) == 1 and "3" in acks[0], texts
    assert len(nemo.requests_to("POST", "/api/upload-video/nemo_agent/me/")) == 3
    order = [t for t in texts if t in ("Due.", "Tre.") or "aggiunt" in t]
    assert order == ["Due.", acks[0], "Tre."]


def test_a_render_whose_replica_is_killed_is_delivered_once_by_the_other(webhook_replicas, nemo):
    """SIGKILL the replica following a render: the other adopts the chat once its lease
    expires, resumes the render (not submitted again) and sends the video once."""
    telegram, processes, _, url = webhook_replicas
    nemo.render_seconds = 6
    nemo.script_turn(steps.add_video_track("gita"), steps.text("Pronto."))
    chat = telegram.private_chat()
    chat.send_text("crea il video della gita")
    telegram.wait_for_message_sync(chat, contains="Pronto.", timeout=30)
    chat.send_text("esporta")
    until_sync(lambda: nemo.count("GET", "/api/render/proxy/lambda/"), timeout=30)
    holder = asyncio.run(_holder(url, f"chat:{chat.id}"))
    assert holder is not None
    [following] = [p for p in processes if f":{p.pid}:" in holder]
    _kill(following)
    [sent] = telegram.wait_for_sync(lambda: telegram.calls_to("sendVideo"), timeout=40)
    assert sent.params["chat_id"] == chat.id
    until_sync(lambda: undelivered_renders(url) == [], timeout=10)
    assert len(telegram.calls_to("sendVideo")) == 1
    assert nemo.count("POST", "/api/render/proxy/lambda") == 1
