"""Bad input, end to end: what people and the cloud send that the bot must survive politely.

Each test runs the real application against both loopback fakes and asserts what the person
sees in the chat and what reached the cloud. The fixtures also fail a test whose bot broke
either contract (a 5000-character message, an unknown endpoint...).
"""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pillow_heif
import pytest
from PIL import Image

from tests.fakes.nemo import NemoFake, UploadedPart, steps
from tests.fakes.telegram import TelegramFake
from tests.fakes.telegram.files import jpeg_bytes, voice_bytes

FORMATS = "JPG, PNG, HEIC, WEBP, GIF, MP4, MOV, AVI, WEBM, MKV, MP3, WAV, M4A, AAC"
GARBAGE = b"Questo non e' un'immagine, solo testo qualsiasi. " * 40
SOMETHING_WENT_WRONG = "Something went wrong on my side"


def texts_shown(telegram: TelegramFake, chat: Any) -> list[str]:
    """The texts and captions the chat shows now, oldest first (status messages included)."""
    return [m.get("text", m.get("caption", "")) for m in telegram.bot_messages(chat)]


def every_text_sent(telegram: TelegramFake, chat: Any) -> list[str]:
    """Every text the bot sent or edited into the chat, deleted status messages included."""
    return [
        str(call.params.get("text", ""))
        for call in telegram.calls
        if call.method in ("sendMessage", "editMessageText")
        and str(call.params.get("chat_id")) == str(chat.id)
    ]


def uploads(nemo: NemoFake) -> list[UploadedPart]:
    """Every file part that reached the cloud's upload endpoint."""
    return [part for r in nemo.requests_to("POST", "/api/upload-video") for part in r.files]


def png_bytes(width: int = 48, height: int = 32) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def heic_bytes() -> bytes:
    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, format="HEIF")
    return buffer.getvalue()


def _truncated_heic() -> bytes:
    """The file cut short, as an interrupted transfer leaves it: the box table is gone."""
    data = heic_bytes()
    return data[: len(data) - 50]


def _heic_with_a_flipped_box_version() -> bytes:
    """One byte flipped in the header: libheif reports an "unsupported feature"."""
    data = bytearray(heic_bytes())
    meta = data.index(b"meta")
    data[meta + 4] = 72  # the meta box's version byte
    return bytes(data)


def _answered_callback(telegram: TelegramFake, query_id: str) -> dict | None:
    return next(
        (
            call.params
            for call in telegram.calls_to("answerCallbackQuery")
            if str(call.params.get("callback_query_id")) == query_id
        ),
        None,
    )


# --- files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        pytest.param("it", "vuoto.jpg è vuoto", id="it"),
        pytest.param("en", "vuoto.jpg is empty", id="en"),
    ],
)
def test_zero_byte_file_is_refused_and_nothing_downloaded(
    bot, telegram_fake, nemo, language, expected
):
    chat = telegram_fake.private_chat(language_code=language)
    chat.send_document(b"", file_name="vuoto.jpg", mime_type="image/jpeg")
    refusal = telegram_fake.wait_for_message_sync(chat, contains="vuoto.jpg")
    assert expected in refusal["text"]
    assert uploads(nemo) == []
    assert telegram_fake.calls_to("getFile") == []
    assert not any("✅" in text for text in texts_shown(telegram_fake, chat))


def test_png_named_mp4_is_uploaded_as_the_png_it_is(bot, telegram_fake, nemo):
    picture = png_bytes()
    chat = telegram_fake.private_chat()
    chat.send_document(picture, file_name="vacanze.mp4", mime_type="video/mp4")
    telegram_fake.wait_for_message_sync(chat, contains="aggiunto")
    [part] = uploads(nemo)
    assert (part.filename, part.content_type) == ("vacanze.png", "image/png")
    assert part.size == len(picture)


def test_garbage_named_jpg_is_refused_with_the_formats(bot, telegram_fake, nemo):
    chat = telegram_fake.private_chat(language_code="en")
    chat.send_document(GARBAGE, file_name="foto.jpg", mime_type="image/jpeg")
    refusal = telegram_fake.wait_for_message_sync(chat, contains="foto.jpg")
    assert "not supported" in refusal["text"]
    assert FORMATS in refusal["text"]
    assert uploads(nemo) == []


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(_truncated_heic, id="truncated"),
        pytest.param(_heic_with_a_flipped_box_version, id="unsupported-box-version"),
    ],
)
def test_corrupt_heic_is_refused_politely_and_nothing_uploaded(bot, telegram_fake, nemo, content):
    chat = telegram_fake.private_chat(language_code="en")
    chat.send_document(content(), file_name="IMG_0007.HEIC", mime_type="image/heic")
    refusal = telegram_fake.wait_for_message_sync(chat, contains="IMG_0007.HEIC")
    assert "looks damaged" in refusal["text"]
    assert uploads(nemo) == []
    assert not any(SOMETHING_WENT_WRONG in text for text in texts_shown(telegram_fake, chat))


