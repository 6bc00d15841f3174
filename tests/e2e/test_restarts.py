"""The bot killed mid-work (SIGKILL, no goodbye) and started again."""

from __future__ import annotations

import signal
import subprocess

from tests.e2e.harness import bot_env, eventually, python_m_bot
from tests.fakes import nemo_server as steps


def _kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def _stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def test_render_in_flight_is_delivered_after_a_kill_and_restart(telegram_fake, nemo, tmp_path):
    nemo.render_seconds = 4
    nemo.script_turn(steps.add_video_track("gita"), steps.text("Pronto."))
    env = bot_env(telegram_fake, nemo, tmp_path / "bot.sqlite3")
    first = python_m_bot(env, tmp_path / "bot.log")
    chat = telegram_fake.private_chat()
    try:
        chat.send_text("crea il video della gita")
        telegram_fake.wait_for_message_sync(chat, contains="Pronto.", timeout=30)
        chat.send_text("esporta")
        # A poll means the render was submitted and recorded in storage.
        eventually(lambda: nemo.count("GET", "/api/render/proxy/lambda/"))
    finally:
        _kill(first)
    assert telegram_fake.calls_to("sendVideo") == []
    second = python_m_bot(env, tmp_path / "bot.log")
    try:
        video = telegram_fake.wait_for_sync(
            lambda: next((m for m in telegram_fake.bot_messages(chat) if "video" in m), None),
            timeout=40,
        )
    finally:
        _stop(second)
    assert video["chat"]["id"] == chat.id
    assert len(telegram_fake.calls_to("sendVideo")) == 1
    assert nemo.count("POST", "/api/render/proxy/lambda") == 1


def test_turn_cut_by_a_kill_is_reported_not_resent(telegram_fake, nemo, tmp_path):
    nemo.script_turn(steps.add_video_track("mare"), steps.heartbeats(200, interval=0.1))
    env = bot_env(telegram_fake, nemo, tmp_path / "bot.sqlite3")
    first = python_m_bot(env, tmp_path / "bot.log")
    chat = telegram_fake.private_chat(language_code="en")
    try:
        chat.send_text("make a long video of the sea")
        eventually(lambda: nemo.count("POST", "/run_sse") == 1)
    finally:
        _kill(first)
    second = python_m_bot(env, tmp_path / "bot.log")
    try:
        notice = telegram_fake.wait_for_message_sync(chat, contains="restarted", timeout=30)
    finally:
        _stop(second)
    assert "1. Video: mare" in notice["text"]
    assert nemo.count("POST", "/run_sse") == 1
