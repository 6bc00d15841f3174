"""What the texts say, checked where a native speaker found them wrong.

Chinese keeps its own punctuation (no ASCII ", " ": " "(" beside Chinese characters,
whether in the catalog or assembled in code); Italian group texts speak to everyone
(voi); an upload tells what to do next; the credits say whose they are; command
names are the chat's own.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.core.actions import Action
from bot.core.failures import Failure
from bot.core.notices import (
    CollectionClosedIdle,
    CollectionOpened,
    CreditsShown,
    Failed,
    Greeting,
    GroupGuide,
    HelpShown,
    LanguageChoices,
    Notice,
    TimelineShown,
    TurnCutShort,
    TurnInterrupted,
    UploadAcknowledged,
)
from bot.core.summary import Timeline, TrackKind, TrackSummary
from bot.i18n import DOMAIN, LOCALES_DIR, Catalogs, Translator
from bot.nemo import Credits
from bot.telegram.commands import command_name
from bot.telegram.texts.commands import unknown_command
from bot.telegram.texts.notices import notice_text

CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
# ASCII punctuation touching a Chinese character on either side, spaces allowed between.
ASCII_BESIDE_CJK = re.compile(rf"{CJK} ?[,:;()!?]|[,:;()!?] ?{CJK}")

TIMELINE = Timeline(
    (
        TrackSummary(TrackKind.VIDEO, None, None, 0, 10_000, None, 8),
        TrackSummary(TrackKind.AUDIO, "Lo-fi", None, 0, 10_000, 0.35, 1),
        TrackSummary(TrackKind.TEXT, None, "Estate", 0, 3_000, None, 1),
        TrackSummary(TrackKind.OTHER, "Sticker", None, 0, 2_000, None, 1),
    )
)

GROUP_NOTICES: list[Notice] = [
    GroupGuide(),
    CollectionOpened("Giulia"),
    CollectionClosedIdle(total=5, idle_minutes=10),
    UploadAcknowledged(2, 5, "Marco"),
    UploadAcknowledged(1, 1, "Marco"),
]

EVERY_RENDERED: list[Notice] = [
    *GROUP_NOTICES,
    Greeting(),
    HelpShown(),
    LanguageChoices(),
    TimelineShown(TIMELINE),
    TimelineShown(TIMELINE, after_silent_turn=True),
    TurnInterrupted(TIMELINE),
    TurnCutShort(None),
    CreditsShown(Credits(80, 20, 100)),
    UploadAcknowledged(3, 7),
    Failed(Failure.OUT_OF_CREDITS, "https://nemovideo.example/register?bind=anon_1"),
    Failed(Failure.EXPORT_NOT_IN_PLAN, None, "https://nemovideo.example"),
    Failed(Failure.FILE_NOT_USABLE),
]


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs()


def _zh_translations() -> list[str]:
    path = LOCALES_DIR / "zh" / "LC_MESSAGES" / f"{DOMAIN}.po"
    with Path(path).open("rb") as po_file:
        catalog = read_po(po_file, locale="zh", domain=DOMAIN)
    forms: list[str] = []
    for message in catalog:
        if message.id:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            forms.extend(strings)
    return forms


def test_no_chinese_translation_uses_ascii_punctuation_beside_chinese() -> None:
    found = [text for text in _zh_translations() if ASCII_BESIDE_CJK.search(text)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("notice", EVERY_RENDERED, ids=lambda notice: type(notice).__name__)
def test_chinese_assembled_in_code_uses_chinese_punctuation(
    notice: Notice, catalogs: Catalogs
) -> None:
    text = notice_text(notice, catalogs.translator("zh"))
    assert not ASCII_BESIDE_CJK.search(text), text


def test_the_chinese_timeline_counts_seconds_in_chinese(catalogs: Catalogs) -> None:
    text = notice_text(TimelineShown(TIMELINE), catalogs.translator("zh"))
    assert "2. 音乐：Lo-fi（0–10 秒，音量 35%）" in text
    assert "s)" not in text


# Second person singular forms an Italian group text must not use; voi forms it should.
TU = re.compile(
    r"\b(manda|mandami|rispondi|menzionami|rendimi|scrivi|aggiungi|puoi|vuoi|hai|sei|"
    r"tuo|tua|tuoi|tue|ti)\b",
    re.IGNORECASE,
)
VOI = re.compile(r"\b(mandate|rispondete|avete|volete|menzionatemi|rendetemi)\b", re.IGNORECASE)


@pytest.mark.parametrize("notice", GROUP_NOTICES, ids=lambda notice: type(notice).__name__)
def test_italian_group_texts_speak_to_everyone(notice: Notice, catalogs: Catalogs) -> None:
    text = notice_text(notice, catalogs.translator("it"), sees_everything=False)
    assert not TU.search(text), text
    assert VOI.search(text), text


def test_italian_group_help_says_what_to_do_when_the_bot_sees_everything(
    catalogs: Catalogs,
) -> None:
    text = notice_text(GroupGuide(), catalogs.translator("it"), sees_everything=True)
    assert not TU.search(text), text


@pytest.mark.parametrize("locale", ["it", "en", "zh"])
def test_an_upload_says_what_to_do_next(locale: str, catalogs: Catalogs) -> None:
    tr = catalogs.translator(locale)
    private = notice_text(UploadAcknowledged(3, 7), tr)
    group = notice_text(UploadAcknowledged(2, 3, "Marco"), tr)
    assert "/" + _name(tr, Action.EXPORT) in private
    assert "/" + _name(tr, Action.CREATE) in group


def test_an_upload_with_a_caption_needs_no_hint(catalogs: Catalogs) -> None:
    text = notice_text(
        UploadAcknowledged(3, 7, instruction_follows=True), catalogs.translator("it")
    )
    assert text == "✅ 3 file aggiunti (7 in tutto)."


def test_the_italian_upload_counts_files_only(catalogs: Catalogs) -> None:
    text = notice_text(UploadAcknowledged(3, 7), catalogs.translator("it"))
    assert "elementi" not in text


@pytest.mark.parametrize("locale", ["it", "en", "zh"])
def test_reserved_credits_show_only_when_there_are_some(locale: str, catalogs: Catalogs) -> None:
    tr = catalogs.translator(locale)
    idle = notice_text(CreditsShown(Credits(100, 0, 100)), tr)
    busy = notice_text(CreditsShown(Credits(80, 20, 100)), tr)
    assert "20" in busy and "20" not in idle
    assert "NemoVideo" in idle  # whose credits they are


@pytest.mark.parametrize("locale", ["it", "en", "zh"])
@pytest.mark.parametrize("reason", [Failure.OUT_OF_CREDITS, Failure.EXPORT_NOT_IN_PLAN])
def test_an_account_failure_keeps_the_project_and_gives_a_way_out(
    locale: str, reason: Failure, catalogs: Catalogs
) -> None:
    tr = catalogs.translator(locale)
    anonymous = notice_text(Failed(reason, "https://n.example/register?bind=anon_1"), tr)
    registered = notice_text(Failed(reason, None, "https://n.example"), tr)
    assert "https://n.example/register?bind=anon_1" in anonymous
    assert "https://n.example" in registered
    kept = tr.gettext("Your project is kept: nothing is lost, and you can carry on later.")
    assert kept in anonymous and kept in registered


@pytest.mark.parametrize(
    ("locale", "expected"), [("it", "/aiuto"), ("en", "/help"), ("zh", "/help")]
)
def test_sentences_name_the_chats_own_commands(
    locale: str, expected: str, catalogs: Catalogs
) -> None:
    tr = catalogs.translator(locale)
    assert expected in unknown_command(tr)
    if locale == "it":
        for notice in (Greeting(), HelpShown(), GroupGuide(), LanguageChoices()):
            text = notice_text(notice, tr)
            assert not re.search(r"/(help|language|new|export|credits|status)\b", text), text


@pytest.mark.parametrize("locale", ["it", "en", "zh"])
def test_first_contact_mentions_credits_and_language(locale: str, catalogs: Catalogs) -> None:
    tr = catalogs.translator(locale)
    for notice in (Greeting(), GroupGuide()):
        text = notice_text(notice, tr)
        assert "/" + _name(tr, Action.CREDITS) in text
        assert "/" + _name(tr, Action.LANGUAGE) in text


@pytest.mark.parametrize("notice", [TurnInterrupted(TIMELINE), TurnInterrupted(None)])
def test_a_restart_asks_to_repeat_what_was_cut(notice: Notice, catalogs: Catalogs) -> None:
    assert "ripetimi la richiesta" in notice_text(notice, catalogs.translator("it"))


@pytest.mark.parametrize("locale", ["it", "en", "zh"])
def test_the_bot_speaks_for_itself(locale: str, catalogs: Catalogs) -> None:
    tr = catalogs.translator(locale)
    words = {"it": "editor", "en": "editor", "zh": "编辑器"}[locale]
    for notice in EVERY_RENDERED:
        assert words not in notice_text(notice, tr)
    for reason in Failure:
        assert words not in notice_text(Failed(reason), tr)


def test_every_italian_catalog_entry_is_free_of_editing_jargon() -> None:
    path = LOCALES_DIR / "it" / "LC_MESSAGES" / f"{DOMAIN}.po"
    with Path(path).open("rb") as po_file:
        catalog = read_po(po_file, locale="it", domain=DOMAIN)
    jargon = re.compile(r"\b(tracc[ei]a?|rendering|timeline|editor)\b", re.IGNORECASE)
    found = [
        form
        for message in catalog
        if message.id
        for form in (message.string if isinstance(message.string, tuple) else (message.string,))
        if jargon.search(form)
    ]
    assert not found, "\n".join(found)


def _name(tr: Translator, action: Action) -> str:
    return command_name(tr.locale, action)
