"""A multinomial naive Bayes model of the labelled table, over n-grams and rule cues.

Why this model: trained in one counting pass (tens of milliseconds for the whole table,
so at import time, and k-fold cross-validation in a test stays cheap), scored with a
few hundred dictionary lookups (well under the 1 ms budget), deterministic, and
written in plain Python: no dependency, no file of weights to keep in step with the
table. Character n-grams carry what words cannot: typos ("esprota"), missing accents,
clitics ("mandamelo", "giramelo"), IME homophones ("到处", "下栽") and Chinese without
spaces. The rules' cues ("not-export", "deliver>export", "edit") carry what n-grams
cannot: negation, deferral and the object of a verb, learnt with a weight of their own.

Naive Bayes overcounts correlated features, so its raw posteriors are near 0 or 1; they
are tempered by the square root of the number of features before they are compared.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.core.actions import Action
from bot.core.routing.rules import ROUTABLE, Reading

__all__ = ["CUE_WEIGHT", "Model", "features"]

_CHAR_NGRAMS = (2, 3, 4)
CUE_WEIGHT = 3  # a cue is one word's role; n-grams of one word are a dozen features
_SMOOTHING = 0.1


def features(reading: Reading) -> list[str]:
    """Words, word pairs, character n-grams (across word boundaries) and cues."""
    words = reading.text.split()
    found = [f"w:{word}" for word in words]
    found += [f"b:{first} {second}" for first, second in itertools.pairwise(words)]
    padded = f" {reading.text} "
    for size in _CHAR_NGRAMS:
        found += [padded[start : start + size] for start in range(len(padded) - size + 1)]
    found += [f"c:{cue}" for cue in reading.cues] * CUE_WEIGHT
    return found


@dataclass(frozen=True)
class Model:
    """Per-feature log-likelihoods for each label, and each label's log prior."""

    labels: tuple[Action, ...]
    priors: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]

    @classmethod
    def train(cls, examples: Iterable[tuple[Sequence[str], Action]]) -> Model:
        """Count features per label; smoothing keeps an unseen pair from vetoing a label."""
        counts: defaultdict[Action, Counter[str]] = defaultdict(Counter)
        documents: Counter[Action] = Counter()
        for found, label in examples:
            counts[label].update(found)
            documents[label] += 1
        labels = tuple(label for label in ROUTABLE if documents[label])
        vocabulary = set().union(*(counts[label] for label in labels))
        denominators = [
            math.log(counts[label].total() + _SMOOTHING * len(vocabulary)) for label in labels
        ]
        weights = {
            feature: tuple(
                math.log(counts[label][feature] + _SMOOTHING) - denominator
                for label, denominator in zip(labels, denominators, strict=True)
            )
            for feature in vocabulary
        }
        total = documents.total()
        priors = tuple(math.log(documents[label] / total) for label in labels)
        return cls(labels, priors, weights)

    def probabilities(self, found: Sequence[str]) -> dict[Action, float]:
        """Each label's tempered posterior; features never seen in training are skipped."""
        rows = [row for row in map(self.weights.get, found) if row is not None]
        temperature = math.sqrt(max(len(rows), 1))
        # Summing per label with zip(*rows) runs in C; a loop over labels in Python cost
        # half the router's latency.
        sums = [sum(column) for column in zip(*rows, strict=True)] if rows else []
        scores = [prior + total for prior, total in zip(self.priors, sums, strict=True)]
        if not rows:
            scores = list(self.priors)
        top = max(scores)
        exponentials = [math.exp((score - top) / temperature) for score in scores]
        total = sum(exponentials)
        return {
            label: value / total for label, value in zip(self.labels, exponentials, strict=True)
        }
