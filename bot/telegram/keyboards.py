"""One-tap next steps under the agent's replies: the chat's answer to a GUI's buttons."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.notices import NextStep
from bot.i18n import Translator

CALLBACK_PREFIX = "next:"


def next_steps(steps: Sequence[NextStep], tr: Translator) -> InlineKeyboardMarkup | None:
    """Buttons for the given steps, or None when there are none."""
    if not steps:
        return None
    _ = tr.gettext
    labels = {
        NextStep.EXPORT: _("🎬 Export"),
        NextStep.STATE: _("📋 Tracks"),
        NextStep.CREDITS: _("💳 Credits"),
    }
    buttons = [
        InlineKeyboardButton(labels[step], callback_data=f"{CALLBACK_PREFIX}{step.value}")
        for step in steps
    ]
    return InlineKeyboardMarkup([buttons])


def parse(data: str | None) -> NextStep | None:
    """The step a button stands for, or None for stale or foreign data."""
    if not data or not data.startswith(CALLBACK_PREFIX):
        return None
    try:
        return NextStep(data.removeprefix(CALLBACK_PREFIX))
    except ValueError:
        return None
