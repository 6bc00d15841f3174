"""The rules of routing on their own: links and the words beside them."""

import subprocess
import sys

import pytest

from bot.core.actions import Action
from bot.core.routing import words
from bot.core.routing.rules import beside_links, read


@pytest.mark.parametrize(
    "text",
    [
        "usa questo video https://www.dropbox.com/s/8fj2k/matrimonio?dl=0",
        "metti questa clip all'inizio https://streamable.com/x7k2p",
        "https://youtu.be/dQw4w9WgXcQ mettilo nel montaggio",
        "aggiungi il mio tiktok https://www.tiktok.com/@giulia.r/video/7312345678901234567",
        "add this one too https://drive.google.com/file/d/1pQrStUv/view",
        "can you use my insta reel? https://www.instagram.com/reel/C1a2b3c4/",
        "grab the video from here https://we.tl/t-Zz99YyXx",
        "加上这个 https://pan.baidu.com/s/1aBcDeFg",
        "这个片段加到最后 https://streamable.com/q9w8e",
        "用这个视频 https://www.bilibili.com/video/BV1xx411c7mD",
    ],
)
def test_a_page_link_beside_words_asking_to_add_it_is_an_upload(text):
    assert read(text).decided is Action.UPLOAD


@pytest.mark.parametrize(
    "text",
    [
        "usa lo stile di questo reel https://www.instagram.com/reel/abc123/",
        "fallo come questo https://www.instagram.com/reel/Cz9abc/ ma più lento",
        "make it look like this https://www.youtube.com/watch?v=styleRef1",
        "照着这个风格做 https://v.douyin.com/styleXY/",
        "non usare questo link https://drive.google.com/file/d/1Zx9/view",
        "don't use this one https://www.dropbox.com/s/q1w2e3/old?dl=0",
        "别用这个链接 https://pan.baidu.com/s/1aBcDeFg",
    ],
)
def test_a_link_refused_or_given_as_a_model_goes_to_the_agent(text):
    assert read(text).decided is Action.CHAT


def test_wanting_is_not_likeness():
    assert read("i'd like this one added https://youtu.be/abc").decided is Action.UPLOAD


@pytest.mark.parametrize(
    "text",
    [
        "aggiungi anche questo https://youtu.be/abc",
        "ecco il link https://we.tl/t-abc",
        "use these photos, thanks! https://photos.app.goo.gl/k2JHn8",
        "这个也加进去 https://pan.baidu.com/s/1abc",
        "https://youtu.be/abc mettilo nel montaggio",
    ],
)
def test_words_asking_only_for_the_upload_leave_nothing_to_run(text):
    assert beside_links(text, ["https://" + text.split("https://")[1].split()[0]]) is None


@pytest.mark.parametrize(
    ("text", "link", "rest"),
    [
        (
            "metti questa clip all'inizio https://streamable.com/x7k2p",
            "https://streamable.com/x7k2p",
            "metti questa clip all'inizio",
        ),
        (
            "https://youtu.be/abc add it after the beach part",
            "https://youtu.be/abc",
            "add it after the beach part",
        ),
        ("把这个放到开头 https://v.douyin.com/x/", "https://v.douyin.com/x/", "把这个放到开头"),
    ],
)
def test_words_saying_more_than_add_this_are_the_instruction(text, link, rest):
    assert beside_links(text, [link]) == rest


