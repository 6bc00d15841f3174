"""Load the router's frozen held-out set, tests/core/heldout_utterances.tsv.

The file was written apart from the router and is never tuned on; see its header.
Each non-comment, non-blank line is ``lang<TAB>label<TAB>text``. A dated comment line
(``# 2026-12-06: why``) below some lines starts a new batch, so a later, blinder batch
can be reported on its own; several dated comments in a row start one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

HELDOUT_PATH = Path(__file__).with_name("heldout_utterances.tsv")
LANGS = ("it", "en", "zh")
LABELS = ("export", "credits", "state", "upload", "chat")
_DATED = re.compile(r"# \d{4}-\d{2}-\d{2}:")


class HeldoutFormatError(ValueError):
    """A line of the held-out file does not follow ``lang<TAB>label<TAB>text``."""


@dataclass(frozen=True, slots=True)
class Utterance:
    lang: str
    label: str
    text: str
    batch: int = 1


def parse_heldout(content: str, source: str = "<heldout>") -> list[Utterance]:
    """Parse held-out lines, raising HeldoutFormatError naming the first bad line."""
    utterances: list[Utterance] = []
    seen: dict[str, int] = {}
    batch = 1
    for number, raw in enumerate(content.splitlines(), start=1):
        # Dated comments in a row (a note on the batch above, then a new batch's header)
        # start one batch, not one each.
        if _DATED.match(raw) and utterances and utterances[-1].batch == batch:
            batch += 1
        if not raw.strip() or raw.startswith("#"):
            continue

        def bad(reason: str, number: int = number, raw: str = raw) -> HeldoutFormatError:
            return HeldoutFormatError(f"{source}:{number}: {reason}: {raw!r}")

        fields = raw.split("\t")
        if len(fields) != 3:
            raise bad(f"expected 3 tab-separated fields, got {len(fields)}")
        lang, label, text = fields
        if lang not in LANGS:
            raise bad(f"language {lang!r} is not one of {', '.join(LANGS)}")
        if label not in LABELS:
            raise bad(f"label {label!r} is not one of {', '.join(LABELS)}")
        if not text.strip() or text != text.strip():
            raise bad("text is empty or has leading/trailing spaces")
        if text in seen:
            raise bad(f"text repeats line {seen[text]}")
        seen[text] = number
        utterances.append(Utterance(lang, label, text, batch))
    return utterances


def load_heldout(path: Path = HELDOUT_PATH) -> list[Utterance]:
    """Every utterance of the held-out file, in file order."""
    return parse_heldout(path.read_text(encoding="utf-8"), source=str(path))
