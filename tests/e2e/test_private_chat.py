"""A person in a private chat, end to end: real PTB application, both loopback fakes."""

from __future__ import annotations

import io
from pathlib import Path

import pillow_heif
import pytest
from PIL import Image

from tests.fakes.nemo import NemoFake, steps
from tests.fakes.telegram import TelegramFake
from tests.fakes.telegram.files import jpeg_bytes
from tests.waiting import until_sync

SAMPLE_MP4 = (Path(__file__).parents[1] / "fakes" / "assets" / "sample.mp4").read_bytes()


def sent_texts(telegram: TelegramFake, chat: object) -> list[str]:
    """Every text the bot sent to the chat, status messages included, in order."""
    return [
        str(call.params.get("text", ""))
        for call in telegram.calls
        if call.method in ("sendMessage", "editMessageText")
        and str(call.params.get("chat_id")) == str(chat.id)
    ]


def uploads(nemo: NemoFake) -> list:
    return [
        part for request in nemo.requests_to("POST", "/api/upload-video") for part in request.files
    ]


@pytest.mark.parametrize(
    ("language", "greeting"),
    [
        pytest.param("it", "Ciao!", id="it"),
        pytest.param("en", "Hi!", id="en"),
        pytest.param("zh", "你好", id="zh"),
    ],
)
def test_start_greets_in_the_senders_language(bot, telegram_fake, language, greeting):
    chat = telegram_fake.private_chat(language_code=language)
    chat.send_text("/start")
    assert greeting in telegram_fake.wait_for_message_sync(chat)["text"]


def test_commands_are_registered_per_language_and_audience(bot, telegram_fake):
    def names(scope: str, language: str) -> set[str]:
        registered = telegram_fake.commands({"type": scope}, language)
        return {command["command"] for command in registered}

    assert {"esporta", "crediti", "stato", "nuovo", "lingua", "aiuto"} <= names(
        "all_private_chats", "it"
    )
    assert {"export", "credits", "status", "new", "language", "help"} <= names(
        "all_private_chats", "en"
    )
    assert {"raccogli", "crea"} <= names("all_group_chats", "it")
    assert "nuovo" not in names("all_group_chats", "it")
    assert "nuovo" in names("all_chat_administrators", "it")
    chinese = telegram_fake.commands({"type": "all_private_chats"}, "zh")
    assert any("积分" in command["description"] for command in chinese)


def test_one_photo_is_uploaded_and_acknowledged(bot, telegram_fake, nemo):
    chat = telegram_fake.private_chat()
    photo = jpeg_bytes(640, 480, "red")
    chat.send_photo(photo)
    ack = telegram_fake.wait_for_message_sync(chat, contains="aggiunto")
    assert "1" in ack["text"]
    [part] = uploads(nemo)
    assert part.filename.endswith(".jpg") and part.size == len(photo)


def test_album_of_three_gets_one_acknowledgement(bot, telegram_fake, nemo):
    chat = telegram_fake.private_chat()
    chat.send_album([jpeg_bytes(320, 240, color) for color in ("red", "green", "blue")])
    ack = telegram_fake.wait_for_message_sync(chat, contains="aggiunti")
    assert "3" in ack["text"]
    acks = [m for m in telegram_fake.bot_messages(chat) if "aggiunt" in m.get("text", "")]
    assert len(acks) == 1
    assert len(uploads(nemo)) == 3


def test_album_caption_starts_the_agent_turn(bot, telegram_fake, nemo):
    nemo.script_turn(steps.add_video_track("slideshow"), steps.text("Ecco lo slideshow!"))
    chat = telegram_fake.private_chat()
    caption = "crea uno slideshow con musica italiana"
    chat.send_album([jpeg_bytes(320, 240, "red"), jpeg_bytes(320, 240, "blue")], caption=caption)
    telegram_fake.wait_for_message_sync(chat, contains="Ecco lo slideshow!")
    [session] = nemo.sessions.values()
    assert session.messages == [caption]
    assert len(uploads(nemo)) == 2


def test_heic_document_is_uploaded_as_upright_jpeg(bot, telegram_fake, nemo):
    pillow_heif.register_heif_opener()
    picture = Image.new("RGB", (400, 200), "orange")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: the person held the phone upright
    buffer = io.BytesIO()
    picture.save(buffer, format="HEIF", exif=exif.tobytes())
    chat = telegram_fake.private_chat()
    chat.send_document(buffer.getvalue(), file_name="IMG_0042.HEIC", mime_type="image/heic")
    telegram_fake.wait_for_message_sync(chat, contains="aggiunto")
    [part] = uploads(nemo)
    assert part.filename == "IMG_0042.jpg"
    assert part.content_type == "image/jpeg"


