"""Secrets and access, end to end: no token in a log line or a chat, only allowed chats served,
and a database file nobody else can read.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.config import Settings
from bot.logging_setup import RedactingFilter, configure_logging
from tests.e2e.harness import bot_env
from tests.fakes.nemo import NemoFake, steps
from tests.fakes.telegram import TelegramFake
from tests.fakes.telegram.files import jpeg_bytes
from tests.postgres import sqlite_only

SECRET_SHAPES = ("nmv_usr_", "Bearer")
# The fakes run in the test's process and log through the same root logger.
NOT_THE_BOT = ("uvicorn", "tests.")


class _Lines(logging.Handler):
    """Keeps every record as the formatted line the bot's handlers would write."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.name, self.format(record)))


@pytest.fixture
def log_lines() -> Iterator[_Lines]:
    """A root handler to read what is logged; the root logger is restored afterwards.

    The harness does not configure logging; the test calls ``configure_logging`` as
    ``bot.app.main`` does, which puts the redactor on every root handler, this one included.
    """
    root = logging.getLogger()
    chatty = [logging.getLogger(name) for name in ("httpx", "httpcore", "aiosqlite")]
    saved = (root.level, [(h, h.formatter) for h in root.handlers], [c.level for c in chatty])
    handler = _Lines()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        level, formatters, chatty_levels = saved
        root.setLevel(level)
        for other, formatter in formatters:
            other.setFormatter(formatter)
        for other in root.handlers:
            for redactor in [f for f in other.filters if isinstance(f, RedactingFilter)]:
                other.removeFilter(redactor)
        for logger, chatty_level in zip(chatty, chatty_levels, strict=True):
            logger.setLevel(chatty_level)


def nemo_tokens(nemo: NemoFake) -> set[str]:
    """Every token the bot showed the cloud (the fake issues anonymous ones on request)."""
    return {
        value.partition(" ")[2]
        for request in nemo.requests
        if (value := request.headers.get("authorization"))
    }


def everything_sent(telegram: TelegramFake) -> list[str]:
    """Every Bot API call's parameters as text: messages, edits, captions, buttons, answers."""
    return [
        f"{call.method} {json.dumps(call.params, ensure_ascii=False, default=str)}"
        for call in telegram.calls
    ]


def _video(telegram: TelegramFake, chat: Any) -> dict | None:
    return next((m for m in telegram.bot_messages(chat) if "video" in m), None)


def _count(telegram: TelegramFake, chat: Any, text: str) -> int:
    return sum(text in m.get("text", "") for m in telegram.bot_messages(chat))


@pytest.mark.parametrize("registered", [False, True], ids=["anonymous-token", "NEMO_TOKEN"])
def test_no_secret_reaches_a_log_line_or_a_chat(
    start_bot, telegram_fake, nemo, database_url, log_lines, registered
):
    overrides = {"NEMO_TOKEN": nemo.add_token()} if registered else {}
    env = bot_env(telegram_fake, nemo, database_url, **overrides)
    settings = Settings.from_env(env)
    configure_logging(settings.log_level, settings.secrets())  # as bot.app.main does
    start_bot(**overrides)
    chat = telegram_fake.private_chat()

    chat.send_text("/start")
    telegram_fake.wait_for_message_sync(chat, contains="Ciao!")
    chat.send_photo(jpeg_bytes(320, 240, "red"))
    telegram_fake.wait_for_message_sync(chat, contains="aggiunto")
    [first_token] = nemo_tokens(nemo)

    nemo.script_turn(steps.add_video_track("Puglia"), steps.text("Ecco il video della Puglia."))
    chat.send_text("crea un video della Puglia")
    telegram_fake.wait_for_message_sync(chat, contains="Ecco il video")
    chat.send_text("crediti")
    telegram_fake.wait_for_message_sync(chat, contains="💳")
    chat.send_text("esporta")
    telegram_fake.wait_for_sync(lambda: _video(telegram_fake, chat), timeout=20)

    # Errors whose text from the cloud echoes the token, and a token the cloud expires.
    echo = f"token {first_token} refused (Authorization: Bearer {first_token})"
    nemo.fail_next("GET", "/api/credits", status=403, message=echo)
    chat.send_text("/crediti")
    telegram_fake.wait_for_message_sync(chat, contains="problema con NemoVideo")
    nemo.script_turn(steps.error_event(f"upstream said: Bearer {first_token} is invalid"))
    chat.send_text("aggiungi un titolo")
    telegram_fake.wait_for_message_sync(chat, contains="Prova a dirlo")
    if not registered:
        nemo.expire_tokens()
    chat.send_text("/stato")
    telegram_fake.wait_for_sync(lambda: _count(telegram_fake, chat, "Ecco com'è il video") == 1)

    tokens = nemo_tokens(nemo)
    assert len(tokens) == (1 if registered else 2), "anonymous: the token was renewed once"
    secrets = [telegram_fake.token, *tokens, *SECRET_SHAPES]
    lines = [line for name, line in log_lines.lines if not name.startswith(NOT_THE_BOT)]
    assert any(" DEBUG " in line for line in lines), "DEBUG lines were not captured"
    leaks = [
        (secret, line)
        for line in lines + everything_sent(telegram_fake)
        for secret in secrets
        if secret in line
    ]
    assert leaks == []


