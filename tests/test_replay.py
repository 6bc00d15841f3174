"""The replay tool re-homes captured updates so the fake (and so the bot) can take them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from tests.fakes.telegram import TelegramFake
from tests.replay import Rehomer, read_update

CAPTURED_ALBUM_ITEM = {
    "update_id": 449012338,
    "message": {
        "message_id": 60,
        "from": {"id": 1609506098, "is_bot": False, "first_name": "Mark", "language_code": "en"},
        "chat": {"id": 1609506098, "first_name": "Mark", "type": "private"},
        "date": 1776972122,
        "media_group_id": "14215776976937444",
        "photo": [
            {"file_id": "AgACAgQAAxk", "file_unique_id": "AQAD", "file_size": 1745, "width": 90},
        ],
        "caption": "rrrr",
    },
}


def test_a_bare_message_is_a_message_update(tmp_path: Path) -> None:
    path = tmp_path / "bare.json"
    path.write_text(json.dumps(CAPTURED_ALBUM_ITEM["message"]))
    assert read_update(path) == ("message", CAPTURED_ALBUM_ITEM["message"])
    path.write_text(json.dumps({"update_id": 1, "message": {}, "edited_message": {}}))
    with pytest.raises(ValueError, match="exactly one kind"):
        read_update(path)


def test_a_captured_photo_gets_a_fake_chat_sender_and_real_bytes(tmp_path: Path) -> None:
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(picture, "JPEG")
    (tmp_path / "photo_800.jpg").write_bytes(picture.getvalue())
    with TelegramFake() as telegram:
        kind, payload = read_update(_write(tmp_path, CAPTURED_ALBUM_ITEM))
        first = Rehomer(telegram, tmp_path).rehome(payload)
        again = Rehomer(telegram, tmp_path).rehome(payload)
        chat = telegram.chat(first["chat"]["id"])
        assert kind == "message" and chat.type == "private"
        assert first["from"] == chat.owner.as_dict() != payload["from"]
        assert first["media_group_id"] == payload["media_group_id"]
        assert telegram.file_bytes(first["photo"][-1]["file_id"]) == picture.getvalue()
        assert telegram.messages(chat)[-1]["message_id"] == first["message_id"]
        assert again["chat"]["id"] != first["chat"]["id"]  # each replay has its own chats


def _write(directory: Path, update: dict) -> Path:
    path = directory / "update.json"
    path.write_text(json.dumps(update))
    return path