def test_unsupported_file_is_refused_and_nothing_uploaded(bot, telegram_fake, nemo):
    chat = telegram_fake.private_chat()
    chat.send_document(
        b"%PDF-1.7\n" + b"0" * 2000, file_name="preventivo.pdf", mime_type="application/pdf"
    )
    refusal = telegram_fake.wait_for_message_sync(chat, contains="preventivo.pdf")
    assert "JPG" in refusal["text"] and "MP4" in refusal["text"]
    assert uploads(nemo) == []


def test_video_over_the_download_limit_offers_the_link_way(bot, telegram_fake, nemo):
    chat = telegram_fake.private_chat(language_code="en")
    chat.send_video(None, file_size=35_000_000, file_name="holiday.mp4")
    answer = telegram_fake.wait_for_message_sync(chat, contains="holiday.mp4")
    assert "20 MB" in answer["text"] and "link" in answer["text"]
    assert uploads(nemo) == []
    assert telegram_fake.calls_to("getFile") == []


def test_link_is_uploaded_by_url(bot, telegram_fake, nemo):
    chat = telegram_fake.private_chat()
    chat.send_text("carica https://media.example.org/clip.mp4")
    telegram_fake.wait_for_message_sync(chat, contains="aggiunto")
    [request] = nemo.requests_to("POST", "/api/upload-video")
    assert request.json == {"urls": ["https://media.example.org/clip.mp4"], "source_type": "url"}


def test_words_beside_a_link_run_after_its_upload_like_a_caption(bot, telegram_fake, nemo):
    nemo.script_turn(steps.text("Ho messo la clip all'inizio."))
    url = "https://www.dropbox.com/s/q1w2e3/intro.mov?dl=0"
    chat = telegram_fake.private_chat()
    chat.send_text(f"metti questa clip all'inizio {url}")
    # The words need the trained router, which a loaded machine may still be training.
    telegram_fake.wait_for_message_sync(chat, contains="Ho messo la clip all'inizio.", timeout=60)
    [upload] = nemo.requests_to("POST", "/api/upload-video")
    assert upload.json == {"urls": [url], "source_type": "url"}
    [turn] = nemo.requests_to("POST", "/run_sse")
    assert turn.time > upload.time
    assert turn.json["new_message"]["parts"][0]["text"] == "metti questa clip all'inizio"


def test_a_page_link_with_words_asking_to_add_it_is_uploaded_and_nothing_more(
    bot, telegram_fake, nemo
):
    chat = telegram_fake.private_chat(language_code="en")
    chat.send_text("add this one too https://youtu.be/abcDEF12345")
    # The fake, like the cloud, takes no page that is not a media file; the bot asked.
    telegram_fake.wait_for_message_sync(chat, contains="Supported formats")
    [upload] = nemo.requests_to("POST", "/api/upload-video")
    assert upload.json == {"urls": ["https://youtu.be/abcDEF12345"], "source_type": "url"}
    assert nemo.requests_to("POST", "/run_sse") == []


def test_a_link_given_as_a_model_goes_to_the_agent_with_the_link(bot, telegram_fake, nemo):
    nemo.script_turn(steps.text("Ok, stesso ritmo."))
    text = "fallo come questo https://www.instagram.com/reel/Cz9abc/ ma più lento"
    chat = telegram_fake.private_chat()
    chat.send_text(text)
    telegram_fake.wait_for_message_sync(chat, contains="stesso ritmo", timeout=60)
    assert nemo.requests_to("POST", "/api/upload-video") == []
    [turn] = nemo.requests_to("POST", "/run_sse")
    assert turn.json["new_message"]["parts"][0]["text"] == text


