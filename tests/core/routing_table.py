"""Labelled utterances for the intent router: grow it whenever a misroute is found.

Ids are ``<language>-<intent>-<what the case shows>``; the language prefix feeds the
per-language accuracy printed at the end of every test run (see ``conftest.py``).
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from bot.core.actions import Action

EXPORT, CREDITS, STATE, UPLOAD, CHAT = (
    Action.EXPORT,
    Action.CREDITS,
    Action.STATE,
    Action.UPLOAD,
    Action.CHAT,
)

ITALIAN = [
    # Export: short requests, slang, typos, questions, commands.
    pytest.param("esporta in 1080p", EXPORT, id="it-export-1080p"),
    pytest.param("esporta", EXPORT, id="it-export-bare"),
    pytest.param("Esporta il video", EXPORT, id="it-export-mixed-case"),
    pytest.param("ESPORTA!!!", EXPORT, id="it-export-shouted"),
    pytest.param("esprota", EXPORT, id="it-export-typo-transposed"),
    pytest.param("esportaa", EXPORT, id="it-export-typo-doubled"),
    pytest.param("esportaaaaa 🙏", EXPORT, id="it-export-stretched-emoji"),
    pytest.param("Esportà", EXPORT, id="it-export-stray-accent"),
    pytest.param("mandami il video", EXPORT, id="it-export-mandami-il-video"),
    pytest.param("mandamelo", EXPORT, id="it-export-mandamelo"),
    pytest.param("inviami il video finale", EXPORT, id="it-export-inviami"),
    pytest.param("dammi il video", EXPORT, id="it-export-dammi-il-video"),
    pytest.param("fammi scaricare il video", EXPORT, id="it-export-fammi-scaricare"),
    pytest.param("posso esportare adesso?", EXPORT, id="it-export-question-can-i"),
    pytest.param("come faccio a scaricare il video?", EXPORT, id="it-export-question-how"),
    pytest.param("scarica", EXPORT, id="it-export-scarica"),
    pytest.param("ok perfetto, esportalo 👍", EXPORT, id="it-export-esportalo-emoji"),
    pytest.param("fai l'export", EXPORT, id="it-export-fai-l-export"),
    pytest.param("esporta il video per favore", EXPORT, id="it-export-polite"),
    pytest.param("/esporta", EXPORT, id="it-export-command"),
    pytest.param("/esporta@italiano_video_bot", EXPORT, id="it-export-command-botname"),
    pytest.param("voglio scaricare il video finale", EXPORT, id="it-export-voglio-scaricare"),
    pytest.param("non riesco a scaricare il video", EXPORT, id="it-export-cannot-download"),
    pytest.param("me lo mandi?", EXPORT, id="it-export-me-lo-mandi"),
    pytest.param("renderizza il video", EXPORT, id="it-export-renderizza"),
    pytest.param("il video è pronto? mandamelo", EXPORT, id="it-export-pronto-mandamelo"),
    pytest.param("esportiamo!", EXPORT, id="it-export-esportiamo"),
    pytest.param("Scarica il video in HD", EXPORT, id="it-export-scarica-hd"),
    pytest.param("mi mandi il video finito?", EXPORT, id="it-export-mi-mandi"),
    pytest.param("vorrei il video", EXPORT, id="it-export-vorrei-il-video"),
    pytest.param("dove trovo il video?", EXPORT, id="it-export-dove-trovo"),
    pytest.param("fammi vedere com'è venuto", EXPORT, id="it-export-com-e-venuto"),
    pytest.param("puoi esportarlo?", EXPORT, id="it-export-puoi-esportarlo"),
    pytest.param("scaricamelo", EXPORT, id="it-export-scaricamelo"),
    pytest.param("Mandami l'mp4", EXPORT, id="it-export-mandami-l-mp4"),
    pytest.param("quando hai finito esportalo", EXPORT, id="it-export-when-done"),
    # "Why can't I?" goes to the export too: it delivers, or says what is missing.
    pytest.param("perché non posso esportare?", EXPORT, id="it-export-why-cannot"),
    # Credits.
    pytest.param("quanti crediti mi restano?", CREDITS, id="it-credits-quanti-restano"),
    pytest.param("crediti", CREDITS, id="it-credits-bare"),
    pytest.param("crediit", CREDITS, id="it-credits-typo-doubled"),
    pytest.param("creditti?", CREDITS, id="it-credits-typo-question"),
    pytest.param("saldo", CREDITS, id="it-credits-saldo"),
    pytest.param("qual è il mio saldo?", CREDITS, id="it-credits-mio-saldo"),
    pytest.param("/crediti", CREDITS, id="it-credits-command"),
    pytest.param("CREDITI 💰", CREDITS, id="it-credits-shouted-emoji"),
    pytest.param("quanto mi resta?", CREDITS, id="it-credits-quanto-mi-resta"),
    pytest.param("ho ancora credito?", CREDITS, id="it-credits-ancora-credito"),
    pytest.param("ho finito i crediti?", CREDITS, id="it-credits-finiti"),
    # Credits and export both named: the balance answers it, and reading it is free.
    pytest.param("i crediti bastano per esportare?", CREDITS, id="it-credits-enough-to-export"),
    # State.
    pytest.param("mostra tracce", STATE, id="it-state-mostra-tracce"),
    pytest.param("stato", STATE, id="it-state-bare"),
    pytest.param("/stato", STATE, id="it-state-command"),
    pytest.param("/stato@italiano_video_bot", STATE, id="it-state-command-botname"),
    pytest.param("a che punto siamo?", STATE, id="it-state-a-che-punto"),
    pytest.param("com'è la timeline?", STATE, id="it-state-timeline-question"),
    pytest.param("fammi vedere le tracce", STATE, id="it-state-fammi-vedere-tracce"),
    pytest.param("mostrami il progetto", STATE, id="it-state-mostrami-progetto"),
    pytest.param("cosa c'è nel progetto?", STATE, id="it-state-cosa-ce"),
    pytest.param("stato del progetto?", STATE, id="it-state-del-progetto"),
    pytest.param("statooo", STATE, id="it-state-stretched"),
    pytest.param("come sta venendo?", STATE, id="it-state-come-sta-venendo"),
    pytest.param("che tracce ci sono?", STATE, id="it-state-che-tracce"),
    # Upload.
    pytest.param("carica", UPLOAD, id="it-upload-bare"),
    pytest.param(
        "carica questo link https://example.com/video.mp4", UPLOAD, id="it-upload-link-text"
    ),
    pytest.param("https://cdn.example.com/clips/mare.MOV", UPLOAD, id="it-upload-bare-link"),
    pytest.param("caricala", UPLOAD, id="it-upload-caricala"),
    pytest.param(
        "ecco il link: https://drive.google.com/file/d/1AbC/view",
        UPLOAD,
        id="it-upload-ecco-il-link",
    ),
    pytest.param("come carico un video?", UPLOAD, id="it-upload-question-how"),
    # A media link with an instruction: upload first, the text is then a caption.
    pytest.param(
        "usa questa canzone https://example.com/musica.mp3", UPLOAD, id="it-upload-with-caption"
    ),
    # Chat: editing requests, some naming an intent word as content.
    pytest.param(
        "crea un video con le foto e poi lo esporto io", CHAT, id="it-chat-export-later-myself"
    ),
    pytest.param("aggiungi il saldo finale come titolo", CHAT, id="it-chat-saldo-as-title"),
    pytest.param("aggiungi musica italiana e poi esporta", CHAT, id="it-chat-edit-then-export"),
    pytest.param("crea uno slideshow con musica italiana", CHAT, id="it-chat-slideshow"),
    pytest.param('metti il titolo "Scarica l\'app"', CHAT, id="it-chat-scarica-in-title"),
    pytest.param("non esportare ancora", CHAT, id="it-chat-negated-export"),
    pytest.param("aggiungi una traccia audio rilassante", CHAT, id="it-chat-add-track"),
    pytest.param("una nuova traccia con la mia voce", CHAT, id="it-chat-new-track-no-verb"),
    pytest.param(
        "è stato un viaggio bellissimo, fai un video", CHAT, id="it-chat-e-stato-participle"
    ),
    pytest.param("metti lo stato d'animo allegro", CHAT, id="it-chat-stato-d-animo"),
    pytest.param("taglia i primi 3 secondi", CHAT, id="it-chat-trim"),
    pytest.param("rendilo più veloce", CHAT, id="it-chat-rendilo"),
    pytest.param("ciao!", CHAT, id="it-chat-greeting"),
    pytest.param("grazie mille ❤️", CHAT, id="it-chat-thanks"),
    pytest.param("fai un video e mandamelo", CHAT, id="it-chat-make-then-send"),
    pytest.param("scrivi 'crediti finali' alla fine", CHAT, id="it-chat-credits-as-text"),
    pytest.param("dopo aver aggiunto la musica esportalo", CHAT, id="it-chat-export-after-edit"),
    pytest.param("voglio un video verticale per TikTok", CHAT, id="it-chat-want-a-video"),
    pytest.param("lo scarico io dopo", CHAT, id="it-chat-download-myself-later"),
    pytest.param("esporto più tardi, intanto aggiungi i sottotitoli", CHAT, id="it-chat-esporto"),
    pytest.param("usa le foto del mare come intro", CHAT, id="it-chat-usa"),
    pytest.param("per i saldi di fine stagione crea un reel", CHAT, id="it-chat-saldi-sales"),
    pytest.param("cambia la musica con qualcosa di più allegro", CHAT, id="it-chat-cambia"),
    pytest.param("/nuovo", CHAT, id="it-chat-other-command"),
    pytest.param("voglio il video più corto", CHAT, id="it-chat-want-video-shorter"),
    pytest.param('togli il testo "scarica ora"', CHAT, id="it-chat-quoted-scarica"),
]

ENGLISH = [
    pytest.param("export", EXPORT, id="en-export-bare"),
    pytest.param("Export in 1080p", EXPORT, id="en-export-1080p"),
    pytest.param("export the video", EXPORT, id="en-export-the-video"),
    pytest.param("download", EXPORT, id="en-export-download"),
    pytest.param("download the video pls", EXPORT, id="en-export-download-pls"),
    pytest.param("send me the video", EXPORT, id="en-export-send-me"),
    pytest.param("send it to me", EXPORT, id="en-export-send-it"),
    pytest.param("can I export now?", EXPORT, id="en-export-question-can-i"),
    pytest.param("can you export it please", EXPORT, id="en-export-question-can-you"),
    pytest.param("how do I download the final video?", EXPORT, id="en-export-question-how"),
    pytest.param("exprot", EXPORT, id="en-export-typo-transposed"),
    pytest.param("downlaod", EXPORT, id="en-export-typo-download"),
    pytest.param("Exporttt", EXPORT, id="en-export-stretched"),
    pytest.param("EXPORT 🚀", EXPORT, id="en-export-emoji"),
    pytest.param("/export", EXPORT, id="en-export-command"),
    pytest.param("/export@italiano_video_bot", EXPORT, id="en-export-command-botname"),
    pytest.param("render it", EXPORT, id="en-export-render-it"),
    pytest.param("give me the video", EXPORT, id="en-export-give-me"),
    pytest.param("i want to download it", EXPORT, id="en-export-want-to-download"),
    pytest.param("let's export", EXPORT, id="en-export-lets"),
    pytest.param("ok looks great, export it 👍", EXPORT, id="en-export-looks-great"),
    pytest.param("send over the mp4", EXPORT, id="en-export-send-over-mp4"),
    pytest.param("get me the file", EXPORT, id="en-export-get-me-the-file"),
    pytest.param("I can't download the video", EXPORT, id="en-export-cannot-download"),
    pytest.param("show me the video", EXPORT, id="en-export-show-me-video"),
    pytest.param("where's my video?", EXPORT, id="en-export-where-is-my-video"),
    pytest.param("send me the final cut", EXPORT, id="en-export-final-cut"),
    pytest.param("I want the video now", EXPORT, id="en-export-want-the-video"),
    pytest.param("can I get the video?", EXPORT, id="en-export-get-the-video"),
    pytest.param("download link?", EXPORT, id="en-export-download-link"),
    pytest.param("ready? send it", EXPORT, id="en-export-ready-send-it"),
    # Credits.
    pytest.param("credits", CREDITS, id="en-credits-bare"),
    pytest.param("how many credits do I have left?", CREDITS, id="en-credits-how-many"),
    pytest.param("balance", CREDITS, id="en-credits-balance"),
    pytest.param("what's my balance?", CREDITS, id="en-credits-whats-my-balance"),
    pytest.param("/credits", CREDITS, id="en-credits-command"),
    pytest.param("/credits@italiano_video_bot", CREDITS, id="en-credits-command-botname"),
    pytest.param("check my credits", CREDITS, id="en-credits-check"),
    pytest.param("creditz", CREDITS, id="en-credits-typo"),
    pytest.param("do I have enough credits to export?", CREDITS, id="en-credits-enough"),
    pytest.param("how much do I have left", CREDITS, id="en-credits-how-much-left"),
    pytest.param("Credits??", CREDITS, id="en-credits-question"),
    pytest.param("how many credits left", CREDITS, id="en-credits-left-no-verb"),
    pytest.param("check balance", CREDITS, id="en-credits-check-balance"),
    # State.
    pytest.param("status", STATE, id="en-state-bare"),
    pytest.param("/status", STATE, id="en-state-command"),
    pytest.param("show tracks", STATE, id="en-state-show-tracks"),
    pytest.param("show me the timeline", STATE, id="en-state-show-timeline"),
    pytest.param("what's in the project?", STATE, id="en-state-whats-in"),
    pytest.param("where are we?", STATE, id="en-state-where-are-we"),
    pytest.param("what have we got so far?", STATE, id="en-state-so-far"),
    pytest.param("project status", STATE, id="en-state-project-status"),
    pytest.param("stauts", STATE, id="en-state-typo"),
    pytest.param("show me the project", STATE, id="en-state-show-project"),
    pytest.param("progress?", STATE, id="en-state-progress"),
    pytest.param("list the tracks", STATE, id="en-state-list-tracks"),
    # Upload.
    pytest.param("upload", UPLOAD, id="en-upload-bare"),
    pytest.param("upload this https://example.com/clip.mp4", UPLOAD, id="en-upload-link"),
    pytest.param("https://example.com/photo.jpeg", UPLOAD, id="en-upload-bare-link"),
    pytest.param("how do I upload photos?", UPLOAD, id="en-upload-question"),
    pytest.param(
        "here's the link https://www.dropbox.com/s/abc/holiday?dl=1",
        UPLOAD,
        id="en-upload-here-is-link",
    ),
    pytest.param(
        "upload these two https://a.example/1.png https://a.example/2.png",
        UPLOAD,
        id="en-upload-two-links",
    ),
    # Chat.
    pytest.param(
        "make a video from my photos and I'll export it later",
        CHAT,
        id="en-chat-export-later-myself",
    ),
    pytest.param("add the final balance as a title", CHAT, id="en-chat-balance-as-title"),
    pytest.param("put 'download now' as the last caption", CHAT, id="en-chat-download-in-caption"),
    pytest.param("don't export yet", CHAT, id="en-chat-negated-export"),
    pytest.param("add a new track with guitar music", CHAT, id="en-chat-add-track"),
    pytest.param("make it shorter", CHAT, id="en-chat-make-shorter"),
    pytest.param("cut the first 3 seconds", CHAT, id="en-chat-cut"),
    pytest.param("thanks!", CHAT, id="en-chat-thanks"),
    pytest.param("hello 👋", CHAT, id="en-chat-hello"),
    pytest.param("use a lo-fi beat as background", CHAT, id="en-chat-lofi"),
    pytest.param("add end credits", CHAT, id="en-chat-end-credits"),
    pytest.param("balance the audio levels", CHAT, id="en-chat-balance-verb"),
    pytest.param("change the status text to 'live'", CHAT, id="en-chat-status-as-text"),
    pytest.param("create a slideshow then export it", CHAT, id="en-chat-create-then-export"),
    pytest.param("I'll download it myself", CHAT, id="en-chat-download-myself"),
    pytest.param("make a reel for my shop", CHAT, id="en-chat-make-reel"),
    pytest.param("can you make the colors warmer?", CHAT, id="en-chat-warmer"),
    pytest.param("after you add music, export", CHAT, id="en-chat-export-after-edit"),
    pytest.param("make it 1080p and export", CHAT, id="en-chat-make-then-export"),
    pytest.param("I want the video shorter", CHAT, id="en-chat-want-video-shorter"),
    pytest.param(
        "make the intro faster and then I'll download it", CHAT, id="en-chat-edit-then-myself"
    ),
    pytest.param("remove the track called 'status'", CHAT, id="en-chat-quoted-status"),
]

CHINESE = [
    pytest.param("导出", EXPORT, id="zh-export-bare"),
    pytest.param("导出视频", EXPORT, id="zh-export-video"),
    pytest.param("导出1080p", EXPORT, id="zh-export-1080p"),
    pytest.param("把视频导出", EXPORT, id="zh-export-ba"),
    pytest.param("帮我导出", EXPORT, id="zh-export-help-me"),
    pytest.param("下载", EXPORT, id="zh-export-download"),
    pytest.param("我要下载视频", EXPORT, id="zh-export-want-download"),
    pytest.param("可以导出了吗？", EXPORT, id="zh-export-question-can"),
    pytest.param("现在可以导出吗", EXPORT, id="zh-export-question-now"),
    pytest.param("视频发给我", EXPORT, id="zh-export-send-me"),
    pytest.param("把视频发给我", EXPORT, id="zh-export-ba-send-me"),
    pytest.param("发我", EXPORT, id="zh-export-fa-wo"),
    pytest.param("导出吧！", EXPORT, id="zh-export-ba-particle"),
    pytest.param("导出🚀", EXPORT, id="zh-export-emoji"),
    pytest.param("请导出", EXPORT, id="zh-export-please"),
    pytest.param("渲染视频", EXPORT, id="zh-export-render"),
    pytest.param("给我视频", EXPORT, id="zh-export-give-me-video"),
    pytest.param("再导出一次", EXPORT, id="zh-export-again"),
    pytest.param("好的，导出", EXPORT, id="zh-export-ok"),
    pytest.param("能下载吗？", EXPORT, id="zh-export-can-download"),
    pytest.param("我怎么下载视频", EXPORT, id="zh-export-how-download"),
    pytest.param("输出视频", EXPORT, id="zh-export-output"),
    pytest.param("非常好，导出吧！", EXPORT, id="zh-export-great"),
    pytest.param("我想要视频", EXPORT, id="zh-export-want-video"),
    pytest.param("帮我把视频下载下来", EXPORT, id="zh-export-download-down"),
    pytest.param("视频发我一下", EXPORT, id="zh-export-send-me-a-bit"),
    pytest.param("视频在哪里？", EXPORT, id="zh-export-where-is-video"),
    pytest.param("帮我下载一下", EXPORT, id="zh-export-download-a-bit"),
    pytest.param("可以发给我吗", EXPORT, id="zh-export-can-send-me"),
    # Credits.
    pytest.param("积分", CREDITS, id="zh-credits-bare"),
    pytest.param("余额", CREDITS, id="zh-credits-balance"),
    pytest.param("我还有多少积分？", CREDITS, id="zh-credits-how-many"),
    pytest.param("查看余额", CREDITS, id="zh-credits-check"),
    pytest.param("还剩多少", CREDITS, id="zh-credits-how-much-left"),
    pytest.param("积分够吗", CREDITS, id="zh-credits-enough"),
    pytest.param("我的积分", CREDITS, id="zh-credits-mine"),
    pytest.param("余额还有多少？", CREDITS, id="zh-credits-balance-left"),
    pytest.param("还剩多少积分？", CREDITS, id="zh-credits-left"),
    pytest.param("可用积分", CREDITS, id="zh-credits-available"),
    # State.
    pytest.param("状态", STATE, id="zh-state-bare"),
    pytest.param("项目状态", STATE, id="zh-state-project"),
    pytest.param("查看轨道", STATE, id="zh-state-tracks"),
    pytest.param("显示时间线", STATE, id="zh-state-timeline"),
    pytest.param("进度怎么样了", STATE, id="zh-state-progress"),
    pytest.param("现在什么进度", STATE, id="zh-state-progress-now"),
    pytest.param("看看项目", STATE, id="zh-state-look-project"),
    pytest.param("查看状态", STATE, id="zh-state-check"),
    # Upload.
    pytest.param("上传", UPLOAD, id="zh-upload-bare"),
    pytest.param("上传视频", UPLOAD, id="zh-upload-video"),
    pytest.param("上传这个 https://example.com/a.mp4", UPLOAD, id="zh-upload-link"),
    pytest.param("https://example.com/照片.png", UPLOAD, id="zh-upload-bare-link"),
    pytest.param("怎么上传照片？", UPLOAD, id="zh-upload-question"),
    pytest.param("链接：https://pan.example.com/s/abc", UPLOAD, id="zh-upload-link-word"),
    pytest.param("https://example.com/v.mp4，谢谢", UPLOAD, id="zh-upload-link-punctuation"),
    # Chat.
    pytest.param("把这些照片做成一个视频然后导出", CHAT, id="zh-chat-make-then-export"),
    pytest.param("添加背景音乐", CHAT, id="zh-chat-add-music"),
    pytest.param("先别导出，再加一段音乐", CHAT, id="zh-chat-dont-export-yet"),
    pytest.param("不要导出", CHAT, id="zh-chat-negated-export"),
    pytest.param("加一个标题写“下载我们的应用”", CHAT, id="zh-chat-download-in-title"),
    pytest.param("把余额两个字放到标题里", CHAT, id="zh-chat-balance-as-title"),
    pytest.param("添加一条新的轨道", CHAT, id="zh-chat-add-track"),
    pytest.param("我自己导出", CHAT, id="zh-chat-export-myself"),
    pytest.param("我稍后再下载", CHAT, id="zh-chat-download-later"),
    pytest.param("你好", CHAT, id="zh-chat-hello"),
    pytest.param("谢谢！", CHAT, id="zh-chat-thanks"),
    pytest.param("视频太长了，剪掉前三秒", CHAT, id="zh-chat-trim"),
    pytest.param("换一首欢快的音乐", CHAT, id="zh-chat-change-music"),
    pytest.param("做一个旅行vlog", CHAT, id="zh-chat-make-vlog"),
    pytest.param("生成一个短视频", CHAT, id="zh-chat-generate"),
    pytest.param("把状态栏去掉", CHAT, id="zh-chat-remove-status-bar"),
    pytest.param("用意大利音乐做一个幻灯片", CHAT, id="zh-chat-slideshow"),
    pytest.param("字幕改成红色", CHAT, id="zh-chat-subtitles-red"),
    pytest.param("我想要更短的视频", CHAT, id="zh-chat-want-shorter-video"),
    pytest.param("做一个意大利风格的视频，然后导出", CHAT, id="zh-chat-make-then-export-comma"),
    pytest.param("余额两个字改成红色", CHAT, id="zh-chat-balance-word-recolour"),
]

ROUTES = ITALIAN + ENGLISH + CHINESE

LANGUAGES = ("it", "en", "zh")


@dataclass
class Accuracy:
    """How many rows of the table the router gets right, overall and per language."""

    right: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    misroutes: list[str] = field(default_factory=list)

    def line(self) -> str:
        right, total = sum(self.right.values()), sum(self.total.values())
        languages = ", ".join(
            f"{language} {percent(self.right[language], self.total[language])}"
            for language in LANGUAGES
        )
        return f"routing accuracy: {right}/{total} = {percent(right, total)} ({languages})"


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def measure(classify: Callable[[str], Action]) -> Accuracy:
    accuracy = Accuracy()
    for row in ROUTES:
        text, expected = row.values
        language = row.id.split("-", 1)[0]
        got = classify(text)
        accuracy.total[language] += 1
        if got == expected:
            accuracy.right[language] += 1
        else:
            accuracy.misroutes.append(f"{row.id}: {text!r} -> {got}, expected {expected}")
    return accuracy
