"""Action routing: the labelled table as a whole, the unsure API, and robustness."""

import pickle
import subprocess
import sys
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core import router
from bot.core.actions import Action
from bot.core.router import ROUTABLE, Router, Routing, classify, route, warm_up
from bot.core.routing import cache, examples
from tests.conftest import REPORT
from tests.core.routing_table import LANGUAGES, TABLE, kfold_accuracy, measure

EXPORT, CREDITS, STATE, UPLOAD, CHAT = (
    Action.EXPORT,
    Action.CREDITS,
    Action.STATE,
    Action.UPLOAD,
    Action.CHAT,
)


def test_table_has_enough_lines_in_every_language_and_label():
    assert len(TABLE) >= 1200
    for language in LANGUAGES:
        rows = [row for row in TABLE if row.language == language]
        assert len(rows) >= 400, language
        assert {row.label for row in rows} == set(ROUTABLE), language
    texts = [row.text.casefold() for row in TABLE]
    assert len(texts) == len(set(texts)), "a line twice weighs twice"


def test_router_learns_the_table_without_exporting_by_mistake(record_property):
    accuracy = measure(route)
    record_property(REPORT, accuracy.line())
    # 2026-12-07: 96.9 % on 9,882 lines (98.5 % on 4,636 before nine voices of minimal
    # pairs, slang and group chats; an unsure line counts as a miss, and 289 are asked).
    # Session 6: 97.4 % on 11,030 lines (voices 16-17, rules of its first round).
    assert accuracy.overall >= 0.97, accuracy.line()
    assert accuracy.wrong_exports == 0, accuracy.misroutes


def test_router_generalises_to_lines_it_was_not_trained_on(record_property):
    accuracy = kfold_accuracy()
    record_property(REPORT, accuracy.line())
    # 2026-12-07, fifth voice (4,429 lines) and the rules for two steps, declined edits,
    # conditions and homophones: 94.7 % (it 95.4, en 94.1, zh 94.6); was 93.1 % on 3,828.
    # 2026-12-06 (router4), sixth voice (4,636 lines, 208 new hard negatives, page links
    # and indirect exports) and the rules for page links, the video wished otherwise and
    # export words as subjects: ~94.7 % (it 94.8, en 93.9, zh 95.2); floors kept, as the
    # harder new lines took back what the rules gained (before this round: 94.6 % on
    # the 4,428 lines without the sixth voice).
    # 2026-12-07, voices seven to fifteen (9,882 lines, written blind from the labels'
    # definitions; leave-one-voice-out 93.3 %) and this session's rules (the person
    # sending, another time, making the video, the video named alone, questions about the
    # bot, sharing): 93.5 % (it 93.5, en 93.1, zh 94.0), and 6 lines routed to an export by
    # mistake, all from the new voices' hard negatives ("成片最多两分钟", "no send now
    # please, I am at church"): a floor, not a target.
    # Session 6, round 1 (voices 16-17, 11,030 lines; making the video carried or named
    # before, Taiwan and Hong Kong script, haste and reasons): 94.8 % (it 94.8, en 94.1,
    # zh 95.5), the same 6 false exports. Round 2 (voices 18-19, 12,187 lines): 94.7 %
    # (it 94.6, en 94.1, zh 95.2), 6.
    assert accuracy.overall >= 0.945, accuracy.line()
    for language in LANGUAGES:
        assert accuracy.right[language] >= 0.935 * accuracy.total[language], accuracy.line()
    assert accuracy.wrong_exports <= 6, accuracy.misroutes


def test_training_is_deterministic():
    again = Router(examples.load())
    assert [again.route(row.text) for row in TABLE] == [route(row.text) for row in TABLE]


def test_importing_the_router_does_not_train_it():
    code = "import bot.core.router as r; print(r._shipped is None)"
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    assert result.stdout.strip() == "True"


def test_warm_up_trains_once_from_any_thread():
    threads = [threading.Thread(target=warm_up) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    trained = router._shipped
    assert trained is not None
    warm_up()
    assert router._shipped is trained


def test_a_malformed_table_line_names_its_number(tmp_path):
    table = tmp_path / "examples.tsv"
    table.write_text("# header\nit\texport\tesporta\nit\tesporta\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"examples.tsv:3"):
        examples.load(table)


# --- asking when unsure -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("ok", id="it-bare-ok"),
        pytest.param("grazie mille", id="it-thanks"),
        pytest.param("wrap it up", id="en-no-export-word"),
        pytest.param("looks good", id="en-approval-only"),
        pytest.param("make it 1080p and export", id="en-edit-beside-export"),
        pytest.param("non voglio esportarlo ancora", id="it-negated-wanting"),
        pytest.param("aspetta a esportare", id="it-wait"),
        pytest.param("non farmelo scaricare ancora", id="it-negated-light-verb"),
        pytest.param("no need to export, keep editing", id="en-no-need"),
        pytest.param("等一下再导出", id="zh-wait"),
        pytest.param("i want the video to feel nostalgic", id="en-want-the-video-to-feel"),
        pytest.param("render finale: più luminoso", id="it-export-word-and-comparative"),
        pytest.param("export it, brighter", id="en-export-word-and-comparative"),
    ],
)
def test_a_borderline_export_is_never_an_export(text):
    routing = route(text)
    assert routing.action is not EXPORT
    assert classify(text) is not EXPORT


