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


@dataclass(frozen=True)
class CommandNames:
    """Every name a command answers to."""

    command: Command
    names: tuple[str, ...]


COMMANDS: tuple[CommandNames, ...] = (
    CommandNames(Command.START, ("start",)),
    CommandNames(Command.HELP, ("aiuto", "help")),
    CommandNames(Command.NEW, ("nuovo", "new")),
    CommandNames(Command.LANGUAGE, ("lingua", "language")),
    CommandNames(Command.EXPORT, ("esporta", "export")),
    CommandNames(Command.CREDITS, ("crediti", "credits")),
    CommandNames(Command.STATUS, ("stato", "status")),
)

# The name shown in each language's menu.
_MENU_NAME = {
    "it": {
        Command.HELP: "aiuto",
        Command.NEW: "nuovo",
        Command.LANGUAGE: "lingua",
        Command.EXPORT: "esporta",
        Command.CREDITS: "crediti",
        Command.STATUS: "stato",
    },
    "en": {command: command.value for command in Command},
    "zh": {command: command.value for command in Command},
}

LANGUAGE_NAMES = {"it": "Italiano", "en": "English", "zh": "中文"}


def menu(tr: Translator) -> list[BotCommand]:
    """The command menu for one language, as registered with setMyCommands."""
    _ = tr.gettext
    descriptions = {
        Command.EXPORT: _("Render the video and send it"),
        Command.STATUS: _("Show the project's tracks"),
        Command.CREDITS: _("Show your credits"),
        Command.NEW: _("Start a new project"),
        Command.LANGUAGE: _("Change language: it, en, zh"),
        Command.HELP: _("How to use the bot"),
    }
    names = _MENU_NAME[tr.locale]
    return [BotCommand(names[command], text) for command, text in descriptions.items()]


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