def test_chat_outside_allowed_chats_is_refused_once_and_costs_no_cloud_call(
    start_bot, telegram_fake, nemo
):
    listed = telegram_fake.private_chat()
    outsider = telegram_fake.private_chat(language_code="en")
    bot = start_bot(ALLOWED_CHATS=f"-100123, {listed.id}")
    refusal = "Sorry, this bot isn't available in this chat."

    outsider.send_text("/start")
    outsider.send_text("make a slideshow with Italian music")
    outsider.send_photo(jpeg_bytes(320, 240, "blue"))
    outsider.send_text("/credits")
    telegram_fake.wait_for_message_sync(outsider, contains=refusal)
    assert nemo.requests == []

    listed.send_text("/crediti")
    telegram_fake.wait_for_message_sync(listed, contains="restano 100 crediti")
    for _ in range(20):
        outsider.send_text("/start")
    bot.stop()  # every update handled
    # One refusal an hour, however much the outsider sends.
    assert [m["text"] for m in telegram_fake.bot_messages(outsider)] == [refusal]
    assert telegram_fake.calls_to("getFile") == []
    assert nemo.count("GET", "/api/credits") == 1


@sqlite_only("the modes of SQLite's files; a PostgreSQL server keeps its own")
def test_database_file_is_created_owner_only(start_bot, telegram_fake, nemo, tmp_path: Path):
    previous = os.umask(0)  # the bot must not rely on a strict umask
    try:
        start_bot()
        chat = telegram_fake.private_chat()
        chat.send_text("/lingua en")  # a write, so the write-ahead log exists too
        telegram_fake.wait_for_message_sync(chat, contains="English")
    finally:
        os.umask(previous)
    files = sorted(tmp_path.glob("bot.sqlite3*"))
    assert tmp_path / "bot.sqlite3" in files
    modes = {path.name: oct(stat.S_IMODE(path.stat().st_mode)) for path in files}
    assert modes == dict.fromkeys(modes, oct(0o600))


def test_a_webhook_without_a_secret_gets_a_random_one_never_logged(
    webhook, nemo, log_lines, monkeypatch
):
    deployment = webhook()
    telegram, url = deployment.telegram, deployment.url
    settings = Settings.from_env(deployment.env)
    configure_logging(settings.log_level, settings.secrets())  # as bot.app.main does
    comparisons: list[int] = []
    constant_time = hmac.compare_digest

    def counted(a: Any, b: Any) -> bool:
        comparisons.append(1)
        return constant_time(a, b)

    monkeypatch.setattr(hmac, "compare_digest", counted)
    with deployment.run():
        secret = telegram.webhook_info()["secret_token"]
        assert secret and len(secret) >= 32
        victim = telegram.private_chat()
        victim.send_text("/start")
        telegram.wait_for_message_sync(victim, contains="Ciao!", timeout=20)
        forged = {
            "update_id": 999,
            "message": {
                "message_id": 99,
                "date": 0,
                "chat": victim.as_dict(),
                "from": victim.owner.as_dict(),
                "text": "/crediti",
            },
        }
        near_miss = secret[:-1] + ("A" if secret[-1] != "A" else "B")
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": near_miss}):
            assert httpx.post(url, json=forged, headers=headers).status_code == 403
        assert comparisons, "the header check did not go through hmac.compare_digest"
    assert nemo.count("GET", "/api/credits") == 0
    lines = [line for name, line in log_lines.lines if not name.startswith(NOT_THE_BOT)]
    assert any("setWebhook" in line for line in lines), "DEBUG lines were not captured"
    assert [line for line in lines if secret in line] == []


def test_a_migration_claimed_in_a_private_chat_moves_nothing(bot, telegram_fake, nemo):
    nemo.script_turn(steps.add_video_track("Puglia"), steps.text("Ecco il video della Puglia."))
    victim = telegram_fake.private_chat()
    victim.send_text("crea un video della Puglia")
    telegram_fake.wait_for_message_sync(victim, contains="Ecco il video")
    thief = telegram_fake.supergroup()
    forged = {
        "message_id": 999,
        "date": 0,
        "chat": victim.as_dict(),
        "from": victim.owner.as_dict(),
        "migrate_to_chat_id": thief.id,
    }
    telegram_fake.push_update("message", forged)
    thief.send_text("/stato")
    victim.send_text("/stato")
    telegram_fake.wait_for_sync(lambda: _count(telegram_fake, victim, "Puglia") >= 2)
    telegram_fake.wait_for_message_sync(thief)
    assert _count(telegram_fake, thief, "Puglia") == 0