def test_what_the_rules_decide_is_routed_before_the_model_is_trained():
    code = (
        "import bot.core.router as r;"
        "print(r.route('aggiungi anche questo https://youtu.be/abc').action.value,"
        " r._shipped is None)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    assert result.stdout.split() == ["upload", "True"]


@pytest.mark.parametrize(
    ("text", "word"),
    [("就按现在的样子导出", "导出"), ("道出视频", "视频"), ("直接给我下载链接吧", "下载")],
)
def test_a_word_read_by_sound_never_splits_a_word_spelt_right(text, word):
    assert word in [unit.words[0] for unit in words.units(words.runs(text))]


@pytest.mark.parametrize(
    "text",
    [
        "voglio il video in verticale",
        "i want the video with the old song",
        "fammi vedere il video con la musica nuova",
        "vorrei il video muto",
    ],
)
def test_the_video_described_after_a_wanting_or_showing_verb_is_no_export_cue(text):
    assert "deliver>export" not in read(text).cues
    assert "show>export" not in read(text).cues
    assert read(text).verdict is not Action.EXPORT


@pytest.mark.parametrize(
    "text",
    [
        "mandami il video in hd",
        "lo voglio sul telefono stasera",
        "voglio il video per stasera",
        "i need the video for tonight",
    ],
)
def test_where_when_or_how_well_still_asks_for_the_video(text):
    assert read(text).verdict is Action.EXPORT


@pytest.mark.parametrize(
    "text",
    ["the render is too dark to see anything", "l'export era sgranato", "il download non parte"],
)
def test_an_export_word_the_sentence_speaks_of_is_no_request(text):
    reading = read(text)
    assert "export" not in reading.cues
    assert reading.verdict is not Action.EXPORT


@pytest.mark.parametrize("text", ["il video finito lo voglio verticale", "vorrei il video muto"])
def test_the_video_wished_otherwise_holds_back_an_export(text):
    assert read(text).held_back


@pytest.mark.parametrize("text", ["fai l'export", "start the export", "voglio vederlo"])
def test_a_verb_before_the_export_or_wanting_to_see_it_still_asks(text):
    assert not read(text).held_back


@pytest.mark.parametrize(
    "text",
    [
        "esporta le didascalie in bianco",
        "scarica la musica da youtube e mettila",
        "export the subtitles as srt",
        "render the text bigger",
        "download some stock footage of the sea",
        "导出字幕",
        "把字幕导出成白色",
        "下载一首歌放进去",
    ],
)
def test_an_export_word_acting_on_a_part_of_the_video_asks_for_an_edit(text):
    reading = read(text)
    assert reading.verdict is Action.CHAT
    assert reading.held_back
    assert "export>content" in reading.cues


@pytest.mark.parametrize(
    "text",
    ["esporta il video con i sottotitoli", "export it with subtitles", "导出视频", "esportalo"],
)
def test_an_export_of_the_video_with_its_parts_is_still_an_export(text):
    reading = read(text)
    assert "export>content" not in reading.cues
    assert not reading.held_back


@pytest.mark.parametrize(
    "text", ["ok send", "mandami", "me lo spedisci?", "给我吧", "ok va bene, mandami", "dammi"]
)
def test_a_sending_verb_alone_sends_the_video(text):
    assert read(text).verdict is Action.EXPORT


@pytest.mark.parametrize(
    "text", ["nailed it. send", "looks great, send", "questo è per la nonna, manda"]
)
def test_a_sending_verb_alone_in_its_clause_beside_praise_sends_the_video(text):
    assert read(text).verdict is Action.EXPORT


@pytest.mark.parametrize(
    "text",
    [
        *("send to mom", "voglio", "non mandare", "mandami la musica", "ok send the song"),
        *("togli la foto 3, manda", "ok i'll send"),
    ],
)
def test_a_sending_verb_with_more_to_say_is_not_a_bare_send(text):
    assert read(text).verdict is not Action.EXPORT


@pytest.mark.parametrize(
    "text",
    [
        "generalo pure",
        "fallo partire",
        "daje fallo uscì",
        "go ahead and produce it",
        "ci siamo, rendilo e mandamelo",
        "把视频做出来发我",
        "请生成最终视频并发送给我",
        "做成视频给我吧",
        "合成视频发我",
        "不改了不改了，生成吧",
        "這樣可以了 幫我做出來 謝謝",
        "fallo uscire sto video raga",
        "go ahead and make the final one",
    ],
)
def test_making_the_video_carried_or_named_before_is_the_export(text):
    assert "make>export" in read(text).cues


@pytest.mark.parametrize(
    "text",
    [
        "fallo più corto",
        "fai partire la musica dal secondo 10",
        "produce it with music",
        "make it 1080p and export",
        "把字幕做出来",
        "把这两段合成一段",
        "做成黑白的",
        "che tipo di video sai fare?",
        "教会活动的视频做完了吗",
        "rendilo più nitido",
        "字幕自动生成",
        "生成一个新的片头",
    ],
)
def test_making_it_otherwise_or_making_a_part_is_no_export(text):
    assert "make>export" not in read(text).cues


@pytest.mark.parametrize("text", ["ok perfetto, fallo", "sì fallo", "fatelo"])
def test_do_it_alone_may_answer_the_agent_so_it_is_held_back(text):
    assert read(text).held_back


@pytest.mark.parametrize(
    "text",
    ["mandatemi il video finito", "inviatemelo pure", "me lo trasmetta, grazie"],
)
def test_speaking_to_a_team_or_formally_still_sends_the_video(text):
    assert read(text).verdict is Action.EXPORT


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [("幫我做出來", "帮我做出来"), ("影片傳給我", "视频传给我"), ("匯出", "导出")],
)
def test_taiwan_and_hong_kong_chinese_read_as_the_mainland_words(traditional, simplified):
    assert read(traditional).text == read(simplified).text


