"""What a chat message asks for: an export, the credits, the state, an upload, or a chat turn.

Routing is intent classification, not substring search: "crea un video con le foto e
poi lo esporto io" is a chat request, "esporta in 1080p" an export. Two readers work
together. The rules (``bot.core.routing.rules``) decide alone where statistics must not
overrule them: a link to media, a message made only of links, a leading intent
command. Elsewhere a naive Bayes model trained at import on the labelled table
(``bot/core/routing/examples.tsv``) weighs the message's n-grams with the rules' cues,
and says how sure it is.

When it is not sure, the router says so (``Routing.unsure_between``) and the bot asks.
An export spends credits, so it is returned as the action only for a confident export
request; a borderline one comes back as CHAT, unsure between EXPORT and CHAT. Questions
are requests: "posso esportare adesso?" goes to the export, which either delivers or
says there is nothing to export yet; a question about the price of an export gets the
balance, never a render.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.core.actions import Action
from bot.core.routing import examples
from bot.core.routing.model import Model, features
from bot.core.routing.rules import ROUTABLE, Reading, read

__all__ = ["ROUTABLE", "Router", "Routing", "classify", "route"]

# Tuned by k-fold cross-validation on the table (tests/core/test_router.py prints it).
_EXPORT_SURE = 0.80  # the model alone, against the rules' verdict
_EXPORT_AGREED = 0.55  # the model with the rules agreeing
_SURE = 0.60  # any other action
_EXPORT_CONSIDERED = 0.25  # below this, an export is not a candidate worth asking about
_EDITING = frozenset({"edit", "light"})
# An upload needs a link or the word: "un video lungo" describes content to edit.
_UPLOADING = frozenset({"upload", "link", "link word"})
# Without one of these the model may only suspect an export ("ok", "grazie" resemble
# the many "ok, esporta" of the table): it is then asked about, never run.
_ASKING_FOR_EXPORT = frozenset({"export", "deliver>export", "show>export", "light>request"})


@dataclass(frozen=True)
class Routing:
    """The action to take, and when unsure the candidates to ask about, likeliest first.

    With ``unsure_between`` empty the action is confident. Otherwise the caller should
    ask, and the action is what to do if nobody answers: never EXPORT.
    """

    action: Action
    unsure_between: tuple[Action, ...] = ()

    @property
    def unsure(self) -> bool:
        """True when the person should be asked which of ``unsure_between`` they meant."""
        return bool(self.unsure_between)


class Router:
    """Rules plus a model trained on labelled examples; one per table."""

    def __init__(self, table: tuple[examples.Example, ...]) -> None:
        self._model = Model.train((features(read(row.text)), row.label) for row in table)

    def route(self, text: str) -> Routing:
        """Route a message; see the module docstring for what "unsure" means."""
        reading = read(text)
        if reading.decided is not None:
            return Routing(reading.decided)
        probabilities = self._model.probabilities(features(reading))
        ranked = sorted(probabilities, key=probabilities.__getitem__, reverse=True)
        best, runner_up = ranked[0], ranked[1]
        if best is Action.EXPORT:
            if probabilities[best] >= _export_threshold(reading):
                return Routing(Action.EXPORT)
            return Routing(Action.CHAT, _pair(Action.EXPORT, runner_up))
        if probabilities[Action.EXPORT] >= _EXPORT_CONSIDERED:
            return Routing(best, _pair(best, Action.EXPORT))
        if reading.verdict is best:
            return Routing(best)
        # The rules see an editing request the model takes for an action: ask, and
        # meanwhile leave it to the agent.
        if reading.verdict is Action.CHAT and _EDITING.intersection(reading.cues):
            return Routing(Action.CHAT, (best, Action.CHAT))
        if best is Action.UPLOAD and not _UPLOADING.intersection(reading.cues):
            return Routing(Action.CHAT, (best, Action.CHAT))
        if probabilities[best] >= _SURE:
            return Routing(best)
        return Routing(best, _pair(best, runner_up))


def _export_threshold(reading: Reading) -> float:
    """How sure the model must be of an export: less when the rules see one too; out of
    reach when they see none asked for, see it held back, or see an editing verb beside
    it ("make it 1080p and export": the agent edits first, and its "press Export" then
    runs the export)."""
    if (
        reading.held_back
        or _EDITING.intersection(reading.cues)
        or not _ASKING_FOR_EXPORT.intersection(reading.cues)
    ):
        return math.inf
    return _EXPORT_AGREED if reading.verdict is Action.EXPORT else _EXPORT_SURE


def _pair(first: Action, second: Action) -> tuple[Action, Action]:
    """Two candidates, the second CHAT when the first is not: a question needs two."""
    return (first, second if second is not first else Action.CHAT)


_ROUTER = Router(examples.load())


def route(text: str) -> Routing:
    """Route a message with the model trained on the shipped table."""
    return _ROUTER.route(text)


def classify(text: str) -> Action:
    """The single action a message gets when nobody is asked (never an unsure EXPORT)."""
    return _ROUTER.route(text).action
