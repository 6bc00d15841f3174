"""The two trained models scored as one: a single pass over a message's features.

Naive Bayes (``bot.core.routing.model``) and the logistic regression
(``bot.core.routing.linear``) read mostly the same features: words, word pairs,
character n-grams and cues; the regression reads a few more kinds. Scored apart, each
message had its features built twice and looked up twice, half of the router's time
after the rules. Here one table holds, for every feature either model knows, naive
Bayes' log-likelihoods (times the weight it gives the feature), the regression's
weights, and how many features naive Bayes counts it as; one gather sums them all.
The result is the two models' probabilities multiplied (equal weights) and
renormalised, as before, to rounding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.actions import Action
from bot.core.routing.linear import LinearModel
from bot.core.routing.model import CUE_WEIGHT, Model

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["Blend"]


@dataclass(frozen=True)
class Blend:
    """Rows of [naive Bayes | regression | naive Bayes' count], the biases last."""

    labels: tuple[Action, ...]
    priors: tuple[float, ...]
    vocabulary: dict[str, int]
    matrix: NDArray[np.float64]

    @classmethod
    def of(cls, bayes: Model, linear: LinearModel) -> Blend:
        """One table for both models; their labels must be the same, in the same order."""
        import numpy as np

        if bayes.labels != linear.labels:
            raise ValueError(f"labels differ: {bayes.labels} and {linear.labels}")
        width = len(bayes.labels)
        vocabulary = dict(linear.vocabulary)
        for feature in bayes.weights:
            vocabulary.setdefault(feature, len(vocabulary))
        matrix = np.zeros((len(vocabulary) + 1, 2 * width + 1))
        for feature, row in vocabulary.items():
            weights = bayes.weights.get(feature)
            if weights is not None:
                # Naive Bayes reads every cue several times over (``model.features``).
                times = CUE_WEIGHT if feature.startswith("c:") else 1
                matrix[row, :width] = [weight * times for weight in weights]
                matrix[row, -1] = times
        linear_rows = np.array(list(linear.vocabulary.values()))
        matrix[linear_rows, width : 2 * width] = linear.matrix[:-1]
        matrix[-1, width : 2 * width] = linear.matrix[-1]  # the regression's biases
        return cls(bayes.labels, bayes.priors, vocabulary, matrix)

    def probabilities(self, found: list[str]) -> dict[Action, float]:
        """The blended probability of each label for a message's (regression) features."""
        rows = [row for row in map(self.vocabulary.get, found) if row is not None]
        rows.append(len(self.vocabulary))
        sums = self.matrix[rows].sum(axis=0).tolist()
        width = len(self.labels)
        counted = sums[-1]
        temperature = math.sqrt(max(counted, 1))
        bayes = [prior + total for prior, total in zip(self.priors, sums[:width], strict=True)]
        linear = sums[width : 2 * width]
        bayes_top, linear_top = max(bayes), max(linear)
        bayes_exp = [math.exp((score - bayes_top) / temperature) for score in bayes]
        linear_exp = [math.exp(score - linear_top) for score in linear]
        bayes_total, linear_total = sum(bayes_exp), sum(linear_exp)
        scores = [
            math.sqrt(first / bayes_total * second / linear_total)
            for first, second in zip(bayes_exp, linear_exp, strict=True)
        ]
        total = sum(scores)
        return {label: score / total for label, score in zip(self.labels, scores, strict=True)}
