"""The command menus Telegram shows, per audience and language."""

from __future__ import annotations

from enum import StrEnum

from telegram import BotCommand

from bot.core.actions import Action
from bot.i18n import Translator
from bot.telegram.commands import command_name
from bot.telegram.texts import commands as texts


class MenuScope(StrEnum):
    """Who sees a command menu."""

    PRIVATE = "private"
    GROUP = "group"
    GROUP_ADMIN = "group_admin"


_MENUS = {
    MenuScope.PRIVATE: (
        Action.EXPORT,
        Action.STATE,
        Action.CREDITS,
        Action.NEW_PROJECT,
        Action.LANGUAGE,
        Action.HELP,
    ),
    MenuScope.GROUP: (
        Action.COLLECT,
        Action.CREATE,
        Action.EXPORT,
        Action.STATE,
        Action.CREDITS,
        Action.HELP,
    ),
    MenuScope.GROUP_ADMIN: (
        Action.COLLECT,
        Action.CREATE,
        Action.EXPORT,
        Action.STATE,
        Action.CREDITS,
        Action.NEW_PROJECT,
        Action.LANGUAGE,
        Action.HELP,
    ),
}


def menu(tr: Translator, scope: MenuScope) -> list[BotCommand]:
    """The command menu for one language and audience, as registered with setMyCommands."""
    return [
        BotCommand(command_name(tr.locale, action), texts.menu_description(action, tr))
        for action in _MENUS[scope]
    ]
