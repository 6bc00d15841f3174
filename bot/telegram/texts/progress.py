"""The status message's text for each stage of a long operation."""

from __future__ import annotations

from bot.core.notices import (
    Downloading,
    Progress,
    Queued,
    Rendering,
    ToolActivity,
    Uploading,
    Working,
)
from bot.i18n import Translator
from bot.telegram.texts import native


def progress_text(progress: Progress, tr: Translator) -> str:
    """The text of the status message for a stage of a long operation."""
    _ = tr.gettext
    match progress:
        case Working(doing=ToolActivity() as doing):
            return native.doing(doing, tr)
        case Working(elapsed=elapsed):
            minutes = max(1, round(elapsed / 60))
            return tr.ngettext(
                "⏳ Still working on it… ({minutes} minute so far)",
                "⏳ Still working on it… ({minutes} minutes so far)",
                minutes,
            ).format(minutes=tr.number(minutes))
        case Uploading(count=count):
            return tr.ngettext(
                "⏳ Adding {count} file to your project…",
                "⏳ Adding {count} files to your project…",
                count,
            ).format(count=tr.number(count))
        case Rendering(progress=None):
            return _("⏳ Making the video file…")
        case Rendering(progress=percent):
            return _("⏳ Making the video file… {percent}").format(
                percent=tr.percent((percent or 0) / 100)
            )
        case Downloading():
            return _("⏳ Almost done: getting the video ready to send you…")
        case Queued(position=position):
            return _(
                "🎞️ In line: #{position}. Your video starts as soon as the ones before it are done…"
            ).format(position=tr.number(position))
