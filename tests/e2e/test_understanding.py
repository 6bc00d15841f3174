"""Understanding people, end to end: unsure messages are asked about, credits never spent
by mistake. Real PTB application, both loopback fakes."""

from __future__ import annotations

from bot.core.router import route
from tests.fakes.nemo import NemoFake, steps
from tests.fakes.telegram import TelegramFake
from tests.fakes.telegram.files import jpeg_bytes

RENDER = ("POST", "/api/render/proxy/lambda")


def _buttons(message: dict) -> dict[str, str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {button["callback_data"]: button["text"] for row in rows for button in row}


def _project_with_a_draft(telegram_fake: TelegramFake, nemo: NemoFake, language: str) -> object:
    nemo.script_turn(steps.add_video_track("vacanze"), steps.text("Fatto, ecco la bozza."))
    chat = telegram_fake.private_chat(language_code=language)
    chat.send_text("crea un video delle vacanze")
    telegram_fake.wait_for_message_sync(chat, contains="ecco la bozza")
    return chat


def _unsure_between_export_and_a_change(candidates: list[str]) -> str:
    """The first line the router cannot tell an export from a change in: the wording that
    does so moves as the router learns; what is tested is what an unsure line gets."""
    unsure = [text for text in candidates if set(route(text).unsure_between) == {"export", "chat"}]
    assert unsure, f"precondition: the router is sure of every one of {candidates}"
    return unsure[0]


def test_an_unsure_message_is_asked_about_and_the_tap_exports(bot, telegram_fake, nemo):
    text = _unsure_between_export_and_a_change(
        ["looks good", "looks good, go", "go for it", "that's it then", "all good"]
    )
    chat = _project_with_a_draft(telegram_fake, nemo, "en")
    chat.send_text(text)
    question = telegram_fake.wait_for_message_sync(chat, contains="change to make first")
    assert question["reply_to_message"]["text"] == text
    assert set(_buttons(question)) == {"pick:export", "pick:chat"}
    assert nemo.count(*RENDER) == 0, "nothing is rendered before the person chooses"
    chat.press_button(question, "pick:export")
    telegram_fake.wait_for_sync(
        lambda: any("video" in m for m in telegram_fake.bot_messages(chat)), timeout=20
    )
    assert nemo.count(*RENDER) == 1
    [session] = nemo.sessions.values()
    assert session.messages == ["crea un video delle vacanze"], "the agent never saw it"
    shown = next(
        m for m in telegram_fake.bot_messages(chat) if m["message_id"] == question["message_id"]
    )
    assert not _buttons(shown), "an answered question cannot be tapped again"


def test_picking_a_change_sends_the_message_to_the_agent(bot, telegram_fake, nemo):
    text = "sì, procedi"
    assert route(text).unsure, "precondition: unsure"
    chat = _project_with_a_draft(telegram_fake, nemo, "it")
    chat.send_text(text)
    question = telegram_fake.wait_for_message_sync(chat, contains="modifica da fare prima")
    nemo.script_turn(steps.text("Ho chiuso con una dissolvenza."))
    chat.press_button(question, "pick:chat")
    telegram_fake.wait_for_message_sync(chat, contains="dissolvenza")
    [session] = nemo.sessions.values()
    assert session.messages == ["crea un video delle vacanze", text]
    assert nemo.count(*RENDER) == 0


def test_a_price_question_shows_the_balance_and_renders_nothing(bot, telegram_fake, nemo):
    chat = _project_with_a_draft(telegram_fake, nemo, "it")
    chat.send_text("quanto costa esportare?")
    answer = telegram_fake.wait_for_message_sync(chat, contains="💳")
    assert "100" in answer["text"]
    assert nemo.count(*RENDER) == 0
    assert nemo.count("GET", "/api/credits/balance/simple") == 1


def test_an_editing_request_that_mentions_export_goes_to_the_agent(bot, telegram_fake, nemo):
    chat = _project_with_a_draft(telegram_fake, nemo, "en")
    nemo.script_turn(steps.text("Sharpened the faces."))
    text = "the export looked blurry, sharpen the faces"
    chat.send_text(text)
    telegram_fake.wait_for_message_sync(chat, contains="Sharpened")
    [session] = nemo.sessions.values()
    assert session.messages[-1] == text
    assert nemo.count(*RENDER) == 0


def test_asking_how_to_send_a_video_gets_the_upload_hint_not_an_export(bot, telegram_fake, nemo):
    chat = _project_with_a_draft(telegram_fake, nemo, "it")
    chat.send_text("posso mandare un video lungo dieci minuti?")
    telegram_fake.wait_for_message_sync(chat, contains="Mandami foto, clip o musica")
    [session] = nemo.sessions.values()
    assert session.messages == ["crea un video delle vacanze"], "the agent was not asked"
    assert nemo.count(*RENDER) == 0


def test_making_it_and_sending_it_renders_the_video(bot, telegram_fake, nemo):
    chat = _project_with_a_draft(telegram_fake, nemo, "en")
    chat.send_text("ok make it and send it")
    telegram_fake.wait_for_sync(
        lambda: any("video" in m for m in telegram_fake.bot_messages(chat)), timeout=30
    )
    assert nemo.count(*RENDER) == 1
    [session] = nemo.sessions.values()
    assert session.messages == ["crea un video delle vacanze"], "no edit was asked for"


def test_a_flood_in_one_chat_is_refused_while_another_chat_is_answered(bot, telegram_fake, nemo):
    nemo.script_turn(steps.add_video_track("lungo"), steps.heartbeats(100, interval=0.05))
    flooding = telegram_fake.private_chat(language_code="en")
    flooding.send_text("make a long video")
    telegram_fake.wait_for_sync(lambda: nemo.count("POST", "/run_sse") == 1)
    for n in range(20):
        flooding.send_text(f"add the title number {n}")
    telegram_fake.wait_for_message_sync(flooding, contains="several of your requests")
    other = telegram_fake.private_chat(language_code="en")
    other.send_text("/credits")
    telegram_fake.wait_for_message_sync(other, contains="💳")
    refusals = [
        m for m in telegram_fake.bot_messages(flooding) if "several of your" in m.get("text", "")
    ]
    assert len(refusals) == 1, "a flood is told once, not once per message"
    assert nemo.count("POST", "/run_sse") == 1, "nothing queued reached the agent meanwhile"
    assert len(nemo.sessions) == 1, "the other chat's credits cost no turn"


def test_a_photo_sent_again_with_a_caption_is_named_and_the_caption_runs(bot, telegram_fake, nemo):
    chat = telegram_fake.private_chat(language_code="en")
    first = chat.send_photo(jpeg_bytes(320, 240, "red"))
    telegram_fake.wait_for_message_sync(chat, contains="✅")
    nemo.script_turn(steps.text("Here is a video of that photo."))
    chat.send_photo_again(first, caption="make a video of this photo")
    telegram_fake.wait_for_message_sync(chat, contains="Here is a video of that photo.")
    again = [
        m
        for m in telegram_fake.bot_messages(chat)
        if "already in the project" in m.get("text", "")
    ]
    assert len(again) == 1
    assert nemo.count("POST", "/api/upload-video") == 1
    [session] = nemo.sessions.values()
    assert session.messages == ["make a video of this photo"]


def test_a_taiwanese_request_to_make_it_and_send_it_renders_the_video(bot, telegram_fake, nemo):
    chat = _project_with_a_draft(telegram_fake, nemo, "zh")
    chat.send_text("這樣可以了 幫我做出來 謝謝")
    telegram_fake.wait_for_sync(lambda: nemo.count(*RENDER) == 1, timeout=30)
    [session] = nemo.sessions.values()
    assert session.messages == ["crea un video delle vacanze"], "no edit was asked for"


def test_the_group_told_the_bot_will_send_it_starts_no_render(bot, telegram_fake, nemo):
    chat = _project_with_a_draft(telegram_fake, nemo, "it")
    nemo.script_turn(steps.text("Certo!"))
    chat.send_text("ragazzi tranquilli che il bot ci manda il video stasera")
    telegram_fake.wait_for_message_sync(chat, contains="Certo!")
    assert nemo.count(*RENDER) == 0


def test_a_send_beside_an_edit_declined_renders_the_video(bot, telegram_fake, nemo):
    chat = _project_with_a_draft(telegram_fake, nemo, "it")
    chat.send_text("basta modifiche, invia")
    telegram_fake.wait_for_sync(lambda: nemo.count(*RENDER) == 1, timeout=30)
    [session] = nemo.sessions.values()
    assert session.messages == ["crea un video delle vacanze"], "no edit was asked for"


def test_the_credits_asked_after_the_export_show_the_balance_not_a_render(
    bot, telegram_fake, nemo
):
    chat = _project_with_a_draft(telegram_fake, nemo, "zh")
    chat.send_text("出成片之后还剩多少积分")
    answer = telegram_fake.wait_for_message_sync(chat, contains="💳")
    assert "100" in answer["text"]
    assert nemo.count(*RENDER) == 0
