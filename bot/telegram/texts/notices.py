"""Notices and progress rendered as chat text in the chat's language."""

from __future__ import annotations

from bot.core.actions import Action
from bot.core.notices import (
    AdminsOnly,
    AgentReply,
    AlreadyInProject,
    CollectionClosedIdle,
    CollectionOpened,
    CreditsShown,
    Downloading,
    ExportAlreadyComing,
    Failed,
    Greeting,
    GroupGuide,
    HelpShown,
    LanguageChanged,
    LanguageChoices,
    NothingToExport,
    NothingToUpload,
    Notice,
    Progress,
    ProjectStarted,
    RefusalReason,
    Rendering,
    StillWorking,
    TimelineShown,
    TooManyWaiting,
    TurnCutShort,
    TurnInterrupted,
    UploadAcknowledged,
    Uploading,
    UploadRefused,
    VideoReady,
    VideoTooBig,
    WhichDidYouMean,
    Working,
)
from bot.core.summary import Timeline, TrackKind, TrackSummary
from bot.i18n import Translator
from bot.telegram.commands import command_name
from bot.telegram.texts import commands
from bot.telegram.texts.failures import explain, supported_formats

_MB = 1_000_000


def notice_text(notice: Notice, tr: Translator, *, sees_everything: bool = False) -> str:
    """The message text for a notice (a video's caption for VideoReady).

    ``sees_everything`` says whether Telegram shows the bot every group message, which
    changes what a group's members must do. LanguageChanged is said in ``tr``'s
    language: the caller passes the new one.
    """
    _ = tr.gettext
    match notice:
        case AgentReply(text=text):
            return text
        case TimelineShown(timeline=timeline, after_silent_turn=True):
            return _("Done! Here is the project now:") + "\n" + timeline_text(timeline, tr)
        case TimelineShown(timeline=timeline):
            return timeline_text(timeline, tr)
        case CreditsShown(credits=credits):
            return _(
                "💳 Credits: {available} available, {frozen} reserved, {total} in total."
            ).format(
                available=tr.number(credits.available),
                frozen=tr.number(credits.frozen),
                total=tr.number(credits.total),
            )
        case UploadAcknowledged(added=added, total=total, contributor=str() as name):
            return (
                tr.ngettext(
                    "✅ {name} added {added} file.", "✅ {name} added {added} files.", added
                ).format(name=name, added=tr.number(added))
                + " "
                + _project_total(total, tr)
            )
        case CollectionOpened(opened_by=name):
            return (
                _("📸 {name} opened a collection for this group's video!").format(name=name)
                + "\n"
                + _(
                    "Reply to this message with your photos, albums, clips or music. "
                    "When everyone is done, send /{create} (you can add what you want, "
                    "e.g. “/{create} a lively slideshow”)."
                ).format(create=command_name(tr.locale, Action.CREATE))
            )
        case CollectionClosedIdle(total=total, idle_minutes=minutes):
            return (
                tr.ngettext(
                    "⌛ The collection closed after {minutes} minute of silence.",
                    "⌛ The collection closed after {minutes} minutes of silence.",
                    minutes,
                ).format(minutes=tr.number(minutes))
                + " "
                + _project_total(total, tr)
                + " "
                + _("Send /{create} to make the video, or /{collect} to add more.").format(
                    create=command_name(tr.locale, Action.CREATE),
                    collect=command_name(tr.locale, Action.COLLECT),
                )
            )
        case UploadAcknowledged(added=added, total=total):
            return (
                tr.ngettext("✅ {added} file added.", "✅ {added} files added.", added).format(
                    added=tr.number(added)
                )
                + " "
                + _project_total(total, tr)
            )
        case AlreadyInProject(count=count, total=total):
            return (
                tr.ngettext(
                    "👍 {count} file was already in the project: I did not add it again.",
                    "👍 {count} files were already in the project: I did not add them again.",
                    count,
                ).format(count=tr.number(count))
                + " "
                + _project_total(total, tr)
            )
        case UploadRefused():
            return _refusal_text(notice, tr)
        case NothingToUpload():
            return _("Send me photos, clips or music, or a link to them, and I will add them.")
        case StillWorking():
            return _("⏳ I am still working on your previous request; this one comes right after.")
        case TooManyWaiting():
            return _(
                "✋ I already have several of your requests in line, so I am not taking new "
                "ones until I have answered them. Send the rest again after my answers."
            )
        case ExportAlreadyComing():
            return _(
                "⏳ Your video is already being made from this project; it will arrive here "
                "as soon as it is ready."
            )
        case NothingToExport():
            return _(
                "There is nothing to export yet. Send some photos or clips, then tell me what "
                "video you would like, for example “make a slideshow with music”."
            )
        case VideoReady(project_link=link):
            return _video_caption(_("✅ Your video is ready!"), link, tr)
        case VideoTooBig(download_url=url, size=size, project_link=link):
            ready = _(
                "✅ Your video is ready, but at {size} MB it is too big to send on Telegram. "
                "Download it here: {url}"
            ).format(size=tr.number(round(size / _MB)), url=url)
            return _video_caption(ready, link, tr)
        case TurnInterrupted(timeline=timeline):
            lead = _("⚠️ I was restarted while working on your last request.")
            return _with_timeline(lead, timeline, tr)
        case TurnCutShort(timeline=timeline):
            lead = _("⚠️ The editor stopped before finishing.")
            return _with_timeline(lead, timeline, tr)
        case ProjectStarted():
            return _("🆕 New project started. Send photos or clips to begin.")
        case Failed(reason=reason, register_link=link):
            return explain(reason, tr, link)
        case WhichDidYouMean(options=options) if Action.EXPORT in options:
            return _(
                "🤔 Do you want the final video now, or is this a change to make first? "
                "Making the video uses credits, so I would rather ask."
            )
        case WhichDidYouMean():
            return _("🤔 I am not sure what you mean. What should I do?")
        case Greeting():
            return commands.greeting(tr)
        case HelpShown():
            return commands.help_text(tr)
        case GroupGuide():
            return commands.group_help(tr, sees_everything=sees_everything)
        case LanguageChoices():
            return commands.language_usage(tr)
        case LanguageChanged():
            return commands.language_set(tr)
        case AdminsOnly(action=action, members_limit=limit):
            return commands.admins_only(action, tr, limit)


