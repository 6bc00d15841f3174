"""SIGKILL in the middle of an upload: after the restart the file is in the project, once."""

from __future__ import annotations

from tests.e2e.harness import bot_env, kill, python_m_bot, stop, wait_until_serving
from tests.fakes.telegram.files import jpeg_bytes
from tests.waiting import until_sync

UPLOAD = ("POST", "/api/upload-video/nemo_agent/me/")


def test_a_photo_cut_by_a_kill_mid_upload_reaches_the_cloud_once_after_restart(
    telegram_fake, nemo, tmp_path, database_url
):
    # The cloud sits on the upload: the bot is killed while it waits for the answer, so
    # its claim on the photo is never released and the cloud never takes the file.
    nemo.delay_next(*UPLOAD, 20)
    env = bot_env(telegram_fake, nemo, database_url)
    log = tmp_path / "bot.log"
    first = python_m_bot(env, log)
    chat = telegram_fake.private_chat()
    try:
        wait_until_serving(telegram_fake)
        chat.send_photo(jpeg_bytes(320, 240, "red"))
        until_sync(lambda: nemo.count(*UPLOAD))
    finally:
        kill(first)
    [session] = nemo.sessions.values()
    assert session.uploads == []

    second = python_m_bot(env, log)
    try:
        ack = telegram_fake.wait_for_message_sync(chat, contains="✅", timeout=30)
    finally:
        stop(second)
    assert "1" in ack["text"]
    assert len(session.uploads) == 1
    # The cut request and its retry: the file was sent twice, the cloud took it once.
    assert nemo.count(*UPLOAD) == 2