@pytest.mark.parametrize(
    "text",
    ["周日再发出去", "ci penso stasera se esportarlo", "ok, i'll tell you when to export"],
)
def test_a_day_named_or_a_decision_to_come_holds_an_export_back(text):
    assert read(text).held_back


@pytest.mark.parametrize(
    "text",
    [
        "send it before i lose signal",
        "ok dai esporta che domani è la festa della maestra",
        "che aspetti a mandarmelo?",
        "nn cambiare niente mandalo cosi",
        "non modificare più niente e mandami il video",
    ],
)
def test_haste_a_reason_or_nothing_left_to_change_asks_for_the_video_now(text):
    reading = read(text)
    assert reading.verdict is Action.EXPORT and not reading.held_back


@pytest.mark.parametrize(
    "text",
    ["domani mandalo", "before exporting, add music", "aspetta, non mandarlo", "niente export"],
)
def test_a_time_before_the_request_or_a_refusal_still_holds_it_back(text):
    assert read(text).held_back


@pytest.mark.parametrize(
    "text",
    [
        "等机器人剪好了我发群里",
        "做好我会发群里",
        "ragazzi tranquilli che il bot ci manda il video stasera",
        "guys the bot's sending the video tonight chill",
    ],
)
def test_the_person_or_the_bot_as_the_subject_of_sending_asks_for_nothing(text):
    reading = read(text)
    assert reading.verdict is Action.CHAT
    assert not {"deliver>export", "export"}.intersection(reading.cues)


@pytest.mark.parametrize("text", ["发群里", "bot mandami il video", "机器人 发我成片"])
def test_the_bot_called_by_name_is_still_asked(text):
    assert read(text).verdict is Action.EXPORT


def test_after_the_export_a_question_asks_about_the_credits():
    assert read("出成片之后还剩多少积分").verdict is Action.CREDITS


@pytest.mark.parametrize("text", ["导出之后发我", "导出后发我"])
def test_export_then_send_is_still_the_export(text):
    assert read(text).verdict is Action.EXPORT


@pytest.mark.parametrize(
    "text", ["no more changes send", "basta modifiche, invia", "不改了，直接给我", "满意 发"]
)
def test_a_bare_send_beside_an_edit_declined_or_approval_sends_the_video(text):
    assert read(text).verdict is Action.EXPORT


@pytest.mark.parametrize(
    "text", ["it's not done, send", "ok i'll send", "la musica è troppo alta, manda"]
)
def test_a_send_beside_not_done_or_by_the_person_is_no_bare_send(text):
    assert "deliver>export" not in read(text).cues
