"""What the bot says about itself: greetings, help, menus and the answers to commands."""

from __future__ import annotations

from bot.core.actions import Action
from bot.i18n import Translator
from bot.telegram.commands import command_name

LANGUAGE_NAMES = {"it": "Italiano", "en": "English", "zh": "中文"}


def _name(tr: Translator, action: Action) -> str:
    return command_name(tr.locale, action)


def menu_description(action: Action, tr: Translator) -> str:
    """The line beside a command in the menu."""
    _ = tr.gettext
    descriptions = {
        Action.COLLECT: _("Collect photos from the group's members"),
        Action.CREATE: _("Make the video from what was collected"),
        Action.EXPORT: _("Render the video and send it"),
        Action.STATE: _("Show the project's tracks"),
        Action.CREDITS: _("Show your credits"),
        Action.NEW_PROJECT: _("Start a new project"),
        Action.LANGUAGE: _("Change language: it, en, zh"),
        Action.HELP: _("How to use the bot"),
    }
    return descriptions[action]


def default_instruction(tr: Translator) -> str:
    """What the agent is asked when a group makes its video without saying more."""
    return tr.gettext(
        "Make a slideshow of all the uploaded photos and clips, with music and transitions."
    )


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
    lines = [
        _("Send photos, clips or music: I add them to this chat's project."),
        _("Write what you want and the editor does it, e.g. “shorter transitions”."),
        _("A link to a video or photo works too: I fetch it."),
        "",
        f"/{_name(tr, Action.EXPORT)} — " + _("render the video and send it"),
        f"/{_name(tr, Action.STATE)} — " + _("show the project's tracks"),
        f"/{_name(tr, Action.CREDITS)} — " + _("show your credits"),
        f"/{_name(tr, Action.NEW_PROJECT)} — " + _("start a new project"),
        f"/{_name(tr, Action.LANGUAGE)} it|en|zh — " + _("change language"),
    ]
    return "\n".join(lines)


def group_help(tr: Translator, *, sees_everything: bool) -> str:
    """What members of a group must do, which depends on Telegram's privacy mode."""
    _ = tr.gettext
    lines = [
        _("👋 Hi everyone! I turn this group's photos and clips into one video."),
        _(
            "• Send /{collect} to start a collection, then reply to my message with your "
            "photos, albums, clips or music."
        ).format(collect=_name(tr, Action.COLLECT)),
        _("• Send /{create} when everyone is done (add what you want, if you like).").format(
            create=_name(tr, Action.CREATE)
        ),
        _(
            "• Mention me or reply to my messages to ask for changes; /{export} sends the video."
        ).format(export=_name(tr, Action.EXPORT)),
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


def language_usage(tr: Translator) -> str:
    """How to use /language, listing the choices."""
    choices = ", ".join(f"{code} ({name})" for code, name in LANGUAGE_NAMES.items())
    return tr.gettext("Choose a language: /language it|en|zh — {choices}").format(choices=choices)


def language_set(tr: Translator) -> str:
    """Confirmation, in the newly chosen language."""
    return tr.gettext("Done: I will speak {language} in this chat.").format(
        language=LANGUAGE_NAMES[tr.locale]
    )


def admins_only(action: Action, tr: Translator, members_limit: int | None) -> str:
    """Why a member who is not an admin may not do this in a group."""
    if action is Action.LANGUAGE:
        return tr.gettext(
            "In groups with more than {count} members only admins can change the language."
        ).format(count=tr.number(members_limit or 0))
    return tr.gettext(
        "Only the group's admins can start a new project: this one belongs to everyone here."
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
