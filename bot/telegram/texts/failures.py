"""The one place a failure becomes words, with the recovery it needs."""

from __future__ import annotations

from bot.core.failures import Failure
from bot.core.media import SUPPORTED_FORMAT_NAMES
from bot.i18n import Translator


def supported_formats(tr: Translator) -> str:
    """The formats a person can send, for refusals and help."""
    return tr.gettext("Supported formats: {formats}.").format(
        formats=", ".join(SUPPORTED_FORMAT_NAMES)
    )


def explain(reason: Failure, tr: Translator, register_link: str | None = None) -> str:
    """A sentence for the chat; never an exception's own text, which may carry data."""
    _ = tr.gettext
    match reason:
        case Failure.OUT_OF_CREDITS if register_link:
            return _(
                "You have run out of credits. Create a free NemoVideo account to get more: {link}"
            ).format(link=register_link)
        case Failure.OUT_OF_CREDITS:
            return _("You have run out of credits. Top up your NemoVideo credits to continue.")
        case Failure.EXPORT_NOT_IN_PLAN:
            return _(
                "Your NemoVideo plan does not include export. "
                "Register or upgrade your plan to unlock it."
            )
        case Failure.FILE_NOT_USABLE:
            return _("NemoVideo cannot use that file.") + " " + supported_formats(tr)
        case Failure.FILE_TOO_BIG:
            return _("That file is too big for NemoVideo: compress or trim it and send it again.")
        case Failure.ACCESS_EXPIRED:
            return _(
                "The bot's NemoVideo access has expired. The bot's operator needs to renew it; "
                "please try again later."
            )
        case Failure.PROJECT_LOST:
            return _("NemoVideo has lost this project. Send /new to start a fresh one.")
        case Failure.BUSY:
            return _("NemoVideo is busy right now. Please try again in a minute.")
        case Failure.REQUEST_NOT_DONE:
            return _("The editor could not complete that request. Try saying it differently.")
        case Failure.REQUEST_TOO_SLOW:
            return _("The editor took too long to answer. Please try again.")
        case Failure.RENDER_FAILED:
            return _("The render failed. Please try exporting again.")
        case Failure.UNREACHABLE:
            return _("NemoVideo is not answering right now. Please try again shortly.")
        case Failure.UNKNOWN:
            return _("Something went wrong on NemoVideo's side. Please try again.")
