"""The real bot on PostgreSQL: DATABASE_URL is all a deployment changes.

One journey, not the whole suite twice: the storage tests hold every repository to the
same behaviour on both engines, and end-to-end tests that take the `database_url`
fixture (e.g. the render resumed after a kill in test_restarts.py) run on both. This one
shows `python -m bot` opening, migrating and using a server as deployed.
"""

from __future__ import annotations

import asyncio
import signal
from urllib.parse import urlsplit

from storage import Database
from tests.e2e.harness import bot_env, python_m_bot
from tests.fakes.nemo import steps
from tests.fakes.telegram.files import jpeg_bytes


async def _left_over(url: str) -> tuple[list[str], list[int]]:
    """The renders and inbox updates a next start would pick up."""
    async with await Database.open(url) as db:
        renders = [record.render_id for record in await db.renders.undelivered()]
        return renders, [record.update_id for record in await db.inbox.pending()]


def test_python_m_bot_makes_a_video_on_postgresql(
    postgres_database, telegram_fake, nemo, tmp_path
):
    url = postgres_database()
    nemo.render_seconds = 1
    nemo.script_turn(steps.add_video_track("slideshow"), steps.text("Ecco lo slideshow!"))
    env = bot_env(telegram_fake, nemo, tmp_path / "unused.sqlite3", DATABASE_URL=url)
    log = tmp_path / "bot.log"
    chat = telegram_fake.private_chat()
    bot = python_m_bot(env, log)
    try:
        chat.send_album(
            [jpeg_bytes(320, 240, "red"), jpeg_bytes(320, 240, "blue")],
            caption="crea uno slideshow",
        )
        telegram_fake.wait_for_message_sync(chat, contains="Ecco lo slideshow!", timeout=30)
        chat.send_text("esporta")
        telegram_fake.wait_for_sync(
            lambda: any("video" in m for m in telegram_fake.bot_messages(chat)), timeout=30
        )
    finally:
        bot.send_signal(signal.SIGTERM)
        exit_code = bot.wait(timeout=30)
    assert exit_code == 0, log.read_text()
    assert len(telegram_fake.calls_to("sendVideo")) == 1
    assert asyncio.run(_left_over(url)) == ([], [])
    assert not (tmp_path / "unused.sqlite3").exists()
    password = urlsplit(url).password
    assert password and password not in log.read_text()
