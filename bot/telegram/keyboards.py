"""One-tap next steps under the bot's replies: the chat's answer to a GUI's buttons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, SwitchInlineQueryChosenChat

from bot.core.actions import Action
from bot.i18n import Translator
from bot.telegram.texts.native import share_button

CALLBACK_PREFIX = "next:"
# A choice between readings of a message the router was unsure of; the message itself
# is the one the question replies to.
CHOICE_PREFIX = "pick:"


def N_(message: str) -> str:
    """Mark a message for the catalogs; it is translated where it is shown."""
    return message


# The actions a next-step button can ask for, and what the button says. Button data is
# kept by Telegram for as long as the message lives: only these values were ever sent,
# so only these are read back.
_NEXT_STEPS = {
    Action.EXPORT: N_("🎬 Get the video"),
    Action.STATE: N_("📋 What's in it"),
    Action.CREDITS: N_("💳 Credits"),
    Action.LOCAL_VIDEO: N_("🎞️ Free simple video"),
}
# What each reading of an unclear message is called on its button.
_CHOICES = {
    Action.EXPORT: N_("📤 Export the video now"),
    Action.CHAT: N_("✏️ It is a change to the video"),
    Action.CREDITS: N_("💳 Show the credits"),
    Action.STATE: N_("📋 Show the project so far"),
    Action.UPLOAD: N_("📎 Add what the link points to"),
}


def next_steps(steps: Sequence[Action], tr: Translator) -> InlineKeyboardMarkup | None:
    """Buttons for the given steps, or None when there are none."""
    if not steps:
        return None
    buttons = [
        InlineKeyboardButton(
            tr.gettext(_NEXT_STEPS[step]), callback_data=f"{CALLBACK_PREFIX}{step.value}"
        )
        for step in steps
    ]
    return InlineKeyboardMarkup([buttons])


def with_share(
    markup: InlineKeyboardMarkup | None, share_key: str | None, tr: Translator
) -> InlineKeyboardMarkup | None:
    """The buttons with a Share button below them, when there is something to share.

    The button opens Telegram's chat picker with the inline query ``share_key``
    already typed; the bot answers it with the video (``bot.telegram.sharing``).
    """
    if share_key is None:
        return markup
    chosen = SwitchInlineQueryChosenChat(
        query=share_key, allow_user_chats=True, allow_group_chats=True, allow_channel_chats=True
    )
    row = [InlineKeyboardButton(share_button(tr), switch_inline_query_chosen_chat=chosen)]
    return InlineKeyboardMarkup([*(markup.inline_keyboard if markup else ()), row])


def parse(data: str | None) -> Action | None:
    """The action a next-step button stands for, or None for stale or foreign data."""
    return _action(data, CALLBACK_PREFIX, _NEXT_STEPS)


def choices(options: Sequence[Action], tr: Translator) -> InlineKeyboardMarkup:
    """One button per reading of the message, one per row so each label can be whole."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tr.gettext(_CHOICES[option]), callback_data=f"{CHOICE_PREFIX}{option}"
                )
            ]
            for option in options
        ]
    )


def parse_choice(data: str | None) -> Action | None:
    """The reading a choice button picks, or None for stale or foreign data."""
    return _action(data, CHOICE_PREFIX, _CHOICES)


def _action(data: str | None, prefix: str, allowed: Mapping[Action, str]) -> Action | None:
    if not data or not data.startswith(prefix):
        return None
    value = data.removeprefix(prefix)
    return next((action for action in allowed if action.value == value), None)