def test_an_export_ish_line_without_an_export_word_is_asked_about():
    routing = route("wrap it up")
    assert routing.unsure
    assert routing.action is CHAT
    assert EXPORT in routing.unsure_between


@pytest.mark.parametrize(
    "text",
    [
        *("esporta", "mandamelo", "export it rn", "ship it", "导出视频", "弄好了发我"),
        *("/esporta", "ok send", "me lo spedisci?", "给我吧", "esportalo in qualità più alta"),
    ],
)
def test_a_clear_export_request_is_a_confident_export(text):
    assert route(text) == Routing(EXPORT)


@pytest.mark.parametrize(
    "text",
    [
        "ok ora produci il video finale",
        "alright, create the final video",
        "final video pls",
        "mp4 asap grazie",
        "puoi inviare",
        "快发快发",
        "ok make it and send it",
        "fallo e mandamelo",
        "finalize and export pls",
        "just send it already",
        "i would like to receive the video now",
    ],
)
def test_making_or_naming_the_video_alone_asks_for_it(text):
    assert route(text) == Routing(EXPORT)


@pytest.mark.parametrize(
    "text",
    [
        "fai un video con le foto del mare",
        "make the video 30 seconds long",
        "video",
        "make it brighter and send it",
        "i already downloaded it",
    ],
)
def test_making_a_video_of_something_or_one_word_is_never_an_export(text):
    assert route(text).action is not EXPORT


@pytest.mark.parametrize("text", ["视频给我", "把文件给我", "成品发我"])
def test_the_video_before_the_verb_is_still_its_object(text):
    assert route(text) == Routing(EXPORT)


@pytest.mark.parametrize(
    "text",
    [
        "quanto costa esportare?",
        "what does an export cost?",
        "导出要多少积分",
        "导出收费吗",
        "导出贵不贵",
        "is downloading charged?",
    ],
)
def test_a_price_question_gets_the_balance(text):
    assert route(text) == Routing(CREDITS)


@pytest.mark.parametrize(
    "text",
    [
        "the export looked blurry, sharpen the faces",
        "nel video finale metti i crediti dei fotografi",
        "下载一首歌放进去",
        "esporta le didascalie in bianco",
        "export the captions in yellow",
        "render the text bigger",
        "导出字幕",
        "把标题渲染成金色",
    ],
)
def test_an_editing_request_naming_an_intent_goes_to_the_agent(text):
    assert route(text) == Routing(CHAT)


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("先导出，然后告诉我还剩多少积分", EXPORT),
        ("esportalo e poi dimmi quanti crediti restano", EXPORT),
        ("dimmi a che punto sei e poi esportalo", STATE),
        ("先告诉我还有多少积分，然后再导出", CREDITS),
        ("先把背景音乐调小，然后导出给我", CHAT),
        ("change the song and then export", CHAT),
    ],
)
def test_of_two_steps_the_first_is_the_request(text, action):
    assert route(text).action is action


@pytest.mark.parametrize(
    "text", ["不用改了，直接导出", "non cambiare niente, esportalo", "no more changes, export it"]
)
def test_a_declined_edit_does_not_hold_back_the_export_after_it(text):
    assert route(text) == Routing(EXPORT)


@pytest.mark.parametrize(
    "text",
    [
        "如果导出要很久就先缩短一点",
        "se lo esporti in 4k rallenta il finale",
        "等一下，再导出",
        "先不要出片",
        "照片到处乱跳，稳一点",
    ],
)
def test_a_conditional_waiting_or_negated_export_is_never_an_export(text):
    assert route(text).action is not EXPORT


@pytest.mark.parametrize(
    "text",
    [
        "la prossima volta esportalo in verticale",
        "next week we export, no hurry",
        "下周再导出就行",
        "before exporting, swap the first two photos",
        "导出之前先把字幕改大",
        "magari domani lo esportiamo",
        "how does exporting work, does it take long?",
        "导出是怎么运作的",
        "where does the mp4 end up once you export it?",
        "di solito quanto ci mette l'esportazione?",
        "导出一般要几分钟",
        "唔好住匯出",
    ],
)
def test_an_export_for_another_time_or_spoken_of_is_never_an_export(text):
    assert route(text).action is not EXPORT


