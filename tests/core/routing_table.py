"""The router measured on its labelled table: training accuracy and k-fold accuracy.

Training accuracy (the shipped model on the lines it learnt from) only shows the table
is learnable; k-fold accuracy (each tenth of the table routed by a model trained on the
other nine) shows whether the router generalises. Both count an unsure answer by its
action, and count apart the non-export lines routed to a confident export: the misroute
that spends credits.
"""

import functools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.core.actions import Action
from bot.core.router import Router, Routing
from bot.core.routing import examples

TABLE = examples.load()
LANGUAGES = ("it", "en", "zh")
FOLDS = 10


@dataclass
class Accuracy:
    """How many lines a router gets right, overall and per language, and how it errs."""

    name: str
    right: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    asked: int = 0
    wrong_exports: int = 0
    misroutes: list[str] = field(default_factory=list)

    def add(self, row: examples.Example, routing: Routing) -> None:
        self.total[row.language] += 1
        self.asked += routing.unsure
        if routing.action is row.label:
            self.right[row.language] += 1
            return
        if routing.action is Action.EXPORT:
            self.wrong_exports += 1
        self.misroutes.append(f"{row.text!r} -> {routing}, expected {row.label}")

    def line(self) -> str:
        right, total = sum(self.right.values()), sum(self.total.values())
        languages = ", ".join(
            f"{language} {percent(self.right[language], self.total[language])}"
            for language in LANGUAGES
        )
        return (
            f"{self.name}: {right}/{total} = {percent(right, total)} ({languages}); "
            f"asked {self.asked}; non-export -> export {self.wrong_exports}"
        )

    @property
    def overall(self) -> float:
        return sum(self.right.values()) / sum(self.total.values())


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def measure(route: Callable[[str], Routing], rows: Sequence[examples.Example] = TABLE) -> Accuracy:
    """The accuracy of ``route`` on the training table itself."""
    accuracy = Accuracy("training-table accuracy")
    for row in rows:
        accuracy.add(row, route(row.text))
    return accuracy


@functools.cache
def kfold_accuracy() -> Accuracy:
    """The k-fold measure of the shipped table, once a run: it trains ten routers."""
    return cross_validate()


def cross_validate(rows: Sequence[examples.Example] = TABLE, folds: int = FOLDS) -> Accuracy:
    """Each line routed by a router trained without the fold it is in."""
    accuracy = Accuracy(f"{folds}-fold accuracy")
    for fold in range(folds):
        router = Router(tuple(row for index, row in enumerate(rows) if index % folds != fold))
        for index, row in enumerate(rows):
            if index % folds == fold:
                accuracy.add(row, router.route(row.text))
    return accuracy
