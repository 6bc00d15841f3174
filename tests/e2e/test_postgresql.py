"""The real bot on PostgreSQL: DATABASE_URL is all a deployment changes.

A few journeys, not the whole suite twice: the storage tests already hold every
repository to the same behaviour on both engines. These show the bot opening, migrating
and using a server, in-process and as `python -m bot`, through a kill and a restart.
"""

from __future__ import annotations

import asyncio
import signal
from urllib.parse import urlsplit

from storage import Database
from tests.e2e.harness import bot_env, eventually, python_m_bot
from tests.fakes import nemo_server as steps
from tests.fakes.telegram_files import jpeg_bytes


async def _left_over(url: str) -> tuple[list[str], list[int]]:
    """The renders and inbox updates a next start would pick up."""
    async with await Database.open(url) as db:
        renders = [record.render_id for record in await db.renders.undelivered()]
        return renders, [record.update_id for record in await db.inbox.pending()]


def _video(telegram, chat) -> dict | None:
    return next((m for m in telegram.bot_messages(chat) if "video" in m), None)


def test_album_turn_and_export_on_postgresql(start_bot, postgres_database, telegram_fake, nemo):
    url = postgres_database()
    running = start_bot(DATABASE_URL=url)
    nemo.render_seconds = 1
    nemo.script_turn(steps.add_video_track("slideshow"), steps.text("Ecco lo slideshow!"))
    chat = telegram_fake.private_chat()
    chat.send_album(
        [jpeg_bytes(320, 240, "red"), jpeg_bytes(320, 240, "blue")], caption="crea uno slideshow"
    )
    telegram_fake.wait_for_message_sync(chat, contains="Ecco lo slideshow!")
    chat.send_text("esporta")
    telegram_fake.wait_for_sync(lambda: _video(telegram_fake, chat), timeout=20)
    running.stop()
    assert asyncio.run(_left_over(url)) == ([], [])
    assert len(telegram_fake.calls_to("sendVideo")) == 1


def test_render_in_flight_survives_a_kill_on_postgresql(
    postgres_database, telegram_fake, nemo, tmp_path
):
    nemo.render_seconds = 4
    nemo.script_turn(steps.add_video_track("gita"), steps.text("Pronto."))
    env = bot_env(
        telegram_fake, nemo, tmp_path / "unused.sqlite3", DATABASE_URL=postgres_database()
    )
    log = tmp_path / "bot.log"
    chat = telegram_fake.private_chat()
    first = python_m_bot(env, log)
    try:
        chat.send_text("crea il video della gita")
        telegram_fake.wait_for_message_sync(chat, contains="Pronto.", timeout=30)
        chat.send_text("esporta")
        # A poll means the render was submitted and recorded in the database.
        eventually(lambda: nemo.count("GET", "/api/render/proxy/lambda/"))
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    second = python_m_bot(env, log)
    try:
        video = telegram_fake.wait_for_sync(lambda: _video(telegram_fake, chat), timeout=40)
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0, log.read_text()
    assert video["chat"]["id"] == chat.id
    assert len(telegram_fake.calls_to("sendVideo")) == 1
    assert nemo.count("POST", "/api/render/proxy/lambda") == 1
    assert not (tmp_path / "unused.sqlite3").exists()
    password = urlsplit(env["DATABASE_URL"]).password
    assert password and password not in log.read_text()