def test_a_voice_note_is_uploaded_as_mp3(bot, telegram_fake, nemo):
    chat = telegram_fake.private_chat(language_code="en")
    chat.send_voice(voice_bytes(seconds=2.0), duration=2)
    ack = telegram_fake.wait_for_message_sync(chat, contains="✅")
    assert "1" in ack["text"]
    [part] = uploads(nemo)
    assert part.filename.endswith(".mp3")
    assert part.content_type == "audio/mpeg"


def test_a_damaged_voice_note_is_refused_as_damaged_in_a_whole_sentence(bot, telegram_fake, nemo):
    chat = telegram_fake.private_chat(language_code="en")
    chat.send_voice(b"OggS\x00\x02" + bytes(300), duration=2)
    refusal = telegram_fake.wait_for_message_sync(chat, contains="damaged")
    assert refusal["text"] == "I could not read this file: it looks damaged."
    assert uploads(nemo) == []


# --- text and commands ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "caption",
    [pytest.param("/stato", id="bare"), pytest.param("/stato@italiano_video_bot", id="addressed")],
)
def test_caption_command_uploads_then_runs_the_command(bot, telegram_fake, nemo, caption):
    chat = telegram_fake.private_chat()
    chat.send_photo(jpeg_bytes(320, 240, "red"), caption=caption)
    state = telegram_fake.wait_for_message_sync(chat, contains="progetto è ancora vuoto")
    texts = texts_shown(telegram_fake, chat)
    ack = next(i for i, text in enumerate(texts) if "aggiunto" in text)
    assert ack < texts.index(state["text"])
    assert len(uploads(nemo)) == 1
    assert nemo.count("POST", "/run_sse") == 0
    assert [s.messages for s in nemo.sessions.values()] == [[]]


@pytest.mark.parametrize(
    "command",
    [
        pytest.param("/boh", id="bare"),
        pytest.param("/boh@italiano_video_bot", id="addressed"),
        pytest.param("/esportazione subito", id="looks-like-an-intent"),
    ],
)
def test_unknown_command_is_answered_without_the_cloud(bot, telegram_fake, nemo, command):
    chat = telegram_fake.private_chat()
    chat.send_text(command)
    answer = telegram_fake.wait_for_message_sync(chat, contains="Non conosco questo comando")
    assert "/aiuto" in answer["text"]  # the Italian menu's own name for help
    chat.send_text("/start")  # answered after the command: the bot is still up
    telegram_fake.wait_for_message_sync(chat, contains="Ciao!")
    assert nemo.requests == []


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("next:share", id="step-from-an-older-version"),
        pytest.param("v0|export|4711", id="foreign-format"),
    ],
)
def test_button_with_stale_or_foreign_data_is_answered(bot, telegram_fake, nemo, data):
    chat = telegram_fake.private_chat()
    # A message an earlier version of the bot left in the chat, with buttons of its own.
    old = httpx.post(
        f"{telegram_fake.api_url}/bot{telegram_fake.token}/sendMessage",
        json={
            "chat_id": chat.id,
            "text": "Vecchio messaggio",
            "reply_markup": {"inline_keyboard": [[{"text": "Vai", "callback_data": data}]]},
        },
    ).json()["result"]
    query = chat.press_button(old, data)
    answer = telegram_fake.wait_for_sync(lambda: _answered_callback(telegram_fake, query["id"]))
    assert answer.get("text") == "Questo pulsante non è più valido."
    chat.send_text("/start")
    telegram_fake.wait_for_message_sync(chat, contains="Ciao!")
    assert not any(SOMETHING_WENT_WRONG in text for text in texts_shown(telegram_fake, chat))
    assert nemo.requests == []


# --- what the agent and the cloud send ------------------------------------------------------


