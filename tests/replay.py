"""Replay Bot API updates captured elsewhere through the real bot, to see what it answers.

    uv run python -m tests.replay UPDATE.json [UPDATE.json ...] [--media DIR]

Tests make their own inputs; this is for trying the bot by hand on inputs nobody on the
project wrote (e.g. updates other projects captured from Telegram). It starts both loopback
fakes and ``python -m bot`` as deployed, then pushes each update and prints every request the
bot made because of it, and any Bot API contract the bot broke.

A captured update names chats, people and files that exist only on Telegram, so each one is
re-homed first, as a replay must be: its chat becomes a fresh fake chat of the same type (one
per captured chat id, so a captured album stays one chat), its sender that chat's owner, its
``message_id`` the chat's next one, and each ``file_id`` a file of the fake's. With ``--media``
the files get real bytes chosen by kind and MIME type from that directory (see ``_STAND_INS``);
without it they are declared by size only, so a download finds nothing to read.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.e2e.harness import deployment_env, python_m_bot
from tests.fakes.nemo import NemoFake
from tests.fakes.telegram import TelegramFake
from tests.fakes.telegram.chats import FakeChat

# Which file of --media stands in for a captured file, by field and then MIME type prefix.
_STAND_INS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "photo": (("", ("photo_800.jpg", "exif_orientation_6.jpg")),),
    "document": (
        ("image/png", ("rgba.png",)),
        ("image/heic", ("iphone13pro_landscape.heic",)),
        ("image/", ("exif_orientation_8.jpg",)),
        ("video/quicktime", ("iphone_rotated.mov",)),
        ("video/", ("android_3gp4.mp4",)),
        ("audio/", ("voice_opus.ogg",)),
        ("", ("hamlet.pdf",)),
    ),
    "video": (("video/quicktime", ("iphone_rotated.mov",)), ("", ("android_3gp4.mp4",))),
    "video_note": (("", ("android_3gp4.mp4",)),),
    "animation": (("", ("image.gif",)),),
    "voice": (("", ("voice_opus.ogg",)),),
    "audio": (("", ("voice_opus.ogg",)),),
    "sticker": (("", ("rgba.webp",)),),
}
_QUIET_SECONDS = 2.0


def read_update(path: Path) -> tuple[str, dict[str, Any]]:
    """The update's kind and payload; a bare ``Message`` object counts as a message update."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if "update_id" not in data:
        return "message", data
    kinds = [key for key in data if key != "update_id"]
    if len(kinds) != 1:
        raise ValueError(f"{path.name}: an update has exactly one kind, not {kinds}")
    return kinds[0], data[kinds[0]]


class Rehomer:
    """Gives captured updates fake chats, senders, message ids and files of their own."""

    def __init__(self, telegram: TelegramFake, media: Path | None) -> None:
        self._telegram = telegram
        self._media = media
        self._chats: dict[int, FakeChat] = {}

    def queue(self, kind: str, payload: dict[str, Any]) -> None:
        """Queue the update, re-homed; queries go through the fake's own people, who alone
        can make a query id the fake accepts an answer to."""
        if kind == "inline_query":
            user = self._telegram.user(language_code=payload.get("from", {}).get("language_code"))
            self._telegram.native.inline_query(user, str(payload.get("query", "")))
        elif kind == "callback_query" and isinstance(payload.get("message"), dict):
            message = self.rehome(payload["message"])
            chat = self._telegram.chat(message["chat"]["id"])
            chat.press_button(message, str(payload.get("data", "")))
        else:
            self._telegram.push_update(kind, self.rehome(payload))

    def rehome(self, payload: dict[str, Any]) -> dict[str, Any]:
        payload = copy.deepcopy(payload)
        captured = payload.get("chat")
        if not isinstance(captured, dict) or captured.get("type") == "channel":
            return payload  # reactions, boosts, channel posts: no fake chat to post in
        chat = self._chat(captured, payload.get("from"))
        payload["chat"] = chat.as_dict()
        sender = payload.get("from")
        if isinstance(sender, dict):
            is_bot = sender.get("is_bot")
            payload["from"] = self._telegram._state.bot_user() if is_bot else chat.owner.as_dict()
        if isinstance(payload.get("reply_to_message"), dict):
            payload["reply_to_message"]["chat"] = chat.as_dict()
        self._replace_files(payload)
        if "message_id" not in payload:
            return payload
        content = {k: v for k, v in payload.items() if k not in ("message_id", "chat", "date")}
        sender = content.pop("from", chat.owner.as_dict())
        state = self._telegram._state
        return copy.deepcopy(state.new_message(chat, sender, content, None))

    def _chat(self, captured: dict[str, Any], sender: Any) -> FakeChat:
        key = captured["id"]
        if key not in self._chats:
            language = sender.get("language_code") if isinstance(sender, dict) else None
            kind = captured.get("type")
            if kind == "private":
                chat = self._telegram.private_chat(language_code=language or "it")
            elif kind == "group":
                chat = self._telegram.group(captured.get("title", "Gruppo"))
            elif captured.get("is_forum"):
                chat = self._telegram.forum(captured.get("title", "Forum"), general_closed=False)
            else:
                chat = self._telegram.supergroup(captured.get("title", "Supergruppo"))
            self._chats[key] = chat
        return self._chats[key]

    def _replace_files(self, message: dict[str, Any]) -> None:
        state = self._telegram._state
        for field, rules in _STAND_INS.items():
            captured = message.get(field)
            if isinstance(captured, list) and captured:  # a photo's PhotoSize ladder
                path = self._pick(field, rules, "")
                if path is not None:
                    message[field] = state.register_photo(path)
                else:
                    message[field] = [
                        {**size, **state.register("photo", None, size["file_size"], None)}
                        for size in captured
                    ]
            elif isinstance(captured, dict):
                mime = str(captured.get("mime_type", ""))
                path = self._pick(field, rules, mime)
                size = None if path else int(captured.get("file_size") or 1)
                stored = state.register(field, path, size, captured.get("file_name"))
                captured.update(stored)
                for thumb in ("thumbnail", "thumb"):
                    if isinstance(captured.get(thumb), dict):
                        small = state.register("photo", None, captured[thumb]["file_size"], None)
                        captured[thumb].update(small)

    def _pick(self, field: str, rules: tuple, mime: str) -> Path | None:
        if self._media is None:
            return None
        for prefix, names in rules:
            if mime.startswith(prefix):
                for name in names:
                    if (self._media / name).is_file():
                        return self._media / name
        return None


