"""One-tap next steps under the bot's replies: the chat's answer to a GUI's buttons."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.actions import Action
from bot.i18n import Translator

CALLBACK_PREFIX = "next:"


def _labels(tr: Translator) -> dict[Action, str]:
    """The actions a button can ask for, and what the button says."""
    _ = tr.gettext
    return {
        Action.EXPORT: _("🎬 Get the video"),
        Action.STATE: _("📋 What's in it"),
        Action.CREDITS: _("💳 Credits"),
    }


def next_steps(steps: Sequence[Action], tr: Translator) -> InlineKeyboardMarkup | None:
    """Buttons for the given steps, or None when there are none."""
    if not steps:
        return None
    labels = _labels(tr)
    buttons = [
        InlineKeyboardButton(labels[step], callback_data=f"{CALLBACK_PREFIX}{step.value}")
        for step in steps
    ]
    return InlineKeyboardMarkup([buttons])


# Button data is kept by Telegram for as long as the message lives: only these values
# were ever sent, so only these are read back.
_BUTTON_ACTIONS = frozenset({Action.EXPORT, Action.STATE, Action.CREDITS})


def parse(data: str | None) -> Action | None:
    """The action a button stands for, or None for stale or foreign data."""
    if not data or not data.startswith(CALLBACK_PREFIX):
        return None
    value = data.removeprefix(CALLBACK_PREFIX)
    return next((action for action in _BUTTON_ACTIONS if action.value == value), None)
