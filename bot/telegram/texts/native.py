"""Words for Telegram's own surfaces: the bot's profile, live status lines, sharing, and
the one summary a group collection ends with."""

from __future__ import annotations

from bot.core.notices import CollectionSummary, ToolActivity
from bot.i18n import Translator


def description(tr: Translator) -> str:
    """The empty chat's screen, before the first message (setMyDescription, ≤ 512)."""
    return tr.gettext(
        "I turn your photos and clips into a video with music, transitions and titles.\n\n"
        "Send me photos or clips, then tell me what video you would like, for example "
        "“make a slideshow with cheerful music”. When you like it, ask me to export it "
        "and I will send you the MP4.\n\n"
        "In a group, members can collect photos together for one video."
    )


def short_description(tr: Translator) -> str:
    """The line on the bot's profile and in shared links (setMyShortDescription, ≤ 120)."""
    return tr.gettext("Your photos and clips become a video with music, made by chatting.")


def doing(activity: ToolActivity, tr: Translator) -> str:
    """What the agent is busy with, said without its tools' names."""
    _ = tr.gettext
    lines = {
        ToolActivity.EDITING: _("✂️ Editing the timeline…"),
        ToolActivity.GENERATING: _("🎬 Preparing the video material…"),
        ToolActivity.MUSIC: _("🎵 Working on the music…"),
        ToolActivity.TEXT: _("✍️ Writing the titles…"),
    }
    return lines[activity]


def collection_summary(summary: CollectionSummary, tr: Translator) -> str:
    """Who added what, once, as the collection becomes a video."""
    people = ", ".join(
        tr.gettext("{name}: {count}").format(name=name, count=tr.number(count))
        for name, count in summary.contributions
    )
    return tr.ngettext(
        "📸 Collection closed with {total} item ({people}). Making the video…",
        "📸 Collection closed with {total} items ({people}). Making the video…",
        summary.total,
    ).format(total=tr.number(summary.total), people=people)


def share_button(tr: Translator) -> str:
    """The button under a delivered video that posts it into another chat."""
    return tr.gettext("📤 Share")


def shared_video_title(tr: Translator) -> str:
    """The title of the video offered when the person picks a chat to share it in."""
    return tr.gettext("My video")