def _describe(call: Any) -> str:
    params = call.params
    text = params.get("text") or params.get("caption") or ""
    buttons = [
        button.get("text", "")
        for row in (params.get("reply_markup") or {}).get("inline_keyboard", [])
        for button in row
    ]
    shown = " ".join(str(text).split())[:160]
    extra = f"  [{' | '.join(buttons)}]" if buttons else ""
    return f"  {call.status} {call.method} {shown}{extra}".rstrip()


def _answers(telegram: TelegramFake) -> list[Any]:
    """Every request the bot made but its polls."""
    return [call for call in telegram.calls if call.method.lower() != "getupdates"]


def _wait_until_quiet(telegram: TelegramFake, seen: int, limit: float) -> list[Any]:
    """The bot's requests after the first ``seen``, once it has made none for a while."""
    deadline = time.monotonic() + limit
    last_change, count = time.monotonic(), seen
    while time.monotonic() < deadline:
        if len(calls := _answers(telegram)) != count:
            last_change, count = time.monotonic(), len(calls)
        elif time.monotonic() - last_change >= _QUIET_SECONDS:
            break
        time.sleep(0.1)
    return _answers(telegram)[seen:]


def replay(paths: list[Path], media: Path | None, wait: float) -> int:
    """Replay ``paths`` in order; returns how many contract violations the bot caused."""
    with (
        TelegramFake() as telegram,
        NemoFake() as nemo,
        tempfile.TemporaryDirectory() as workdir,
    ):
        log = Path(workdir) / "bot.log"
        bot = python_m_bot(deployment_env(telegram, nemo, Path(workdir) / "bot.sqlite3"), log)
        try:
            telegram.wait_for_sync(lambda: telegram.calls_to("getUpdates"), timeout=30)
            rehomer = Rehomer(telegram, media)
            seen = len(_answers(telegram))
            for path in paths:
                kind, payload = read_update(path)
                rehomer.queue(kind, payload)
                print(f"{path.name} ({kind})")
                calls = _wait_until_quiet(telegram, seen, wait)
                seen += len(calls)
                for call in calls:
                    print(_describe(call))
                if not calls:
                    print("  (no answer)")
        finally:
            bot.terminate()
            bot.wait(timeout=30)
        for violation in telegram.violations:
            print(f"VIOLATION {violation}")
        problems = [
            line for line in log.read_text().splitlines() if " ERROR " in line or "Error:" in line
        ]
        print(f"bot log: {len(problems)} error line(s)", *problems, sep="\n  ")
        return len(telegram.violations) + len(problems)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("updates", nargs="+", type=Path, help="captured update JSON files")
    parser.add_argument("--media", type=Path, help="a directory of stand-in media files")
    parser.add_argument("--wait", type=float, default=60, help="seconds to wait per update")
    args = parser.parse_args(argv)
    paths = sorted(p for p in args.updates if p.suffix == ".json")
    return 1 if replay(paths, args.media, args.wait) else 0


if __name__ == "__main__":
    sys.exit(main())