def undelivered_video_text(url: str, project_link: str | None, tr: Translator) -> str:
    """The link to a finished video whose upload Telegram did not take in time.

    Not a notice of the core: only the messenger knows its upload failed, and the
    video must still reach the person.
    """
    ready = tr.gettext(
        "✅ Your video is ready, but Telegram did not accept the file in time. "
        "Download it here: {url}"
    ).format(url=url)
    return _video_caption(ready, project_link, tr)


def progress_text(progress: Progress, tr: Translator) -> str:
    """The text of the status message for a stage of a long operation."""
    _ = tr.gettext
    match progress:
        case Working(elapsed=elapsed):
            minutes = max(1, round(elapsed / 60))
            return tr.ngettext(
                "⏳ Still working… ({minutes} minute so far)",
                "⏳ Still working… ({minutes} minutes so far)",
                minutes,
            ).format(minutes=tr.number(minutes))
        case Uploading(count=count):
            return tr.ngettext(
                "⏳ Uploading {count} file…", "⏳ Uploading {count} files…", count
            ).format(count=tr.number(count))
        case Rendering(progress=None):
            return _("⏳ Rendering…")
        case Rendering(progress=percent):
            return _("⏳ Rendering… {percent}").format(percent=tr.percent((percent or 0) / 100))
        case Downloading():
            return _("⏳ Almost there: fetching the video…")


def timeline_text(timeline: Timeline, tr: Translator) -> str:
    """`Timeline (3 tracks): 1. Video: … (0–10s) 2. Music: Lo-fi (0–10s, 35%) …`"""
    if timeline.is_empty:
        return tr.gettext("The project is still empty: send photos or clips to start.")
    count = len(timeline.tracks)
    head = tr.ngettext("Timeline ({count} track):", "Timeline ({count} tracks):", count).format(
        count=tr.number(count)
    )
    lines = [
        f"{index}. {_track_text(track, tr)}" for index, track in enumerate(timeline.tracks, 1)
    ]
    return "\n".join([head, *lines])