def _long_reply() -> str:
    paragraph = " ".join(
        f"Scena {n}: le foto del mare di Puglia scorrono lente con una luce calda."
        for n in range(1, 13)
    )
    return "\n\n".join(f"{index}. {paragraph}" for index in range(1, 14))


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(_long_reply(), id="prose"),
        pytest.param("Ecco: " + "ah" * 2600 + " fine.", id="one-long-word"),
    ],
)
def test_long_agent_reply_is_split_without_losing_anything(bot, telegram_fake, nemo, reply):
    assert len(reply) > 4096
    nemo.script_turn(steps.text(reply))
    chat = telegram_fake.private_chat()
    chat.send_text("descrivimi il video nei dettagli")
    telegram_fake.wait_for_sync(lambda: _has_buttons(telegram_fake.bot_messages(chat)[-1:]))
    parts = [m["text"] for m in telegram_fake.bot_messages(chat)]
    assert len(parts) >= 2
    assert all(len(part) <= 4096 for part in parts)
    assert "".join("".join(parts).split()) == "".join(reply.split())
    if max(map(len, reply.split())) < 4096 // 2:  # breaks to cut at: no word is cut
        assert " ".join(parts).split() == reply.split()
    assert [_has_buttons([m]) for m in telegram_fake.bot_messages(chat)][-1]


def _has_buttons(messages: list[dict]) -> bool:
    return any("reply_markup" in message for message in messages)


@pytest.mark.parametrize(
    "frames",
    [
        pytest.param(["data:\n\n", "data: \n\n"], id="empty"),
        pytest.param(["data: <html>502 Bad Gateway</html>\n\n"], id="html"),
        pytest.param(['data: {"content": {"parts": [{"text": "Eh\n\n'], id="cut-json"),
        pytest.param(["data: [1, 2, 3]\n\n", "data: null\n\n", "data: 42\n\n"], id="not-object"),
        pytest.param(["event: progress\nid: 7\nretry: 10\n\n", "dato: x\n\n"], id="odd-fields"),
    ],
)
def test_turn_with_junk_frames_still_completes_with_its_text(bot, telegram_fake, nemo, frames):
    nemo.script_turn(
        steps.text("Sto lavorando."),
        *(steps.raw(frame) for frame in frames),
        steps.heartbeats(1),
        steps.text("Montaggio pronto!"),
    )
    chat = telegram_fake.private_chat()
    chat.send_text("crea un montaggio")
    reply = telegram_fake.wait_for_message_sync(chat, contains="Montaggio pronto!")
    assert reply["text"].split() == ["Sto", "lavorando.", "Montaggio", "pronto!"]
    shown = " ".join(every_text_sent(telegram_fake, chat))
    assert "html" not in shown and "[1, 2, 3]" not in shown and "progress" not in shown


def test_turn_framed_with_crlf_or_cr_line_ends_keeps_its_text(bot, telegram_fake, nemo):
    nemo.script_turn(
        steps.raw('data: {"type": "text", "content": "Riga uno."}\r\n\r\n'),
        steps.raw(": ping\r\n\r\n"),
        steps.raw('data: {"content": {"parts": [{"text": "Riga due."}]}}\r\r'),
    )
    chat = telegram_fake.private_chat()
    chat.send_text("scrivi due righe")
    reply = telegram_fake.wait_for_message_sync(chat, contains="Riga due.")
    assert reply["text"].split() == ["Riga", "uno.", "Riga", "due."]


class _GarblingProxy:
    """A loopback HTTP proxy to the NemoVideo fake that garbles the answers to one path.

    The fake can only inject well-formed JSON errors; a 200 whose body is not JSON at all
    (an HTML page from a load balancer, a body cut short) needs a hop in between.
    """

    def __init__(self, upstream: str, garbled: str, content_type: str, body: bytes) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                proxy.forward(self)

            def do_POST(self) -> None:
                proxy.forward(self)

            def log_message(self, *args: object) -> None:
                pass

        self._upstream = upstream
        self._garbled = garbled
        self._content_type = content_type
        self._body = body
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> _GarblingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def forward(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length") or 0)
        body = handler.rfile.read(length) if length else b""
        if handler.path.startswith(self._garbled):
            status, content_type, answer = 200, self._content_type, self._body
        else:
            skip = {"host", "content-length", "connection", "accept-encoding"}
            headers = {k: v for k, v in handler.headers.items() if k.lower() not in skip}
            upstream = httpx.request(
                handler.command, self._upstream + handler.path, headers=headers, content=body
            )
            status = upstream.status_code
            content_type = upstream.headers.get("content-type", "application/json")
            answer = upstream.content
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(answer)))
        handler.end_headers()
        handler.wfile.write(answer)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        pytest.param("text/html", b"<html><body>502 Bad Gateway nginx</body></html>", id="html"),
        pytest.param("application/json", b'{"code": 0, "data": {"avail', id="cut-json"),
        pytest.param("application/json", b'["available", 80]', id="json-list"),
    ],
)
def test_credits_answer_that_is_not_json_gets_a_clear_error(
    start_bot, telegram_fake, nemo, content_type, body
):
    with _GarblingProxy(nemo.url, "/api/credits/", content_type, body) as proxy:
        start_bot(NEMO_API_URL=proxy.url)
        chat = telegram_fake.private_chat()
        chat.send_text("crediti")
        answer = telegram_fake.wait_for_message_sync(chat, contains="NemoVideo", timeout=20)
    assert answer["text"] == "NemoVideo non risponde in questo momento. Riprova tra poco."
    shown = " ".join(every_text_sent(telegram_fake, chat))
    assert "💳" not in shown
    assert "502" not in shown and "avail" not in shown and "{" not in shown


