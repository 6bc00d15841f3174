"""Notices and progress rendered as chat text in the chat's language."""

from __future__ import annotations

from bot.core.actions import Action
from bot.core.notices import (
    AdminsOnly,
    AgentReply,
    AlreadyInProject,
    CollectionClosedIdle,
    CollectionOpened,
    CollectionSummary,
    Contributed,
    CreditsShown,
    ExportAlreadyComing,
    Failed,
    Greeting,
    GroupGuide,
    HelpShown,
    LanguageChanged,
    LanguageChoices,
    LocalVideoFailed,
    NothingToExport,
    NothingToUpload,
    Notice,
    ProjectStarted,
    RefusalReason,
    StillWorking,
    TimelineShown,
    TooManyWaiting,
    TurnCutShort,
    TurnInterrupted,
    UploadAcknowledged,
    UploadRefused,
    VideoGivenUp,
    VideoReady,
    VideoTooBig,
    WhichDidYouMean,
)
from bot.core.summary import Timeline
from bot.i18n import Translator
from bot.telegram.commands import command_name
from bot.telegram.texts import commands, native
from bot.telegram.texts.failures import explain, supported_formats
from bot.telegram.texts.local import local_failure_text, local_offer_text
from bot.telegram.texts.timeline import timeline_text

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
            return timeline_text(timeline, tr, lead=_("Done! Here is your video now:"))
        case TimelineShown(timeline=timeline):
            return timeline_text(timeline, tr)
        case CreditsShown():
            return _credits_text(notice, tr)
        case Contributed(added=added, total=total, contributor=name):
            # Said only when a reaction could not be set: otherwise the emoji says it.
            return _upload_text(UploadAcknowledged(added, total, name), tr)
        case CollectionSummary():
            return native.collection_summary(notice, tr)
        case UploadAcknowledged():
            return _upload_text(notice, tr)
        case CollectionOpened(opened_by=name):
            return (
                _("📸 {name} opened a collection for this group's video!").format(name=name)
                + "\n"
                + _(
                    "Reply to this message with your photos, albums, clips or music. "
                    "When everyone is done, send /{create}; you can add how you want it, "
                    "e.g. “/{create} a lively slideshow”."
                ).format(create=command_name(tr.locale, Action.CREATE))
            )
        case CollectionClosedIdle(total=total, idle_minutes=minutes):
            return "\n".join(
                [
                    tr.ngettext(
                        "⌛ The collection closed after {minutes} minute without new files "
                        "({total} in the project).",
                        "⌛ The collection closed after {minutes} minutes without new files "
                        "({total} in the project).",
                        minutes,
                    ).format(minutes=tr.number(minutes), total=tr.number(total)),
                    _("Send /{create} to make the video, or /{collect} to add more.").format(
                        create=command_name(tr.locale, Action.CREATE),
                        collect=command_name(tr.locale, Action.COLLECT),
                    ),
                ]
            )
        case AlreadyInProject(count=count, total=total):
            return tr.ngettext(
                "👍 {count} file was already in the project, so I did not add it again "
                "({total} in all).",
                "👍 {count} files were already in the project, so I did not add them again "
                "({total} in all).",
                count,
            ).format(count=tr.number(count), total=tr.number(total))
        case UploadRefused():
            return _refusal_text(notice, tr)
        case NothingToUpload():
            return _("Send me photos, clips or music (a link works too) and I add them.")
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
                "There is nothing to export yet. Send me some photos or clips, then tell me "
                "what video you would like, for example “make a slideshow with music”."
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
            return _after_cut(lead, timeline, tr)
        case TurnCutShort(timeline=timeline):
            lead = _("⚠️ I stopped before finishing your last request.")
            return _after_cut(lead, timeline, tr)
        case VideoGivenUp():
            return _(
                "⚠️ I could not get you the video you asked for earlier, even after several "
                "tries. Your project is saved: send /{export} or tap below to try again."
            ).format(export=command_name(tr.locale, Action.EXPORT))
        case ProjectStarted():
            return _("🆕 New project started. Send me photos or clips to begin.")
        case Failed(reason=reason, register_link=link, account_link=site, local_video=offer):
            text = explain(reason, tr, link, site)
            return f"{text}\n\n{local_offer_text(tr)}" if offer else text
        case LocalVideoFailed():
            return local_failure_text(notice, tr)
        case WhichDidYouMean(options=options) if Action.EXPORT in options:
            return _("🤔 Do you want the finished video now, or is this a change to make first?")
        case WhichDidYouMean():
            return _("🤔 I'm not sure what you mean. What should I do?")
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


