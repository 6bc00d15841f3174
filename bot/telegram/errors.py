"""The one place a cloud error becomes words, with the recovery it needs."""

from __future__ import annotations

from bot.core.media import SUPPORTED_FORMAT_NAMES
from bot.i18n import Translator
from bot.nemo import (
    ExportNotAllowed,
    FileTooLarge,
    NemoError,
    NemoUnavailable,
    OutOfCredits,
    RateLimited,
    RenderFailed,
    SessionNotFound,
    TokenExpired,
    TurnFailed,
    TurnTimedOut,
    UnsupportedFile,
)


def supported_formats(tr: Translator) -> str:
    """The formats a person can send, for refusals and help."""
    return tr.gettext("Supported formats: {formats}.").format(
        formats=", ".join(SUPPORTED_FORMAT_NAMES)
    )


def explain(error: NemoError, tr: Translator, register_link: str | None = None) -> str:
    """A sentence for the chat; never the exception's own text, which may carry data."""
    _ = tr.gettext
    match error:
        case OutOfCredits() if register_link:
            return _(
                "You have run out of credits. Create a free NemoVideo account to get more: {link}"
            ).format(link=register_link)
        case OutOfCredits():
            return _("You have run out of credits. Top up your NemoVideo credits to continue.")
        case ExportNotAllowed():
            return _(
                "Your NemoVideo plan does not include export. "
                "Register or upgrade your plan to unlock it."
            )
        case UnsupportedFile():
            return _("NemoVideo cannot use that file.") + " " + supported_formats(tr)
        case FileTooLarge():
            return _("That file is too big for NemoVideo: compress or trim it and send it again.")
        case TokenExpired():
            return _(
                "The bot's NemoVideo access has expired. The bot's operator needs to renew it; "
                "please try again later."
            )
        case SessionNotFound():
            return _("NemoVideo has lost this project. Send /new to start a fresh one.")
        case RateLimited():
            return _("NemoVideo is busy right now. Please try again in a minute.")
        case TurnFailed():
            return _("The editor could not complete that request. Try saying it differently.")
        case TurnTimedOut():
            return _("The editor took too long to answer. Please try again.")
        case RenderFailed():
            return _("The render failed. Please try exporting again.")
        case NemoUnavailable():
            return _("NemoVideo is not answering right now. Please try again shortly.")
    return _("Something went wrong on NemoVideo's side. Please try again.")
