"""The bot's commands: their names in every language and the texts that explain them.

Telegram command names may only use Latin letters, digits and underscores, so the
Chinese menu lists the English names with Chinese descriptions; Chinese words such as
“导出” are understood as plain text by the router instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from telegram import BotCommand

from bot.i18n import Translator


class Command(StrEnum):
    """What a command does, whatever it is called."""

    START = "start"
    HELP = "help"
    NEW = "new"
    LANGUAGE = "language"
    EXPORT = "export"
    CREDITS = "credits"
    STATUS = "status"
    COLLECT = "collect"
    CREATE = "create"


@dataclass(frozen=True)
class CommandNames:
    """Every name a command answers to."""

    command: Command
    names: tuple[str, ...]


COMMANDS: tuple[CommandNames, ...] = (
    CommandNames(Command.START, ("start",)),
    CommandNames(Command.HELP, ("aiuto", "help")),
    CommandNames(Command.NEW, ("nuovo", "new", "新建")),
    CommandNames(Command.LANGUAGE, ("lingua", "language")),
    CommandNames(Command.EXPORT, ("esporta", "export")),
    CommandNames(Command.CREDITS, ("crediti", "credits")),
    CommandNames(Command.STATUS, ("stato", "status")),
    CommandNames(Command.COLLECT, ("raccogli", "collect", "收集")),
    CommandNames(Command.CREATE, ("crea", "create", "创建")),
)

# Telegram only registers Latin command names; these arrive as plain text instead.
NON_LATIN_NAMES = tuple(name for entry in COMMANDS for name in entry.names if not name.isascii())


def command_named(name: str) -> Command | None:
    """The command a name (any language, without the slash) stands for."""
    return next((entry.command for entry in COMMANDS if name in entry.names), None)


class MenuScope(StrEnum):
    """Who sees a command menu."""

    PRIVATE = "private"
    GROUP = "group"
    GROUP_ADMIN = "group_admin"


_MENU_COMMANDS = {
    MenuScope.PRIVATE: (
        Command.EXPORT,
        Command.STATUS,
        Command.CREDITS,
        Command.NEW,
        Command.LANGUAGE,
        Command.HELP,
    ),
    MenuScope.GROUP: (
        Command.COLLECT,
        Command.CREATE,
        Command.EXPORT,
        Command.STATUS,
        Command.CREDITS,
        Command.HELP,
    ),
    MenuScope.GROUP_ADMIN: (
        Command.COLLECT,
        Command.CREATE,
        Command.EXPORT,
        Command.STATUS,
        Command.CREDITS,
        Command.NEW,
        Command.LANGUAGE,
        Command.HELP,
    ),
}

# The name shown in each language's menu.
_MENU_NAME = {
    "it": {
        Command.HELP: "aiuto",
        Command.NEW: "nuovo",
        Command.LANGUAGE: "lingua",
        Command.EXPORT: "esporta",
        Command.CREDITS: "crediti",
        Command.STATUS: "stato",
        Command.COLLECT: "raccogli",
        Command.CREATE: "crea",
    },
    "en": {command: command.value for command in Command},
    "zh": {command: command.value for command in Command},
}

LANGUAGE_NAMES = {"it": "Italiano", "en": "English", "zh": "中文"}


def command_name(locale: str, command: Command) -> str:
    """The name a command goes by in the menu of ``locale``."""
    return _MENU_NAME[locale][command]


def menu(tr: Translator, scope: MenuScope) -> list[BotCommand]:
    """The command menu for one language and audience, as registered with setMyCommands."""
    _ = tr.gettext
    descriptions = {
        Command.COLLECT: _("Collect photos from the group's members"),
        Command.CREATE: _("Make the video from what was collected"),
        Command.EXPORT: _("Render the video and send it"),
        Command.STATUS: _("Show the project's tracks"),
        Command.CREDITS: _("Show your credits"),
        Command.NEW: _("Start a new project"),
        Command.LANGUAGE: _("Change language: it, en, zh"),
        Command.HELP: _("How to use the bot"),
    }
    names = _MENU_NAME[tr.locale]
    return [BotCommand(names[command], descriptions[command]) for command in _MENU_COMMANDS[scope]]


def greeting(tr: Translator) -> str:
    """The answer to /start: what the bot does and what to try first."""
    _ = tr.gettext
    return "\n".join(
        [
            _("Hi! 👋 I turn your photos and clips into videos to share."),
            _("Send me photos (albums too), clips or music, then tell me what video you want."),
            "",
            _("Try saying:"),
            _("• “make a slideshow with Italian music”"),
            _("• “add the title Summer in Puglia”"),
            _("• “export” when you are happy with it"),
        ]
    )


def help_text(tr: Translator) -> str:
    """The answer to /help: every command and the words that work without one."""
    _ = tr.gettext
    names = _MENU_NAME[tr.locale]
    lines = [
        _("Send photos, clips or music: I add them to this chat's project."),
        _("Write what you want and the editor does it, e.g. “shorter transitions”."),
        _("A link to a video or photo works too: I fetch it."),
        "",
        f"/{names[Command.EXPORT]} — " + _("render the video and send it"),
        f"/{names[Command.STATUS]} — " + _("show the project's tracks"),
        f"/{names[Command.CREDITS]} — " + _("show your credits"),
        f"/{names[Command.NEW]} — " + _("start a new project"),
        f"/{names[Command.LANGUAGE]} it|en|zh — " + _("change language"),
    ]
    return "\n".join(lines)


def language_usage(tr: Translator) -> str:
    """How to use /language, listing the choices."""
    choices = ", ".join(f"{code} ({name})" for code, name in LANGUAGE_NAMES.items())
    return tr.gettext("Choose a language: /language it|en|zh — {choices}").format(choices=choices)


def language_set(tr: Translator) -> str:
    """Confirmation, in the newly chosen language."""
    return tr.gettext("Done: I will speak {language} in this chat.").format(
        language=LANGUAGE_NAMES[tr.locale]
    )


def chat_not_allowed(tr: Translator) -> str:
    """The polite refusal for chats outside ALLOWED_CHATS."""
    return tr.gettext("Sorry, this bot is not available in this chat.")


def unknown_command(tr: Translator) -> str:
    """The answer to a command the bot does not have."""
    return tr.gettext("I do not know that command. Send /help to see what I can do.")


def button_expired(tr: Translator) -> str:
    """The answer to a tap on a button whose data the bot no longer understands."""
    return tr.gettext("This button has expired.")


def something_went_wrong(tr: Translator) -> str:
    """The answer when the bot itself failed; details go to the log, never the chat."""
    return tr.gettext("Something went wrong on my side. Please try again.")


def group_help(tr: Translator, *, sees_everything: bool) -> str:
    """What members of a group must do, which depends on Telegram's privacy mode."""
    _ = tr.gettext
    names = _MENU_NAME[tr.locale]
    lines = [
        _("👋 Hi everyone! I turn this group's photos and clips into one video."),
        _(
            "• Send /{collect} to start a collection, then reply to my message with your "
            "photos, albums, clips or music."
        ).format(collect=names[Command.COLLECT]),
        _("• Send /{create} when everyone is done (add what you want, if you like).").format(
            create=names[Command.CREATE]
        ),
        _(
            "• Mention me or reply to my messages to ask for changes; /{export} sends the video."
        ).format(export=names[Command.EXPORT]),
    ]
    if sees_everything:
        lines.append(
            _(
                "I see every message here, but I only act on commands, mentions, replies to me "
                "and media sent during a collection."
            )
        )
    else:
        lines.append(
            _(
                "I only see commands, mentions and replies to my messages. To let me collect "
                "photos posted normally, make me an admin."
            )
        )
    return "\n".join(lines)


def admins_only_new_project(tr: Translator) -> str:
    """Why a member who is not an admin cannot start a new project."""
    return tr.gettext(
        "Only the group's admins can start a new project: this one belongs to everyone here."
    )


def admins_only_language(tr: Translator, limit: int) -> str:
    """Why a member who is not an admin cannot change a big group's language."""
    return tr.gettext(
        "In groups with more than {count} members only admins can change the language."
    ).format(count=tr.number(limit))