def _credits_text(shown: CreditsShown, tr: Translator) -> str:
    """Whose credits these are, what is on hold (only when something is) and what costs what."""
    credits = shown.credits
    available = round(credits.available)
    lines = [
        tr.ngettext(
            "💳 The NemoVideo account I work with has {available} credit left.",
            "💳 The NemoVideo account I work with has {available} credits left.",
            available,
        ).format(available=tr.number(credits.available))
    ]
    if credits.frozen:
        frozen = round(credits.frozen)
        lines.append(
            tr.ngettext(
                "{frozen} more is on hold for work in progress: it is used or given back "
                "when that work ends.",
                "{frozen} more are on hold for work in progress: they are used or given back "
                "when that work ends.",
                frozen,
            ).format(frozen=tr.number(credits.frozen))
        )
    costs = {
        "video": tr.number(shown.video_cost),
        "edit": tr.number(shown.edit_cost),
        "export": tr.number(shown.export_cost),
    }
    if shown.export_cost == 0:
        cost = tr.gettext(
            "A new video costs about {video} credits, each change about {edit}; "
            "getting the finished video is free."
        )
    else:
        cost = tr.gettext(
            "A new video costs about {video} credits, each change about {edit}, "
            "and getting the finished video {export}."
        )
    lines.append(cost.format(**costs))
    return "\n".join(lines)


def _upload_text(ack: UploadAcknowledged, tr: Translator) -> str:
    """What was added, how many files the project has, and what to do next."""
    fields = {
        "name": ack.contributor,
        "added": tr.number(ack.added),
        "total": tr.number(ack.total),
    }
    grown = ack.total > ack.added  # the project had files before: say how many now
    if ack.contributor is not None and grown:
        done = tr.ngettext(
            "✅ {name} added {added} file ({total} in all).",
            "✅ {name} added {added} files ({total} in all).",
            ack.added,
        )
    elif ack.contributor is not None:
        done = tr.ngettext(
            "✅ {name} added {added} file.", "✅ {name} added {added} files.", ack.added
        )
    elif grown:
        done = tr.ngettext(
            "✅ {added} file added ({total} in all).",
            "✅ {added} files added ({total} in all).",
            ack.added,
        )
    else:
        done = tr.ngettext("✅ {added} file added.", "✅ {added} files added.", ack.added)
    lines = [done.format(**fields)]
    if not ack.instruction_follows:  # with a caption, the agent's answer comes next
        lines.append(_next_after_upload(ack, tr))
    return "\n".join(lines)


def _next_after_upload(ack: UploadAcknowledged, tr: Translator) -> str:
    if ack.contributor is not None:
        return tr.gettext("When everyone is done, send /{create}.").format(
            create=command_name(tr.locale, Action.CREATE)
        )
    return tr.gettext(
        "Now tell me what video you want, e.g. “a slideshow with music”, or send "
        "/{export} to get the video as it is."
    ).format(export=command_name(tr.locale, Action.EXPORT))


def _after_cut(lead: str, timeline: Timeline | None, tr: Translator) -> str:
    """After a request was cut off: what the video has now, and ask to repeat what is missing."""
    if timeline is None:
        return lead + "\n" + tr.gettext("Please send your request again in a moment.")
    return (
        lead
        + "\n"
        + timeline_text(timeline, tr)
        + "\n"
        + tr.gettext("If something you asked for is missing, please ask me again.")
    )


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
