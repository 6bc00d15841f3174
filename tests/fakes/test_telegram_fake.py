"""Self-tests of the fake Bot API, driven through the real python-telegram-bot stack."""

import asyncio
import contextlib
import io
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    InputMediaVideo,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    EndPointNotFound,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from tests.fakes.telegram import TelegramFake
from tests.fakes.telegram.files import jpeg_bytes
from tests.fakes.telegram.fixtures import checked_fake
from tests.fakes.telegram.markup import MarkupError, detect_entities, parse_markup

SAMPLE_MP4 = Path(__file__).parent / "assets" / "sample.mp4"


@pytest.fixture
def fake() -> Iterator[TelegramFake]:
    with checked_fake() as running:
        yield running


def make_bot(fake: TelegramFake, **options) -> Bot:
    return Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url, **options)


def build_app(fake: TelegramFake) -> Application:
    return (
        ApplicationBuilder()
        .token(fake.token)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )


@contextlib.asynccontextmanager
async def polling(app: Application) -> AsyncIterator[Application]:
    """run_polling's lifecycle, inside the test's event loop."""
    async with app:
        await app.updater.start_polling(timeout=timedelta(seconds=2))
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


# --- updates and handlers ------------------------------------------------------------------


async def test_echo_round_trip_through_get_updates(fake):
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(f"eco: {update.message.text}")

    app = build_app(fake)
    app.add_handler(MessageHandler(filters.TEXT, echo))
    chat = fake.private_chat()

    async with polling(app):
        chat.send_text("ciao 😀")
        reply = await fake.wait_for_message(chat, contains="eco:")

    assert reply["text"] == "eco: ciao 😀"
    assert reply["from"]["username"] == "italiano_video_bot"
    methods = [call.method for call in fake.calls]
    assert methods[:3] == ["getMe", "deleteWebhook", "getUpdates"]
    assert fake.pending_updates() == []  # the shutdown poll confirmed the offset


