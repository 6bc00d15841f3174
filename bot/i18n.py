"""Gettext catalogs and locale-aware formatting for the three chat languages.

Catalogs live as ``locales/<locale>/LC_MESSAGES/messages.po`` and are managed with
``pybabel extract/update`` (see README). They are compiled in memory when the bot
starts, so a clean clone needs no build step and a stale ``.mo`` can never be served.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

SUPPORTED_LOCALES: tuple[str, ...] = ("it", "en", "zh")
DEFAULT_LOCALE = "it"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


def resolve_locale(chosen: str | None, telegram_language_code: str | None) -> str:
    """Pick the chat's language: its stored choice, else the sender's app language, else Italian.

    Telegram sends IETF tags such as ``it``, ``en-US`` or ``zh-hans``; only the primary
    subtag matters to us.
    """
    for candidate in (chosen, telegram_language_code):
        if candidate:
            primary = candidate.replace("_", "-").split("-", 1)[0].casefold()
            if primary in SUPPORTED_LOCALES:
                return primary
    return DEFAULT_LOCALE


@dataclass(frozen=True)
class Translator:
    """Translates and formats for one locale; handed to whatever renders text."""

    locale: str
    _translations: Translations

    def gettext(self, message: str) -> str:
        """Return the translation of ``message``."""
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """Return the translation of a message whose form depends on ``count``."""
        return self._translations.ngettext(singular, plural, count)

    def number(self, value: float) -> str:
        """Format a number the way the chat's locale writes it (``1.234,5`` in Italian)."""
        return format_decimal(value, locale=self.locale)

    def percent(self, fraction: float) -> str:
        """Format a fraction between 0 and 1 as a percentage."""
        return format_percent(fraction, locale=self.locale)


class Catalogs:
    """Every locale's translations, loaded once at start-up."""

    def __init__(self, directory: Path = LOCALES_DIR) -> None:
        self._translators = {
            locale: Translator(locale, _load(directory, locale)) for locale in SUPPORTED_LOCALES
        }

    def translator(self, locale: str) -> Translator:
        """Return the translator for ``locale``, falling back to the default language."""
        return self._translators.get(locale, self._translators[DEFAULT_LOCALE])


def _load(directory: Path, locale: str) -> Translations:
    po_path = directory / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)
