"""The bot's commands: which action each name asks for, in every language.

Telegram command names may only use Latin letters, digits and underscores, so the
Chinese menu lists the English names with Chinese descriptions; Chinese names such as
“/新建” still work, arriving as plain text.
"""

from __future__ import annotations

from bot.core.actions import Action

# Every name a command answers to, and the action it asks for.
COMMANDS: dict[Action, tuple[str, ...]] = {
    Action.START: ("start",),
    Action.HELP: ("aiuto", "help"),
    Action.NEW_PROJECT: ("nuovo", "new", "新建"),
    Action.LANGUAGE: ("lingua", "language"),
    Action.EXPORT: ("esporta", "export"),
    Action.CREDITS: ("crediti", "credits"),
    Action.STATE: ("stato", "status"),
    Action.COLLECT: ("raccogli", "collect", "收集"),
    Action.CREATE: ("crea", "create", "创建"),
}

# The commands that make sense in a photo's caption; others are for a text message.
CAPTION_ACTIONS = frozenset(
    {Action.CREATE, Action.COLLECT, Action.EXPORT, Action.STATE, Action.CREDITS}
)

LATIN_NAMES = tuple(name for names in COMMANDS.values() for name in names if name.isascii())
# Telegram only registers Latin command names; these arrive as plain text instead.
NON_LATIN_NAMES = tuple(
    name for names in COMMANDS.values() for name in names if not name.isascii()
)

_ACTION_OF_NAME = {name: action for action, names in COMMANDS.items() for name in names}


def action_named(name: str) -> Action | None:
    """The action a command name (any language, without the slash) asks for."""
    return _ACTION_OF_NAME.get(name.casefold())


# The name each language's menu shows: its own word where Telegram allows one.
_MENU_LANGUAGE_OF_NAMES = {"it": 0, "en": 1, "zh": 1}


def command_name(locale: str, action: Action) -> str:
    """The name a command goes by in the menu of ``locale``."""
    names = COMMANDS[action]
    return names[min(_MENU_LANGUAGE_OF_NAMES[locale], len(names) - 1)]