async def test_command_suffix_for_this_bot_only(fake):
    seen = []

    async def video(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(context.args[0])
        await update.message.reply_text(f"ok {context.args[0]}")

    app = build_app(fake)
    app.add_handler(CommandHandler("video", video))
    chat = fake.private_chat()

    async with polling(app):
        chat.send_text("/video@italiano_video_bot uno")
        chat.send_text("/video@other_bot due")
        chat.send_text("/video tre")
        await fake.wait_for_message(chat, contains="ok tre")

    assert seen == ["uno", "tre"]


async def test_callback_button_round_trip(fake):
    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer("Esporto…")
        await update.callback_query.edit_message_text(f"scelto {update.callback_query.data}")

    app = build_app(fake)
    app.add_handler(CallbackQueryHandler(pressed))
    chat = fake.private_chat()
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Esporta", callback_data="export")]])

    async with polling(app):
        sent = await app.bot.send_message(chat.id, "Che faccio?", reply_markup=keyboard)
        chat.press_button(sent.message_id, "export")
        edited = await fake.wait_for_message(chat, contains="scelto export")

    assert "reply_markup" not in edited  # editing without reply_markup drops the keyboard
    assert [call.status for call in fake.calls_to("answerCallbackQuery")] == [200]


def test_privacy_mode_hides_group_chatter(fake):
    group = fake.group()
    bot_message = group.send_text("/start")  # commands always arrive
    group.send_text("ciao a tutti, ecco le foto")
    group.send_text("@italiano_video_bot guarda")
    group.send_text("/start@other_bot")
    group.send_photo(jpeg_bytes(), caption="/crea@italiano_video_bot")

    delivered = [
        u["message"].get("text", u["message"].get("caption")) for u in fake.pending_updates()
    ]
    assert delivered == ["/start", "/crea@italiano_video_bot"]
    assert len(fake.messages(group)) == 5  # people still see everything
    assert bot_message["chat"]["type"] == "group"

    group.set_member_status("administrator")
    group.send_text("adesso vedo tutto")
    kinds = [next(k for k in u if k != "update_id") for u in fake.pending_updates()]
    assert kinds[-2:] == ["my_chat_member", "message"]


async def test_album_arrives_as_separate_updates(fake):
    photos: list = []
    complete = asyncio.Event()

    async def collect(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        photos.append(update.message)
        if len(photos) == 3:
            complete.set()

    app = build_app(fake)
    app.add_handler(MessageHandler(filters.PHOTO, collect))
    chat = fake.private_chat()
    colors = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]

    async with polling(app):
        chat.send_album([jpeg_bytes(color=c) for c in colors], caption="crea uno slideshow")
        await asyncio.wait_for(complete.wait(), 10)

    assert len({message.media_group_id for message in photos}) == 1
    assert [message.caption for message in photos] == ["crea uno slideshow", None, None]
    assert photos[0].photo[-1].width == 64


async def test_group_objects_parse_in_ptb(fake):
    group = fake.group(with_bot=False)
    group.add_bot_to_group()

    async with make_bot(fake) as bot:
        joined, welcome = await bot.get_updates()
        album = await bot.send_media_group(
            group.id,
            [InputMediaPhoto(jpeg_bytes()), InputMediaVideo(SAMPLE_MP4.read_bytes())],
            caption="Ecco",
        )
        owner = await bot.get_chat_member(group.id, group.owner.id)
        admins = await bot.get_chat_administrators(group.id)
        count = await bot.get_chat_member_count(group.id)
        chat = await bot.get_chat(group.id)

    assert joined.my_chat_member.new_chat_member.status == "member"
    assert welcome.message.new_chat_members[0].id == fake.bot_id
    assert len({message.media_group_id for message in album}) == 1
    assert (album[0].caption, album[1].video.file_size) == ("Ecco", SAMPLE_MP4.stat().st_size)
    assert (owner.status, [a.status for a in admins], count) == ("creator", ["creator"], 2)
    assert chat.title == group.title


# --- files ---------------------------------------------------------------------------------


async def test_get_file_downloads_the_exact_bytes(fake):
    chat = fake.private_chat()
    heic = b"\x00\x00\x00\x18ftypheic" + bytes(range(256)) * 40
    document = chat.send_document(heic, file_name="IMG_0001.HEIC", mime_type="image/heic")
    photo = jpeg_bytes(300, 200)
    sizes = chat.send_photo(photo)["photo"]

    async with make_bot(fake) as bot:
        downloaded = io.BytesIO()
        file = await bot.get_file(document["document"]["file_id"])
        await file.download_to_memory(downloaded)
        largest = await (await bot.get_file(sizes[-1]["file_id"])).download_as_bytearray()

    assert downloaded.getvalue() == heic
    assert file.file_path.endswith(".HEIC")
    assert bytes(largest) == photo
    assert [(s["width"], s["height"]) for s in sizes] == [(90, 60), (300, 200)]


async def test_file_over_20_mb_is_too_big_in_the_cloud(fake):
    chat = fake.private_chat()
    video = chat.send_video(None, file_size=30_000_000)["video"]

    async with make_bot(fake) as bot:
        with pytest.raises(BadRequest, match="File is too big"):
            await bot.get_file(video["file_id"])


async def test_local_mode_serves_big_files_by_path(tmp_path):
    big = tmp_path / "long.mp4"
    with big.open("wb") as out:
        out.truncate(25_000_000)  # sparse: no 25 MB in memory or on disk

    with checked_fake(local_mode=True) as fake:
        chat = fake.private_chat()
        video = chat.send_video(big)["video"]
        async with make_bot(fake, local_mode=True) as bot:
            file = await bot.get_file(video["file_id"])
            sent = await bot.send_video(chat.id, SAMPLE_MP4)

    assert file.file_path == str(big)
    assert file.file_size == 25_000_000
    assert fake.calls_to("sendVideo")[0].params["video"] == SAMPLE_MP4.resolve().as_uri()
    assert fake.file_bytes(sent.video.file_id) == SAMPLE_MP4.read_bytes()


async def test_send_video_multipart_records_bytes_and_meta(fake):
    chat = fake.private_chat()
    mp4 = SAMPLE_MP4.read_bytes()

    async with make_bot(fake) as bot:
        sent = await bot.send_video(
            chat.id,
            mp4,
            filename="video.mp4",
            width=320,
            height=240,
            duration=2,
            supports_streaming=True,
            caption="✅ Video pronto!",
        )

    shown = fake.bot_messages(chat)[-1]
    assert (sent.video.width, sent.video.height, sent.video.file_size) == (320, 240, len(mp4))
    assert shown["caption"] == "✅ Video pronto!"
    assert fake.file_bytes(shown["video"]["file_id"]) == mp4
    call = fake.calls_to("sendVideo")[-1]
    assert call.params["supports_streaming"] is True
    assert call.files["video"]["size"] == len(mp4)


async def test_upload_over_50_mb_is_413(fake):
    chat = fake.private_chat()
    async with make_bot(fake) as bot:
        with pytest.raises(NetworkError, match="Request Entity Too Large"):
            await bot.send_document(chat.id, bytes(50_000_001), filename="big.bin")
    assert fake.bot_messages(chat) == []


# --- errors PTB must map -------------------------------------------------------------------


async def test_429_is_retried_by_aioratelimiter(fake):
    chat = fake.private_chat()
    fake.fail_next("sendMessage", retry_after=1)
    limited = ExtBot(
        fake.token, base_url=fake.base_url, rate_limiter=AIORateLimiter(max_retries=1)
    )

    async with limited:
        await limited.send_message(chat.id, "ciao")

    assert [call.status for call in fake.calls_to("sendMessage")] == [429, 200]
    assert len(fake.bot_messages(chat)) == 1


async def test_429_without_a_limiter_raises_retry_after(fake):
    chat = fake.private_chat()
    fake.fail_next("sendChatAction", retry_after=3)
    async with make_bot(fake) as bot:
        with pytest.raises(RetryAfter, match="Retry in 3 seconds"):
            await bot.send_chat_action(chat.id, "upload_video")


async def test_migration_raises_chat_migrated(fake):
    group = fake.group()
    supergroup = group.migrate_to_supergroup()

    async with make_bot(fake) as bot:
        with pytest.raises(ChatMigrated) as raised:
            await bot.send_message(group.id, "⏳ Rendering…")
        await bot.send_message(raised.value.new_chat_id, "⏳ Rendering…")

    assert raised.value.new_chat_id == supergroup.id
    assert fake.bot_messages(supergroup)[-1]["text"] == "⏳ Rendering…"
    service = [u["message"] for u in fake.pending_updates()]
    assert service[0]["migrate_to_chat_id"] == supergroup.id
    assert service[1]["migrate_from_chat_id"] == group.id


async def test_edit_with_identical_text_is_not_modified(fake):
    chat = fake.private_chat()
    async with make_bot(fake) as bot:
        sent = await bot.send_message(chat.id, "⏳ 10%")
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text("⏳ 10%", chat.id, sent.message_id)
        await bot.edit_message_text("⏳ 50%", chat.id, sent.message_id)

    assert [m["text"] for m in fake.bot_messages(chat)] == ["⏳ 50%"]
    assert "edit_date" in fake.bot_messages(chat)[0]


async def test_wrong_token_is_unauthorized(fake):
    impostor = Bot("7000000001:wrong", base_url=fake.base_url)
    with pytest.raises(InvalidToken):
        async with impostor:  # initialize() calls getMe, and shuts down when it fails
            pass


async def test_slow_answer_times_out_but_delivers(fake):
    chat = fake.private_chat()
    fake.delay_next("sendMessage", 1.0)
    impatient = make_bot(fake, request=HTTPXRequest(read_timeout=0.2))
    async with impatient:
        with pytest.raises(TimedOut):
            await impatient.send_message(chat.id, "✅ Video pronto!")
    assert fake.bot_messages(chat)[0]["text"] == "✅ Video pronto!"


# --- contract checks -----------------------------------------------------------------------


async def test_violations_catch_contract_breaches(fake):
    chat = fake.private_chat()
    async with make_bot(fake) as bot:
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(chat.id, "a" * 4097)
        with pytest.raises(BadRequest, match="Can't parse entities"):
            await bot.send_message(chat.id, "1 < 2", parse_mode="HTML")
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(424242, "ciao")
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", chat.id, 999)
        with pytest.raises(BadRequest, match="Bot_command_invalid"):
            await bot.set_my_commands([("新建", "Nuovo progetto")])
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("sendHologram", {"chat_id": chat.id})

    violations = fake.take_violations()
    assert len(violations) == 6
    assert "4097 characters exceeds 4096" in violations[0]
    assert fake.bot_messages(chat) == []


async def test_commands_are_stored_per_scope_and_language(fake):
    async with make_bot(fake) as bot:
        await bot.set_my_commands([("nuovo", "Nuovo progetto")], language_code="it")
        assert await bot.get_my_commands() == ()
        [command] = await bot.get_my_commands(language_code="it")

    assert command.command == "nuovo"
    assert fake.commands(language_code="it") == [
        {"command": "nuovo", "description": "Nuovo progetto"}
    ]


async def test_group_flood_limit_and_counter():
    with checked_fake(enforce_flood_limits=True) as fake:
        group = fake.supergroup()
        async with make_bot(fake) as bot:
            for _ in range(20):
                await bot.send_chat_action(group.id, "typing")
            with pytest.raises(RetryAfter):
                await bot.send_message(group.id, "uno di troppo")
        assert fake.peak_rate(group) == 20


async def test_webhook_delivery_with_secret_token():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text("ricevuto")

    with checked_fake(local_mode=True) as fake:
        app = build_app(fake)
        app.add_handler(MessageHandler(filters.TEXT, echo))
        chat = fake.private_chat()
        async with app:
            await app.updater.start_webhook(
                listen="127.0.0.1",
                port=port,
                url_path="hook",
                webhook_url=f"http://127.0.0.1:{port}/hook",
                secret_token="s3cret",
            )
            await app.start()
            chat.send_text("ciao")
            await fake.wait_for_message(chat, contains="ricevuto")
            await app.updater.stop()
            await app.stop()

    assert fake.webhook_info()["secret_token"] == "s3cret"
    assert fake.webhook_info()["last_error_message"] is None


def test_sync_waiting_from_another_thread(fake):
    chat = fake.private_chat()
    url = f"{fake.base_url}{fake.token}/sendMessage"
    sender = threading.Thread(
        target=httpx.post, args=(url,), kwargs={"json": {"chat_id": chat.id, "text": "ciao"}}
    )
    sender.start()
    message = fake.wait_for_message_sync(chat, contains="ciao")
    sender.join()
    assert message["chat"]["id"] == chat.id


# --- formatting, checked without a server ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mode", "shown", "kinds"),
    [
        pytest.param("<b>Ciao</b> &lt;3 &amp; co", "HTML", "Ciao <3 & co", ["bold"], id="html"),
        pytest.param(
            '<a href="https://x.it/?a=1&b=2">qui</a>',
            "HTML",
            "qui",
            ["text_link"],
            id="html-link-with-ampersand",
        ),
        pytest.param(
            '<pre><code class="language-python">x</code></pre>',
            "HTML",
            "x",
            ["pre"],
            id="html-pre-language",
        ),
        pytest.param("&nbsp;5 & 6", "HTML", "&nbsp;5 & 6", [], id="html-stray-ampersand"),
        pytest.param(
            "*Pronto\\!* _1\\.5_ s",
            "MarkdownV2",
            "Pronto! 1.5 s",
            ["bold", "italic"],
            id="mdv2-escapes",
        ),
        pytest.param(
            "[apri](https://nemovideo.com/p\\)1)",
            "MarkdownV2",
            "apri",
            ["text_link"],
            id="mdv2-link",
        ),
        pytest.param(
            "*b* [t](http://x) a.b-c",
            "Markdown",
            "b t a.b-c",
            ["bold", "text_link"],
            id="legacy-markdown",
        ),
    ],
)
def test_parse_modes_accept_valid_markup(text, mode, shown, kinds):
    visible, entities = parse_markup(text, mode)
    assert visible == shown
    assert [entity["type"] for entity in entities] == kinds


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        pytest.param("1 < 2", "HTML", id="html-bare-less-than"),
        pytest.param("riga<br>riga", "HTML", id="html-br"),
        pytest.param("<b>grassetto", "HTML", id="html-unclosed"),
        pytest.param("<b>x</i>", "HTML", id="html-mismatch"),
        pytest.param("Pronto!", "MarkdownV2", id="mdv2-unescaped-bang"),
        pytest.param("file_name.mp4", "MarkdownV2", id="mdv2-underscore"),
        pytest.param("file_name.mp4", "Markdown", id="legacy-underscore"),
    ],
)
def test_parse_modes_reject_what_telegram_rejects(text, mode):
    with pytest.raises(MarkupError, match="can't parse entities"):
        parse_markup(text, mode)


def test_detected_entities_count_utf16_units():
    entities = detect_entities("😀 /video@italiano_video_bot @marco_rossi https://x.it/v.mp4.")
    assert [(e["type"], e["offset"], e["length"]) for e in entities] == [
        ("bot_command", 3, 25),
        ("mention", 29, 12),
        ("url", 42, 18),
    ]
    assert detect_entities("/新建 progetto") == []