def test_chat_turn_is_relayed_without_tool_names(bot, telegram_fake, nemo):
    nemo.script_turn(
        steps.tool_call("search_music", {"mood": "italian"}),
        steps.tool_result("search_music", {"track": "Volare"}),
        steps.text("Ho aggiunto una base italiana allegra."),
    )
    chat = telegram_fake.private_chat()
    chat.send_text("metti una musica italiana allegra")
    reply = telegram_fake.wait_for_message_sync(chat, contains="base italiana")
    assert "search_music" not in " ".join(sent_texts(telegram_fake, chat))
    buttons = [b["callback_data"] for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["next:export", "next:state", "next:credits"]


def test_heartbeat_only_wait_posts_still_working(bot, telegram_fake, nemo):
    nemo.script_turn(steps.heartbeats(40, interval=0.1, form="comment"), steps.text("Finito!"))
    chat = telegram_fake.private_chat()
    chat.send_text("fai un montaggio lungo")
    telegram_fake.wait_for_message_sync(chat, contains="Finito!")
    assert any(text.startswith("⏳") for text in sent_texts(telegram_fake, chat))
    assert telegram_fake.calls_to("sendChatAction")
    assert not any(m.get("text", "").startswith("⏳") for m in telegram_fake.bot_messages(chat))


def test_silent_turn_is_answered_with_the_timeline(bot, telegram_fake, nemo):
    nemo.script_turn(steps.add_video_track("city timelapse", 10_000), steps.heartbeats(2))
    chat = telegram_fake.private_chat(language_code="en")
    chat.send_text("use the timelapse")
    summary = telegram_fake.wait_for_message_sync(chat, contains="Here's your video now:")
    assert "1. Video: city timelapse (0–10s)" in summary["text"]


def test_export_button_in_the_reply_exports(bot, telegram_fake, nemo):
    nemo.script_turn(
        steps.add_video_track("vacanze"),
        steps.text("Video creato! Clicca il pulsante Esporta per scaricarlo."),
    )
    chat = telegram_fake.private_chat()
    chat.send_text("crea un video delle vacanze")
    video = telegram_fake.wait_for_sync(lambda: _video_message(telegram_fake, chat), timeout=20)
    assert telegram_fake.file_bytes(video["video"]["file_id"]) == SAMPLE_MP4
    texts = sent_texts(telegram_fake, chat)
    assert "Video creato!" in texts and not any("Clicca" in text for text in texts)


@pytest.mark.parametrize("shape", ["gateway", "flat"])
def test_esporta_delivers_the_mp4_with_send_video(bot, telegram_fake, nemo, shape):
    nemo.render_shape = shape
    nemo.render_seconds = 4  # long enough for the "⏳ Rendering" status to be posted
    nemo.script_turn(steps.add_video_track("mare"), steps.text("Fatto."))
    chat = telegram_fake.private_chat()
    chat.send_text("crea un video del mare")
    telegram_fake.wait_for_message_sync(chat, contains="Fatto.")
    chat.send_text("esporta")
    video = telegram_fake.wait_for_sync(lambda: _video_message(telegram_fake, chat), timeout=20)
    assert telegram_fake.file_bytes(video["video"]["file_id"]) == SAMPLE_MP4
    # The fake records a call once it has answered it, just after the message appears.
    [call] = telegram_fake.wait_for_sync(lambda: telegram_fake.calls_to("sendVideo"))
    assert call.params["supports_streaming"] in (True, "true", "True")
    assert int(call.params["width"]) == 320 and int(call.params["height"]) == 240
    assert "Il tuo video è pronto!" in video["caption"]
    assert "https://nemovideo.example/workspace/claim?ct=" in video["caption"]
    assert any(text.startswith("⏳") for text in sent_texts(telegram_fake, chat))


def test_export_of_an_empty_project_says_how_to_start(bot, telegram_fake, nemo):
    chat = telegram_fake.private_chat(language_code="en")
    chat.send_text("/export")
    answer = telegram_fake.wait_for_message_sync(chat, contains="nothing to export")
    assert "photos" in answer["text"]
    assert nemo.count("POST", "/api/render/proxy/lambda") == 0


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        pytest.param(
            "it", "crediti", "💳 Sull'account NemoVideo che uso restano 100 crediti.", id="it"
        ),
        pytest.param("zh", "积分", "💳 我所用的 NemoVideo 账户还剩 100 积分。", id="zh"),
        pytest.param(
            "en",
            "/credits",
            "💳 The NemoVideo account I work with has 100 credits left.",
            id="en-command",
        ),
    ],
)
def test_credits_show_the_balance(bot, telegram_fake, nemo, language, text, expected):
    chat = telegram_fake.private_chat(language_code=language)
    chat.send_text(text)
    assert expected in telegram_fake.wait_for_message_sync(chat, contains="💳")["text"]


def test_no_credits_on_an_anonymous_token_links_to_registration(bot, telegram_fake, nemo):
    nemo.fail_next("POST", "/run_sse", status=200, code=2001, message="insufficient credits")
    chat = telegram_fake.private_chat(language_code="en")
    chat.send_text("make a slideshow")
    answer = telegram_fake.wait_for_message_sync(chat, contains="credits")
    assert "https://nemovideo.example/register?bind=anon_" in answer["text"]
    assert "insufficient" not in answer["text"]


