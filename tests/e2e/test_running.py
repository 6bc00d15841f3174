"""How the bot is started: `python -m bot` itself, polling and the webhook."""

from __future__ import annotations

import signal

import httpx

from tests.e2e.harness import bot_env, kill, python_m_bot, wait_until_serving
from tests.fakes.nemo import steps


def test_missing_token_stops_with_one_line_naming_it(tmp_path):
    log = tmp_path / "bot.log"
    process = python_m_bot({"DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}"}, log)
    process.wait(timeout=60)
    assert process.returncode == 2
    lines = log.read_text().strip().splitlines()
    assert len(lines) == 1 and "TELEGRAM_BOT_TOKEN" in lines[0]


def test_python_m_bot_answers_and_stops_cleanly_on_sigterm(
    telegram_fake, nemo, tmp_path, database_url
):
    env = bot_env(telegram_fake, nemo, database_url, LOG_LEVEL="INFO")
    log = tmp_path / "bot.log"
    process = python_m_bot(env, log)
    try:
        wait_until_serving(telegram_fake)
        chat = telegram_fake.private_chat(language_code="en")
        chat.send_text("/start")
        assert "Hi!" in telegram_fake.wait_for_message_sync(chat, timeout=20)["text"]
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    finally:
        kill(process)
    stderr = log.read_text()
    assert process.returncode == 0, stderr
    assert telegram_fake.token not in stderr
    assert "can_read_all_group_messages" in stderr


def test_webhook_mode_registers_the_url_and_checks_the_secret(webhook, nemo):
    deployment = webhook(WEBHOOK_SECRET="s3cret-Token_1")
    telegram, url = deployment.telegram, deployment.url
    nemo.script_turn(steps.text("Ciao dal webhook!"))
    with deployment.run():
        info = telegram.webhook_info()
        assert info["url"] == url and info["secret_token"] == "s3cret-Token_1"
        chat = telegram.private_chat()
        chat.send_text("ciao, che si fa oggi?")
        telegram.wait_for_message_sync(chat, contains="Ciao dal webhook!", timeout=20)
        forged = {
            "update_id": 999,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 1, "type": "private"},
                "text": "/crediti",
            },
        }
        wrong = httpx.post(url, json=forged, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
        assert wrong.status_code == 403
    assert nemo.count("GET", "/api/credits") == 0


def test_video_over_the_upload_limit_is_sent_as_a_link(bot, telegram_fake, nemo):
    nemo.video_size_override = 60_000_000
    nemo.script_turn(steps.add_video_track("lungo"), steps.text("Pronto."))
    chat = telegram_fake.private_chat(language_code="en")
    chat.send_text("make a long video")
    telegram_fake.wait_for_message_sync(chat, contains="Pronto.")
    chat.send_text("export")
    answer = telegram_fake.wait_for_message_sync(chat, contains="Download it here", timeout=20)
    assert "/cdn/" in answer["text"] and "60 MB" in answer["text"]
    assert "https://nemovideo.example/workspace/claim?ct=" in answer["text"]
    assert telegram_fake.calls_to("sendVideo") == []


def test_a_video_with_no_size_announced_stops_at_the_upload_limit(bot, telegram_fake, nemo):
    nemo.video_size_override = 120_000_000
    nemo.video_without_length = True
    nemo.script_turn(steps.add_video_track("lungo"), steps.text("Pronto."))
    chat = telegram_fake.private_chat(language_code="en")
    chat.send_text("make a long video")
    telegram_fake.wait_for_message_sync(chat, contains="Pronto.")
    chat.send_text("export")
    answer = telegram_fake.wait_for_message_sync(chat, contains="Download it here", timeout=20)
    assert "/cdn/" in answer["text"]
    assert telegram_fake.calls_to("sendVideo") == []
    assert nemo.video_bytes_sent < 80_000_000  # stopped past 50 MB, not fetched whole
