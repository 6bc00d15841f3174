"""Self-tests of the fake's drafts, reactions, inline answers, descriptions and video
pictures, driven through python-telegram-bot as the bot drives them."""

import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from telegram import (
    Bot,
    InlineQueryResultCachedVideo,
    InputFile,
    ReactionTypeEmoji,
    ReplyParameters,
)
from telegram.error import BadRequest

from tests.fakes.telegram import TelegramFake
from tests.fakes.telegram.fixtures import checked_fake
from tests.fakes.telegram.native import INLINE_ANSWER_SECONDS

SAMPLE_MP4 = Path(__file__).parent / "assets" / "sample.mp4"


@pytest.fixture
def fake() -> Iterator[TelegramFake]:
    with checked_fake(supports_inline_queries=True) as running:
        yield running


def make_bot(fake: TelegramFake) -> Bot:
    return Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url)


def jpeg(width: int, height: int, *, quality: int = 80, noise: bool = False) -> bytes:
    image = Image.effect_noise((width, height), 120) if noise else Image.new("L", (width, height))
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


async def test_drafts_grow_in_a_private_chat_and_are_refused_in_a_group(fake):
    chat, group = fake.private_chat(), fake.group()
    async with make_bot(fake) as bot:
        await bot.send_message_draft(chat.id, 7, "Sto")
        await bot.send_message_draft(chat.id, 7, "Sto montando")
        with pytest.raises(BadRequest):
            await bot.send_message_draft(group.id, 7, "Sto")
        with pytest.raises(BadRequest):
            await bot.send_message_draft(chat.id, 0, "Sto")
    assert [(d.draft_id, d.text) for d in fake.native.drafts(chat)] == [
        (7, "Sto"),
        (7, "Sto montando"),
    ]
    assert fake.bot_messages(chat) == []  # a draft is no message
    assert len(fake.take_violations()) == 2


async def test_a_reaction_must_be_one_allowed_emoji_on_a_shown_message(fake):
    group = fake.group()
    photo = group.send_text("/raccogli")
    async with make_bot(fake) as bot:
        await bot.set_message_reaction(group.id, photo["message_id"], ReactionTypeEmoji("👍"))
        with pytest.raises(BadRequest):
            await bot.set_message_reaction(group.id, photo["message_id"], "🫠")
        with pytest.raises(BadRequest):
            await bot.set_message_reaction(group.id, 999, "👍")
    assert fake.native.reactions(group) == {photo["message_id"]: ["👍"]}
    assert len(fake.take_violations()) == 2


async def test_inline_answers_come_in_time_with_known_videos(fake):
    chat = fake.private_chat()
    async with make_bot(fake) as bot:
        sent = await bot.send_video(chat.id, SAMPLE_MP4.read_bytes(), filename="v.mp4")
        file_id = sent.video.file_id
        first = fake.native.inline_query(chat.owner, "abc")
        result = InlineQueryResultCachedVideo("abc", file_id, "Il mio video")
        await bot.answer_inline_query(first, [result], cache_time=0, is_personal=True)
        assert fake.native.inline_answer(first)[0]["video_file_id"] == file_id
        with pytest.raises(BadRequest):  # answered already
            await bot.answer_inline_query(first, [])
        too_many = fake.native.inline_query(chat.owner, "abc")
        results = [InlineQueryResultCachedVideo(str(n), file_id, "v") for n in range(51)]
        with pytest.raises(BadRequest):
            await bot.answer_inline_query(too_many, results)
        late = fake.native.inline_query(chat.owner, "abc")
        fake.native._queries[late].at = time.monotonic() - INLINE_ANSWER_SECONDS - 1
        with pytest.raises(BadRequest):
            await bot.answer_inline_query(late, [])
    assert len(fake.take_violations()) == 3


async def test_descriptions_are_kept_per_language_within_their_limits(fake):
    async with make_bot(fake) as bot:
        await bot.set_my_description("Trasformo le foto in video.", language_code="it")
        await bot.set_my_short_description("Foto → video", language_code="it")
        with pytest.raises(BadRequest):
            await bot.set_my_short_description("x" * 121, language_code="en")
        assert (await bot.get_my_description("it")).description == "Trasformo le foto in video."
    assert fake.native.description("it", short=True) == "Foto → video"
    assert fake.native.description("en") == ""
    assert len(fake.take_violations()) == 1


@pytest.mark.parametrize(
    ("thumbnail", "accepted"),
    [
        pytest.param(jpeg(320, 180), True, id="jpeg-320"),
        pytest.param(jpeg(321, 180), False, id="too-wide"),
        pytest.param(jpeg(320, 320, quality=100, noise=True) * 8, False, id="over-200kB"),
    ],
)
async def test_a_video_thumbnail_is_a_small_jpeg(fake, thumbnail, accepted):
    chat = fake.private_chat()
    async with make_bot(fake) as bot:
        send = bot.send_video(
            chat.id,
            SAMPLE_MP4.read_bytes(),
            filename="v.mp4",
            thumbnail=InputFile(thumbnail, filename="thumb.jpg"),
            cover=InputFile(jpeg(1280, 720), filename="cover.jpg"),
        )
        if accepted:
            video = (await send).video
            assert video.thumbnail.width == 320 and video.cover
        else:
            with pytest.raises(BadRequest):
                await send
    assert len(fake.take_violations()) == (0 if accepted else 1)


async def test_a_reply_to_a_missing_message_needs_allow_sending_without_reply(fake):
    chat = fake.private_chat()
    async with make_bot(fake) as bot:
        lenient = ReplyParameters(4242, allow_sending_without_reply=True)
        sent = await bot.send_message(chat.id, "ok", reply_parameters=lenient)
        assert sent.reply_to_message is None
        with pytest.raises(BadRequest):
            await bot.send_message(chat.id, "no", reply_parameters=ReplyParameters(4242))
    assert len(fake.take_violations()) == 1


def test_a_text_link_is_an_entity_over_its_words(fake):
    chat = fake.private_chat()
    sent = chat.send_text("guarda questa clip", text_links={"questa clip": "https://x.it/a.mp4"})
    assert sent["entities"] == [
        {"type": "text_link", "offset": 7, "length": 11, "url": "https://x.it/a.mp4"}
    ]
