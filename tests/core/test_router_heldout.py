"""The router against the frozen held-out set it was never tuned on.

A normal ``uv run pytest`` run prints the report (overall / per language / per label
accuracy, non-export lines routed to export, which labels were confused) at its end. It
never prints the missed lines themselves: text seen in every run's output gets tuned on,
and then the set no longer measures anything.

Two kinds of assertion: the issue's targets (97 % overall, 95 % per language, no line
routed to an export by mistake), not met yet and so a strict xfail, and the level
reached, asserted as a floor, so a change that makes the router worse on lines it never
saw fails at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.core.router import Routing, route
from tests.conftest import REPORT
from tests.core.heldout import (
    LABELS,
    LANGS,
    HeldoutFormatError,
    Utterance,
    load_heldout,
    parse_heldout,
)

MIN_OVERALL = 0.97
MIN_PER_LANG = 0.95
# Reached over the nine batches on 2026-12-07: 95.2 % overall (it 96.0, en 94.9, zh 94.6),
# 10 lines routed to an export by mistake (of 2,576 that ask for none).
# Batches 1-4 (judges of earlier sessions' rounds) 98.0 % (95.5 % before this session).
# Each later batch, sealed before its round, before -> after: batch 5 (voices 7-9)
# 88.7 -> 92.8 %; batch 6 (voices 10-12, the person sending, another time) 90.6 ->
# 91.3 %; batch 7 (making the video, the video named alone, questions about the bot,
# voices 13-14) 91.7 -> 93.6 %; batch 8 (making it and sending it, haste, sharing, the
# chat as a place, voice 15) 90.9 -> 91.4 %, and 7 -> 9 false exports over all batches:
# that round gained English (93.7 -> 95.0 %) and lost on the one target that spends.
# Batch 9, written after the last change and measured once: 93.6 %, 1 false export:
# the best estimate of the router on writers it never met.
# Session 6, round 1 (the regression fitted by scipy over features of two messages or
# more; voices 16-17; making the video carried or named before, Taiwan and Hong Kong
# script read as the mainland one, haste and reasons after a request), judged by batch 10
# sealed before it: 97.0 -> 98.1 %. All eleven batches after it: 96.4 % (it 96.3, en
# 95.9, zh 96.9), 11 false exports of 3,108 non-export lines (10 of 2,576 before);
# batch 11, sealed after it, 96.0 %.
# Round 2 (voices 18-19: what sounds like a request and is not, requests in pairs; who
# sends, what waits, what is asked after the export), judged by batch 11 sealed before
# it: 96.0 -> 96.0 %; all eleven 96.4 -> 96.6 %, false exports 11 -> 10. Batch 12, sealed
# before the last change (an export the rules see needs 0.6): 97.6 % before and after.
# All twelve batches: 96.7 % (it 96.6, en 96.2, zh 97.2), 10 false exports of 3,384
# non-export lines; of the 152 misses, 87 asked with the right reading offered.
# Batch 13, sealed before the last rule (a bare send beside approval or an edit
# declined): 98.5 % before and after. All thirteen: 96.9 % (it 96.8, en 96.6, zh 97.4),
# 10 false exports of 3,621 non-export lines.
FLOOR_OVERALL = 0.965
FLOOR_PER_LANG = 0.96
FLOOR_FALSE_EXPORTS = 10


@dataclass
class HeldoutReport:
    """Counts only in its repr: pytest prints a failing assertion's locals, and the missed
    lines must never reach a run's output."""

    total: Counter[str] = field(default_factory=Counter)
    right: Counter[str] = field(default_factory=Counter)
    misses: list[tuple[Utterance, str]] = field(default_factory=list, repr=False)
    asked_right: int = 0

    def add(self, utterance: Utterance, routing: Routing) -> None:
        got = routing.action.value
        keys = ("all", f"lang:{utterance.lang}", f"label:{utterance.label}")
        for key in (*keys, f"batch:{utterance.batch}"):
            self.total[key] += 1
            self.right[key] += got == utterance.label
        if got != utterance.label:
            self.misses.append((utterance, got))
            offered = {choice.value for choice in routing.choices} if routing.unsure else set()
            self.asked_right += utterance.label in offered

    def accuracy(self, key: str) -> float:
        return self.right[key] / self.total[key] if self.total[key] else 1.0

    @property
    def false_exports(self) -> list[tuple[Utterance, str]]:
        return [(u, got) for u, got in self.misses if got == "export"]

    def lines(self) -> list[str]:
        def row(name: str, key: str) -> str:
            return f"  {name:<8} {self.accuracy(key):6.1%}  ({self.right[key]}/{self.total[key]})"

        out = ["router held-out accuracy", row("overall", "all")]
        out += [row(lang, f"lang:{lang}") for lang in LANGS]
        out += [row(label, f"label:{label}") for label in LABELS]
        batches = sorted(int(key.split(":")[1]) for key in self.total if key.startswith("batch:"))
        out += [row(f"batch {batch}", f"batch:{batch}") for batch in batches]
        out.append(f"  non-export routed to export: {len(self.false_exports)}")
        # A miss that was a question with the right reading among its buttons costs a tap,
        # not a wrong action; it still counts as a miss above.
        out.append(f"  of the misses, asked with the right reading offered: {self.asked_right}")
        confusions = Counter((u.lang, u.label, got) for u, got in self.misses)
        out += [
            f"  confused [{lang}] {want} -> {got}: {n}"
            for (lang, want, got), n in sorted(confusions.items())
        ]
        return out


