"""The one place a failure becomes words, with the recovery it needs.

The bot speaks in the first person; NemoVideo is named only where the person may deal
with it (its account, its site), never as an unexplained "editor".
"""

from __future__ import annotations

from bot.core.actions import Action
from bot.core.failures import Failure
from bot.core.media import SUPPORTED_FORMAT_NAMES
from bot.i18n import Translator
from bot.telegram.commands import command_name


def supported_formats(tr: Translator) -> str:
    """The formats a person can send, for refusals and help."""
    return tr.gettext("Supported formats: {formats}.").format(
        formats=tr.gettext(", ").join(SUPPORTED_FORMAT_NAMES)
    )


def explain(
    reason: Failure,
    tr: Translator,
    register_link: str | None = None,
    account_link: str | None = None,
) -> str:
    """A sentence for the chat; never an exception's own text, which may carry data.

    For the bot's NemoVideo account (no credits, a plan without export) it says whose
    account it is, that the project is kept, and where to go: the free registration
    when the account is anonymous, else NemoVideo's site for the bot's operator.
    """
    _ = tr.gettext
    match reason:
        case Failure.OUT_OF_CREDITS | Failure.EXPORT_NOT_IN_PLAN:
            return _account_text(reason, tr, register_link, account_link)
        case Failure.FILE_NOT_USABLE:
            return _("I can't use that file.") + " " + supported_formats(tr)
        case Failure.FILE_TOO_BIG:
            return _("That file is too big for me: compress or trim it and send it again.")
        case Failure.ACCESS_EXPIRED:
            return _(
                "My access to NemoVideo has expired, and whoever runs this bot needs to renew "
                "it. Your project is kept: please try again later."
            )
        case Failure.PROJECT_LOST:
            return _(
                "I can no longer find this project on NemoVideo. Send /{new} to start a new one."
            ).format(new=command_name(tr.locale, Action.NEW_PROJECT))
        case Failure.BUSY:
            return _("NemoVideo is busy right now. Please try again in a minute.")
        case Failure.REQUEST_NOT_DONE:
            return _("I couldn't do that. Try saying it differently.")
        case Failure.REQUEST_TOO_SLOW:
            return _(
                "That took too long and I had to stop. Please try again, perhaps asking for "
                "one change at a time."
            )
        case Failure.RENDER_FAILED:
            return _(
                "I couldn't make the video file. Your project is kept: send /{export} to try "
                "again."
            ).format(export=command_name(tr.locale, Action.EXPORT))
        case Failure.UNREACHABLE:
            return _("NemoVideo is not answering right now. Please try again shortly.")
        case Failure.UNKNOWN:
            return _("Something went wrong on NemoVideo's side. Please try again.")


def _account_text(
    reason: Failure, tr: Translator, register_link: str | None, account_link: str | None
) -> str:
    _ = tr.gettext
    if reason is Failure.OUT_OF_CREDITS:
        lines = [
            _(
                "💳 The NemoVideo account I work with has run out of credits (they are the "
                "bot's, not yours), so I can't make changes for now."
            )
        ]
    else:
        lines = [
            _(
                "The plan of the NemoVideo account I work with does not include getting the "
                "finished video."
            )
        ]
    lines.append(_("Your project is kept: nothing is lost, and you can carry on later."))
    credits = reason is Failure.OUT_OF_CREDITS
    if register_link and credits:
        way_out = _("Registering for free on NemoVideo adds credits to that account: {link}")
    elif register_link:
        way_out = _("Registering for free on NemoVideo unlocks it for that account: {link}")
    elif credits:
        way_out = _("Whoever runs this bot can top up the account at {link}")
    else:
        way_out = _("Whoever runs this bot can upgrade the account's plan at {link}")
    lines.append(way_out.format(link=register_link or account_link or "nemovideo.com"))
    return "\n".join(lines)