def test_credits_envelope_without_data_gets_a_clear_error(bot, telegram_fake, nemo):
    # {"code": 200, "message": "...", "data": null}: a success code, and no balance in it.
    nemo.fail_next("GET", "/api/credits", status=200, message="OK")
    chat = telegram_fake.private_chat()
    chat.send_text("/crediti")
    answer = telegram_fake.wait_for_message_sync(chat, contains="NemoVideo")
    assert answer["text"] == "C'è stato un problema con NemoVideo. Riprova."
    assert not any("💳" in text for text in every_text_sent(telegram_fake, chat))


def _draft_with_unknown_fields(draft: dict[str, Any]) -> None:
    draft.clear()
    draft.update(
        {
            "v": "3.1-beta",
            "canvas": {"w": 1080, "h": 1920, "bg": None},
            "d": 9000,
            "t": [
                {
                    "tt": 0,
                    "id": "trk_1",
                    "lock": True,
                    "fx": [{"kind": "ken_burns", "k": [0.1, 0.2]}],
                    "sg": [
                        {"d": 4000, "m": {"name": "Trulli", "exif": {"iso": 100}}, "z": [1]},
                        {"st": 4000, "d": 5000, "m": {"name": "Mare"}, "tr": {"t": "fade"}},
                    ],
                },
                {"tt": 1, "sg": [{"d": 9000, "m": {"name": "Tarantella", "v": 35}}], "x": {}},
                {"tt": 7, "sg": [{"d": 3000, "m": {"text": "Estate in Puglia"}}]},
                {"tt": 42, "sg": [{"d": "lungo", "m": ["strano"]}], "m": {"name": "Sticker"}},
                {"tt": 0, "sg": []},
                "not a track",
                {"tt": 1, "sg": {"not": "a list"}},
                None,
            ],
            "unknown_list": [{"deep": {"deeper": [1, 2, {"x": None}]}}],
        }
    )


def test_silent_turn_on_a_draft_with_unknown_fields_still_shows_the_timeline(
    bot, telegram_fake, nemo
):
    nemo.script_turn(steps.change_draft(_draft_with_unknown_fields), steps.heartbeats(2))
    chat = telegram_fake.private_chat(language_code="en")
    chat.send_text("make it feel like summer")
    summary = telegram_fake.wait_for_message_sync(chat, contains="Here's your video now:")["text"]
    assert "1. Video: Trulli (0–9s)" in summary
    assert "2. Music: Tarantella (0–9s, volume 35%)" in summary
    assert "3. Text: “Estate in Puglia” (0–3s)" in summary
    assert "4. Other: Sticker (0–0s)" in summary
    assert len(summary.splitlines()) == 5
    chat.send_text("/status")
    state = telegram_fake.wait_for_sync(
        lambda: _starting_with(telegram_fake, chat, "Here's your video so far:")
    )
    assert state.split("\n", 1)[1] == summary.split("\n", 1)[1]


def _starting_with(telegram: TelegramFake, chat: Any, start: str) -> str | None:
    return next((t for t in texts_shown(telegram, chat) if t.startswith(start)), None)


def test_state_answer_that_is_not_json_is_not_an_empty_project(start_bot, telegram_fake, nemo):
    html = b"<html><body>502 Bad Gateway nginx</body></html>"
    with _GarblingProxy(nemo.url, "/api/state/", "text/html", html) as proxy:
        start_bot(NEMO_API_URL=proxy.url)
        chat = telegram_fake.private_chat()
        chat.send_text("/stato")
        answer = telegram_fake.wait_for_message_sync(chat, timeout=20)
    assert "vuoto" not in answer["text"]
    assert answer["text"] == "NemoVideo non risponde in questo momento. Riprova tra poco."