def measure(router: Callable[[str], Routing], utterances: list[Utterance]) -> HeldoutReport:
    """Each line routed as the bot would: a question counts by what runs if unanswered."""
    report = HeldoutReport()
    for utterance in utterances:
        report.add(utterance, router(utterance.text))
    return report


def _assert_bars(report: HeldoutReport, overall: float, per_lang: float, exports: int) -> None:
    got = report.accuracy("all")
    assert got >= overall, f"overall {got:.1%} < {overall:.1%}"
    for lang in LANGS:
        got = report.accuracy(f"lang:{lang}")
        assert got >= per_lang, f"{lang} {got:.1%} < {per_lang:.1%}"
    false_exports = len(report.false_exports)
    assert false_exports <= exports, f"{false_exports} non-export lines routed to export"


def test_router_on_heldout_set_holds_its_level(record_property) -> None:
    report = measure(route, load_heldout())
    record_property(REPORT, "\n".join(report.lines()))
    _assert_bars(report, FLOOR_OVERALL, FLOOR_PER_LANG, FLOOR_FALSE_EXPORTS)


@pytest.mark.xfail(
    strict=True,
    reason="issue #11's targets are not met on the blind batches: 96.9 % overall (97 %), "
    "10 false exports (0)",
)
def test_router_on_heldout_set_meets_the_targets() -> None:
    _assert_bars(measure(route, load_heldout()), MIN_OVERALL, MIN_PER_LANG, 0)


def test_heldout_file_is_well_formed_and_balanced() -> None:
    utterances = load_heldout()
    per_lang = Counter(u.lang for u in utterances)
    assert len(utterances) >= 360
    assert all(per_lang[lang] >= 120 for lang in LANGS), per_lang
    assert {u.label for u in utterances} == set(LABELS)


def test_loader_reads_comments_blanks_and_lines(tmp_path: Path) -> None:
    path = tmp_path / "set.tsv"
    path.write_text(
        "# 2026-12-01: header\n\nit\texport\tesporta\n# 2026-12-06: more\nzh\tchat\t你好\n",
        encoding="utf-8",
    )
    assert load_heldout(path) == [
        Utterance("it", "export", "esporta", batch=1),
        Utterance("zh", "chat", "你好", batch=2),
    ]


def test_dated_comments_in_a_row_start_one_batch() -> None:
    content = "en\tchat\thi\n# 2026-12-07: a note\n# 2026-12-07: more\nen\tchat\tyo\n"
    assert [u.batch for u in parse_heldout(content)] == [1, 2]


@pytest.mark.parametrize(
    "line",
    [
        "it export esporta",  # spaces, not tabs
        "it\texport",  # two fields
        "it\texport\tesporta\textra",  # a tab inside the text
        "fr\texport\texporte",  # unknown language
        "it\trender\tesporta",  # unknown label
        "it\texport\t",  # empty text
    ],
)
def test_loader_rejects_a_malformed_line(tmp_path: Path, line: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(f"# header\nen\tchat\thi\n{line}\n", encoding="utf-8")
    with pytest.raises(HeldoutFormatError, match=r"bad\.tsv:3"):
        load_heldout(path)


def test_loader_rejects_a_repeated_text() -> None:
    with pytest.raises(HeldoutFormatError, match="repeats line 1"):
        parse_heldout("en\tchat\thi\nen\tchat\thi\n")