def test_export_refused_by_the_plan_links_to_registration(bot, telegram_fake, nemo):
    nemo.script_turn(steps.add_video_track("x"), steps.text("Pronto."))
    chat = telegram_fake.private_chat(language_code="en")
    chat.send_text("make a video")
    telegram_fake.wait_for_message_sync(chat, contains="Pronto.")
    nemo.fail_next("POST", "/api/render/proxy/lambda", status=402, message="upgrade")
    chat.send_text("export")
    answer = telegram_fake.wait_for_message_sync(chat, contains="plan")
    assert "https://nemovideo.example/register?bind=anon_" in answer["text"]
    assert "project is safe" in answer["text"]
    assert telegram_fake.calls_to("sendVideo") == []


def test_file_the_cloud_refuses_lists_the_formats(bot, telegram_fake, nemo):
    nemo.fail_next("POST", "/api/upload-video", status=200, code=4001, message="bad file")
    chat = telegram_fake.private_chat(language_code="en")
    chat.send_photo(jpeg_bytes(100, 100, "red"))
    answer = telegram_fake.wait_for_message_sync(chat, contains="Supported formats")
    assert "JPG, PNG, HEIC" in answer["text"]


def test_second_message_during_a_turn_is_queued_and_answered_after(bot, telegram_fake, nemo):
    nemo.script_turn(steps.heartbeats(10, interval=0.1), steps.text("Primo fatto."))
    nemo.script_turn(steps.text("Secondo fatto."))
    chat = telegram_fake.private_chat()
    chat.send_text("crea un video")
    until_sync(lambda: nemo.count("POST", "/run_sse") == 1)
    chat.send_text("aggiungi un titolo")
    telegram_fake.wait_for_message_sync(chat, contains="Secondo fatto.")
    texts = [m["text"] for m in telegram_fake.bot_messages(chat)]
    working = next(i for i, t in enumerate(texts) if t.startswith("⏳ Sto ancora lavorando"))
    assert working < texts.index("Primo fatto.") < texts.index("Secondo fatto.")
    [session] = nemo.sessions.values()
    assert session.messages == ["crea un video", "aggiungi un titolo"]


def test_stato_shows_the_tracks(bot, telegram_fake, nemo):
    nemo.script_turn(steps.add_video_track("Roma", 8000), steps.text("Ok."))
    chat = telegram_fake.private_chat()
    chat.send_text("video di Roma")
    telegram_fake.wait_for_message_sync(chat, contains="Ok.")
    chat.send_text("/stato")
    assert "Roma (0–8 s)" in telegram_fake.wait_for_message_sync(chat, contains="Roma (")["text"]


def test_button_under_a_reply_runs_its_step(bot, telegram_fake, nemo):
    nemo.script_turn(steps.text("Ciao!"))
    chat = telegram_fake.private_chat()
    chat.send_text("ciao editor, come va?")
    reply = telegram_fake.wait_for_message_sync(chat, contains="Ciao!")
    chat.press_button(reply, "next:credits")
    telegram_fake.wait_for_message_sync(chat, contains="💳")
    assert telegram_fake.calls_to("answerCallbackQuery")


def test_language_command_switches_the_chat(bot, telegram_fake, nemo):
    chat = telegram_fake.private_chat(language_code="it")
    chat.send_text("/lingua en")
    telegram_fake.wait_for_message_sync(chat, contains="English")
    chat.send_text("/start")
    assert "Hi!" in telegram_fake.wait_for_message_sync(chat, contains="Hi!")["text"]


def _video_message(telegram: TelegramFake, chat: object) -> dict | None:
    return next((m for m in telegram.bot_messages(chat) if "video" in m), None)


def test_a_private_chat_gets_about_one_message_a_second(bot, telegram_fake, nemo):
    chat = telegram_fake.private_chat()
    for _ in range(8):
        chat.send_text("/aiuto")
    telegram_fake.wait_for_sync(lambda: len(telegram_fake.bot_messages(chat)) == 8, timeout=30)
    # A burst of three, then one a second: never more than four within one second.
    assert telegram_fake.peak_rate(chat, window=1.0) <= 4


def test_an_instruction_sent_right_after_an_album_finds_it_uploaded(bot, telegram_fake, nemo):
    nemo.script_turn(steps.text("Ho usato le tue 3 foto."))
    chat = telegram_fake.private_chat()
    chat.send_album([jpeg_bytes(320, 240, color) for color in ("red", "green", "blue")])
    chat.send_text("fai uno slideshow con queste foto")
    telegram_fake.wait_for_message_sync(chat, contains="Ho usato le tue 3 foto.")
    [turn] = nemo.requests_to("POST", "/run_sse")
    assert len(uploads(nemo)) == 3
    assert all(request.time < turn.time for request in nemo.requests_to("POST", "/api/upload"))
    texts = [m["text"] for m in telegram_fake.bot_messages(chat)]
    assert texts.index(next(t for t in texts if "aggiunt" in t)) < texts.index(
        "Ho usato le tue 3 foto."
    )
