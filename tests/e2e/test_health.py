"""What an operator sees: /healthz, /metrics and JSON logs, from the real bot."""

from __future__ import annotations

import json
import re
import signal

import httpx

from tests.e2e.harness import bot_env, free_port, kill, python_m_bot, wait_until_serving


def _sample(text: str, name: str) -> float:
    """The value of one unlabelled sample in Prometheus's text format."""
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert match, f"{name} is not in /metrics"
    return float(match.group(1))


def test_healthz_and_metrics_on_health_port_see_an_update(start_bot, telegram_fake):
    port = free_port()
    start_bot(HEALTH_PORT=str(port))
    base = f"http://127.0.0.1:{port}"
    # Healthy once a getUpdates has succeeded: the first is answered at its timeout.
    telegram_fake.wait_for_sync(lambda: telegram_fake.calls_to("getUpdates"))
    health = httpx.get(f"{base}/healthz", timeout=10)
    assert health.status_code == 200, health.text
    checks = health.json()["checks"]
    assert {name: check["ok"] for name, check in checks.items()} == {
        "database": True,
        "telegram": True,
        "nemovideo": True,
    }
    assert checks["telegram"]["last_updates_age_seconds"] < 60
    assert telegram_fake.token not in health.text

    before = httpx.get(f"{base}/metrics").text
    telegram_fake.fail_next("sendMessage", status=429, retry_after=1)
    chat = telegram_fake.private_chat(language_code="en")
    chat.send_text("/start")
    telegram_fake.wait_for_message_sync(chat, contains="Hi!", timeout=20)

    def moved(name: str) -> float:
        after = httpx.get(f"{base}/metrics")
        assert after.headers["content-type"].startswith("text/plain; version=")
        return _sample(after.text, name) - _sample(before, name)

    assert telegram_fake.wait_for_sync(lambda: moved("bot_updates_handled_total") >= 1, 10)
    assert moved("bot_telegram_retry_after_total") == 1
    assert _sample(before, "bot_inbox_depth") == 0


def test_healthz_answers_503_when_nemovideo_fails(start_bot, nemo, telegram_fake):
    port = free_port()
    start_bot(HEALTH_PORT=str(port))
    telegram_fake.wait_for_sync(lambda: telegram_fake.calls_to("getUpdates"))  # as above
    nemo.fail_next("GET", "/api/credits", status=503, times=10)
    health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=15)
    assert health.status_code == 503
    checks = health.json()["checks"]
    assert checks["nemovideo"] == {"ok": False, "error": "NemoUnavailable"}
    assert checks["database"]["ok"] and checks["telegram"]["ok"]
    assert telegram_fake.token not in health.text


def test_webhook_mode_serves_health_and_metrics_beside_the_webhook(webhook, tmp_path):
    deployment = webhook(WEBHOOK_SECRET="s3cret-Token_1")
    telegram, base = deployment.telegram, deployment.base
    log = tmp_path / "bot.log"
    process = deployment.python_m_bot(log)
    try:
        before = httpx.get(f"{base}/metrics").text
        chat = telegram.private_chat(language_code="en")
        chat.send_text("/start")
        telegram.wait_for_message_sync(chat, contains="Hi!", timeout=20)
        health = httpx.get(f"{base}/healthz", timeout=10)
        assert health.status_code == 200, health.text
        webhook = health.json()["checks"]["telegram"]
        assert webhook["webhook_set"] and not webhook["delivery_failed_since_last_update"]
        assert "s3cret-Token_1" not in health.text
        after = httpx.get(f"{base}/metrics").text
        handled = "bot_updates_handled_total"
        assert _sample(after, handled) - _sample(before, handled) >= 1
        forged = httpx.post(
            f"{base}/telegram/hook",
            json={"update_id": 1},
            headers={"X-Telegram-Bot-Api-Secret-Token": "nope"},
        )
        assert forged.status_code == 403
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, log.read_text()
    finally:
        kill(process)
    assert "s3cret-Token_1" not in log.read_text()


def test_json_logs_give_one_object_a_line_with_the_update_and_chat(
    telegram_fake, nemo, tmp_path, database_url
):
    env = bot_env(telegram_fake, nemo, database_url, LOG_FORMAT="json")
    log = tmp_path / "bot.log"
    process = python_m_bot(env, log)
    try:
        wait_until_serving(telegram_fake)
        chat = telegram_fake.private_chat()
        chat.send_text("/start")
        telegram_fake.wait_for_message_sync(chat, timeout=20)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    finally:
        kill(process)
    text = log.read_text()
    lines = [json.loads(line) for line in text.splitlines()]
    assert all({"time", "level", "logger", "event", "message"} <= line.keys() for line in lines)
    assert any(line.get("chat_id") == chat.id and "update_id" in line for line in lines), text
    assert telegram_fake.token not in text