@pytest.mark.parametrize(
    "text",
    [
        "come faccio a inviare i filmati dal computer?",
        "posso mandare un video lungo dieci minuti?",
        "can i send you a video from my laptop?",
        "how do i send the rest of the pics",
        "视频怎么传给你",
        "is there a way to send you a whole folder of pics?",
    ],
)
def test_asking_how_to_send_something_is_an_upload_question(text):
    assert route(text) == Routing(UPLOAD)


@pytest.mark.parametrize(
    "text",
    [
        "posso avere il video?",
        "can i have the video now",
        "可以发给我了吗",
        "how do i get the video?",
    ],
)
def test_the_person_asking_to_receive_the_video_still_exports(text):
    assert route(text) == Routing(EXPORT)


@pytest.mark.parametrize(
    "text", ["is it expensive to export?", "do i need to top up first?", "要充值吗"]
)
def test_expense_and_topping_up_are_about_the_balance(text):
    assert route(text) == Routing(CREDITS)


@pytest.mark.parametrize("text", ["道出视频", "视屏发我", "下栽视频"])
def test_an_ime_homophone_reads_as_the_word_it_sounds_like(text):
    assert route(text) == Routing(EXPORT)


def test_traditional_characters_read_as_the_simplified_by_sound():
    assert route("導出要錢嗎") == Routing(CREDITS)


@pytest.mark.parametrize(
    "text", ["怎么把视频弄到手机上", "put it on my phone", "come lo scarico?"]
)
def test_asking_for_the_video_on_the_phone_is_an_export(text):
    assert route(text).action is EXPORT or EXPORT in route(text).unsure_between


def test_unsure_candidates_are_two_different_actions_and_never_run_an_export():
    for row in TABLE:
        routing = route(row.text)
        if routing.unsure:
            assert len(set(routing.unsure_between)) == 2, row.text
            assert routing.action is not EXPORT, row.text


# --- robustness ---------------------------------------------------------------------------


@pytest.mark.parametrize("row", TABLE[::7], ids=lambda row: row.text[:40])
def test_routes_ignore_case_and_trailing_emoji(row):
    assert route(row.text.upper()) == route(row.text)
    assert route(f"{row.text} 🙂!!") == route(row.text)


@pytest.mark.parametrize(
    "text",
    [
        "/esporta@italiano_video_bot in 1080p",
        "  /EXPORT  ",
        "/export@Italiano_Video_Bot",
    ],
)
def test_commands_route_with_arguments_and_bot_name(text):
    assert route(text) == Routing(EXPORT)


def test_a_command_decides_even_before_an_editing_verb():
    assert route("/stato aggiungi musica") == Routing(STATE)


def test_an_upload_needs_a_link_or_the_word():
    assert classify("un video lungo") is CHAT
    # Nor is it a reading worth asking about without a link to fetch.
    assert not route("un video lungo").unsure


def test_a_link_that_is_not_media_inside_an_instruction_is_chat():
    text = "usa lo stile di questo reel https://www.instagram.com/reel/abc123/"
    assert classify(text) is CHAT


# Words from the table, mixed with anything: reaches every rule, not only the fallback.
TABLE_WORDS = sorted({word for row in TABLE for word in row.text.split()})
WORDS = st.sampled_from([*TABLE_WORDS, "/esporta@bot", "«", "»", '"', "'", "🙂", "，", "?"])


@given(st.text())
def test_route_never_raises_on_arbitrary_text(text):
    assert route(text).action in Action


@given(st.lists(st.one_of(WORDS, st.text(max_size=5)), max_size=12))
def test_route_never_raises_on_mixed_known_words(words):
    routing = route(" ".join(words))
    assert routing.action in Action
    assert routing.action is not EXPORT or not routing.unsure


def test_the_router_trained_by_the_bots_trainer_process_routes_like_this_one(tmp_path):
    pickled = subprocess.run(
        [sys.executable, "-m", "bot.core.routing.train", str(tmp_path)],
        check=True,
        capture_output=True,
    ).stdout
    rows = TABLE[::10]
    for trained in (pickle.loads(pickled), cache.load(tmp_path)):
        assert trained is not None
        assert [trained.route(row.text) for row in rows] == [route(row.text) for row in rows]


@pytest.mark.parametrize(
    ("unsure_between", "offered"),
    [
        ((Action.EXPORT, Action.CHAT), (Action.EXPORT, Action.CHAT)),
        ((Action.EXPORT, Action.STATE), (Action.EXPORT, Action.STATE, Action.CHAT)),
    ],
)
def test_a_question_always_offers_a_change_for_the_agent(unsure_between, offered):
    assert Routing(Action.CHAT, unsure_between).choices == offered
