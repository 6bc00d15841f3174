"""Every chat language has a complete, well-formed translation of every message in the code."""

from __future__ import annotations

from pathlib import Path
from string import Formatter

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, LOCALES_DIR, SUPPORTED_LOCALES

SOURCE_DIR = Path(__file__).resolve().parent.parent / "bot"
LOCALE_PARAMS = [pytest.param(locale, id=locale) for locale in SUPPORTED_LOCALES]


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file, locale=locale, domain=DOMAIN)


def _template() -> Catalog:
    return _read(LOCALES_DIR / f"{DOMAIN}.pot")


def _catalog(locale: str) -> Catalog:
    return _read(LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po", locale)


def _messages(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def _ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if message.pluralizable else (message.id,)


def _forms(message: Message) -> tuple[str, ...]:
    return tuple(message.string) if message.pluralizable else (message.string,)


def _placeholders(text: str) -> set[str]:
    """The ``{name}`` fields of a str.format pattern (raises on unbalanced braces)."""
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


def _singular(message: Message) -> str:
    return _ids(message)[0]


@pytest.mark.parametrize("locale", LOCALE_PARAMS)
def test_every_template_message_is_translated(locale: str) -> None:
    catalog = _catalog(locale)
    problems = []
    for template_message in _messages(_template()):
        message = catalog.get(template_message.id)
        label = _singular(template_message)
        if message is None:
            problems.append(f"missing: {label!r}")
            continue
        forms = _forms(message)
        if message.fuzzy:
            problems.append(f"fuzzy: {label!r}")
        if message.pluralizable != template_message.pluralizable:
            problems.append(f"plural mismatch: {label!r}")
        elif message.pluralizable and len(forms) != catalog.num_plurals:
            problems.append(f"{len(forms)} of {catalog.num_plurals} plural forms: {label!r}")
        if not all(forms):
            problems.append(f"untranslated: {label!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", LOCALE_PARAMS)
def test_translations_keep_the_placeholders(locale: str) -> None:
    problems = []
    for message in _messages(_catalog(locale)):
        expected = set().union(*(_placeholders(text) for text in _ids(message)))
        for index, form in enumerate(_forms(message)):
            found = _placeholders(form)
            if found != expected:
                problems.append(
                    f"{_singular(message)!r} form {index}: {sorted(found)} != {sorted(expected)}"
                )
    assert not problems, "\n".join(problems)


def test_every_message_in_the_code_is_in_the_template() -> None:
    template_ids = {_singular(message) for message in _messages(_template())}
    keywords = {**DEFAULT_KEYWORDS, "ngettext": (1, 2)}
    missing = []
    for filename, lineno, message, _comments, _context in extract_from_dir(
        SOURCE_DIR, method_map=[("**.py", "python")], keywords=keywords
    ):
        singular = message[0] if isinstance(message, tuple) else message
        if singular not in template_ids:
            missing.append(f"bot/{filename}:{lineno}: {singular!r}")
    assert not missing, "not extracted into messages.pot (run pybabel extract):\n" + "\n".join(
        missing
    )