def _track_text(track: TrackSummary, tr: Translator) -> str:
    _ = tr.gettext
    label = {
        TrackKind.VIDEO: _("Video"),
        TrackKind.AUDIO: _("Music"),
        TrackKind.TEXT: _("Title"),
        TrackKind.OTHER: _("Track"),
    }[track.kind]
    if track.kind is TrackKind.TEXT and track.text:
        name = f"“{track.text}”"
    else:
        name = track.name or tr.ngettext("{count} clip", "{count} clips", track.segments).format(
            count=tr.number(track.segments)
        )
    span = f"{_seconds(track.start_ms, tr)}–{_seconds(track.end_ms, tr)}s"
    if track.volume is not None:
        span += f", {tr.percent(track.volume)}"
    return f"{label}: {name} ({span})"


def _project_total(total: int, tr: Translator) -> str:
    return tr.ngettext(
        "The project now has {total} item.", "The project now has {total} items.", total
    ).format(total=tr.number(total))


def _seconds(milliseconds: int, tr: Translator) -> str:
    return tr.number(round(milliseconds / 1000, 1))


def _with_timeline(lead: str, timeline: Timeline | None, tr: Translator) -> str:
    if timeline is None:
        return lead + " " + tr.gettext("Please try again in a moment.")
    return lead + " " + tr.gettext("Here is the project now:") + "\n" + timeline_text(timeline, tr)


def _video_caption(text: str, link: str | None, tr: Translator) -> str:
    if not link:
        return text
    return text + "\n" + tr.gettext("Open the project in NemoVideo: {link}").format(link=link)


def _refusal_text(refusal: UploadRefused, tr: Translator) -> str:
    """Whole sentences for a named file and for one without a name (a voice note, a photo):
    languages put the name in different places, so it is never patched into a sentence.
    """
    _ = tr.gettext
    name = refusal.file_name
    limit = tr.number(round((refusal.limit_bytes or 0) / _MB))
    match refusal.reason:
        case RefusalReason.UNSUPPORTED:
            text = (
                _("I cannot use {name}: that format is not supported.")
                if name
                else _("I cannot use this file: that format is not supported.")
            )
            return text.format(name=name) + " " + supported_formats(tr)
        case RefusalReason.TOO_LARGE:
            text = (
                _("{name} is over {limit} MB. Compress or trim it and send it again.")
                if name
                else _("This file is over {limit} MB. Compress or trim it and send it again.")
            )
        case RefusalReason.TOO_BIG_FOR_TELEGRAM:
            text = (
                _(
                    "{name} is over {limit} MB, the most Telegram lets a bot download. Upload "
                    "it to a cloud drive and send me the link: I will fetch it from there."
                )
                if name
                else _(
                    "This file is over {limit} MB, the most Telegram lets a bot download. Upload "
                    "it to a cloud drive and send me the link: I will fetch it from there."
                )
            )
        case RefusalReason.EMPTY:
            text = (
                _("{name} is empty: nothing to upload.")
                if name
                else _("This file is empty: nothing to upload.")
            )
        case RefusalReason.CORRUPT:
            text = (
                _("I could not read {name}: the file looks damaged.")
                if name
                else _("I could not read this file: it looks damaged.")
            )
        case RefusalReason.TOO_MANY_PIXELS:
            limit = tr.number(refusal.limit or 0)
            text = (
                _("{name} has more than {limit} megapixels. Resize it and send it again.")
                if name
                else _("This photo has more than {limit} megapixels. Resize it and send it again.")
            )
        case RefusalReason.TOO_LONG:
            limit = tr.number(refusal.limit or 0)
            text = (
                _("{name} is longer than {limit} minutes. Trim it and send it again.")
                if name
                else _("This recording is longer than {limit} minutes. Trim it and send it again.")
            )
    return text.format(name=name, limit=limit)
