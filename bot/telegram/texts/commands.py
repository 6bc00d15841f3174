"""What the bot says about itself: greetings, help, menus and the answers to commands.

Command names differ per language (/esporta, /export), so every sentence that names a
command takes it as a placeholder; each line is a whole translatable template.
"""

from __future__ import annotations

from bot.core.actions import Action
from bot.i18n import Translator
from bot.telegram.commands import command_name


def _names(tr: Translator) -> dict[str, str]:
    """Every command's name in the chat's language, keyed as the templates name them."""
    return {
        "collect": command_name(tr.locale, Action.COLLECT),
        "create": command_name(tr.locale, Action.CREATE),
        "export": command_name(tr.locale, Action.EXPORT),
        "state": command_name(tr.locale, Action.STATE),
        "credits": command_name(tr.locale, Action.CREDITS),
        "new": command_name(tr.locale, Action.NEW_PROJECT),
        "language": command_name(tr.locale, Action.LANGUAGE),
        "help": command_name(tr.locale, Action.HELP),
    }


def menu_description(action: Action, tr: Translator) -> str:
    """The line beside a command in the menu."""
    _ = tr.gettext
    descriptions = {
        Action.COLLECT: _("Collect photos from everyone in the group"),
        Action.CREATE: _("Make the video from what you all sent"),
        Action.EXPORT: _("Get the finished video here in the chat"),
        Action.STATE: _("See what the video has so far"),
        Action.CREDITS: _("Credits left on the NemoVideo account I use"),
        Action.NEW_PROJECT: _("Start over with a new video"),
        Action.LANGUAGE: _("Change language: it, en, zh"),
        Action.HELP: _("How it works"),
    }
    return descriptions[action]


def default_instruction(tr: Translator) -> str:
    """What the agent is asked when a group makes its video without saying more."""
    return tr.gettext(
        "Make a slideshow of all the uploaded photos and clips, with music and transitions."
    )


def _credits_line(tr: Translator) -> str:
    """Whose credits the bot spends, and that the finished video costs none."""
    return tr.gettext(
        "🪙 Making and editing the video uses credits of the NemoVideo account I work "
        "with (to see them: /{credits}); getting the finished video is free."
    ).format(**_names(tr))


def _first_steps_footer(tr: Translator) -> list[str]:
    """Credits and language: what a first contact must mention, private or group."""
    language = tr.gettext("🌐 To change language: /{language} followed by it, en or zh.")
    return [_credits_line(tr), language.format(**_names(tr))]


def greeting(tr: Translator) -> str:
    """The answer to /start: what the bot does and what to try first."""
    _ = tr.gettext
    return "\n".join(
        [
            _("Hi! 👋 I turn your photos and clips into videos you can share."),
            _(
                "Send me photos (whole albums too), clips or music, then tell me what video "
                "you want."
            ),
            "",
            _("For example:"),
            _("• “make a slideshow with Italian music”"),
            _("• “add the title Summer in Puglia”"),
            _("• “export” when you like it: I send you the video right here"),
            "",
            *_first_steps_footer(tr),
        ]
    )


def help_text(tr: Translator) -> str:
    """The answer to /help: every command and the words that work without one."""
    _ = tr.gettext
    names = _names(tr)
    lines = [
        _("📸 Send me photos, clips or music: I add them to your video."),
        _("🔗 A link to a photo or video works too: I fetch it from there."),
        _("✏️ Tell me what you want and I do it, e.g. “shorter transitions”."),
        "",
        _("/{export} — get the finished video here in the chat"),
        _("/{state} — see what the video has so far"),
        _("/{credits} — credits left on the NemoVideo account I use"),
        _("/{new} — start over with a new video"),
        _("/{language} it|en|zh — change language"),
        "",
    ]
    return "\n".join([*(line.format(**names) for line in lines), _credits_line(tr)])


def group_help(tr: Translator, *, sees_everything: bool) -> str:
    """What members of a group must do, which depends on Telegram's privacy mode."""
    _ = tr.gettext
    names = _names(tr)
    lines = [
        _("👋 Hi everyone! I turn this group's photos and clips into one video."),
        _(
            "• Send /{collect} to start a collection, then reply to my message with your "
            "photos, albums, clips or music."
        ),
        _(
            "• When everyone is done, send /{create}; you can add how you want it, "
            "e.g. “/{create} a lively slideshow”."
        ),
        _(
            "• To ask for changes, mention me or reply to my messages; /{export} sends the "
            "finished video here."
        ),
    ]
    if sees_everything:
        lines.append(
            _(
                "I see every message here, but I only act on commands, mentions, replies to "
                "my messages and files sent during a collection."
            )
        )
    else:
        lines.append(
            _(
                "I only see commands, mentions and replies to my messages. If you want me to "
                "collect photos posted normally too, make me an admin."
            )
        )
    return "\n".join([*(line.format(**names) for line in lines), *_first_steps_footer(tr)])


def language_usage(tr: Translator) -> str:
    """How to choose a language, listing the choices."""
    return tr.gettext(
        "Choose a language: /{language} it (Italiano), /{language} en (English) "
        "or /{language} zh (中文)."
    ).format(**_names(tr))


def language_set(tr: Translator) -> str:
    """Confirmation, in the newly chosen language: each catalog names its own language."""
    return tr.gettext("Done! From now on I speak English in this chat.")


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
    return tr.gettext("I don't know that command. Send /{help} to see what I can do.").format(
        **_names(tr)
    )


def button_expired(tr: Translator) -> str:
    """The answer to a tap on a button whose data the bot no longer understands."""
    return tr.gettext("This button has expired.")


def something_went_wrong(tr: Translator) -> str:
    """The answer when the bot itself failed; details go to the log, never the chat."""
    return tr.gettext("Something went wrong on my side. Please try again.")
