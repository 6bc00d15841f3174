"""The words about a video the bot makes itself: the offer, and why one failed."""

from __future__ import annotations

from bot.core.notices import LocalFailure, LocalVideoFailed
from bot.i18n import Translator
from bot.telegram.texts.failures import supported_formats


def local_offer_text(tr: Translator) -> str:
    """Under a cloud failure: what the button below offers instead."""
    return tr.gettext(
        "🎞️ Meanwhile I can make a simple video myself from the photos and clips you sent, "
        "for free: tap the button below."
    )


def local_failure_text(failed: LocalVideoFailed, tr: Translator) -> str:
    """Why the bot could not make the video itself, and what the person can do."""
    _ = tr.gettext
    match failed.reason:
        case LocalFailure.NOTHING_TO_SHOW:
            return _(
                "🎞️ I have no photos or clips of this project to make a video from. "
                "Send me some, then ask again."
            )
        case LocalFailure.UNREADABLE:
            return (
                _(
                    "🎞️ I couldn't read one of your files ({name}), so I couldn't make the video. "
                    "Send it again in another format, or start over without it."
                ).format(name=failed.file_name or "?")
                + " "
                + supported_formats(tr)
            )
        case LocalFailure.UNAVAILABLE:
            return _(
                "🎞️ Telegram no longer gives me one of the files you sent, so I couldn't "
                "make the video. Send your photos and clips again, then ask again."
            )
        case LocalFailure.FAILED:
            return _("🎞️ Something went wrong while I was making the video. Please try again.")
