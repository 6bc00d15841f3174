"""The labelled table the router's model learns from (``examples.tsv`` beside this file)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.core.actions import Action

__all__ = ["TABLE", "Example", "load"]

TABLE = Path(__file__).with_name("examples.tsv")


@dataclass(frozen=True)
class Example:
    """One labelled message: its language ("it", "en", "zh"), the right label, the text."""

    language: str
    label: Action
    text: str


def load(path: Path = TABLE) -> tuple[Example, ...]:
    """Every example, in file order; a malformed line fails loudly with its number."""
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            language, label, text = line.split("\t")
            examples.append(Example(language, Action(label), text))
        except ValueError as error:
            raise ValueError(f"{path.name}:{number}: {error}: {line!r}") from error
    return tuple(examples)
