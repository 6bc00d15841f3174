"""A multinomial logistic regression of the labelled table, over n-grams and rule cues.

Why this model rather than naive Bayes: naive Bayes counts each feature as independent
evidence, so the dozen overlapping n-grams of one word vote a dozen times and its
posteriors sit near 0 or 1 (they had to be tempered by hand). Logistic regression fits
the weights jointly: correlated n-grams share one word's weight, and its probabilities
are calibrated by the loss it minimises, which the unsure logic of the router relies
on. Alone it is about as accurate as naive Bayes in 10-fold cross-validation on the
table; the two err on different lines, and their product (``bot.core.router``) beats
both (see the commit that brought it).

Why this training: full-batch L-BFGS (scipy's) from all-zero weights, no random
sampling, so the same table always gives the same weights. Features are indexed by a
vocabulary of the training set rather than hashed: no collisions, no dependence on
Python's per-process string hash, and features never seen in training weigh nothing.
A feature found in a single message of the table is left out: it can only learn that
message by heart, and without them (three in five n-grams) training is several times
faster. Scoring a message is a dictionary lookup per feature and one numpy gather (tens
of microseconds, well under the 1 ms budget).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.actions import Action
from bot.core.routing.rules import ROUTABLE

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from scipy.sparse import csr_matrix

__all__ = ["LinearModel"]

_CUE_WEIGHT = 2.0  # a cue is one word's role; its n-grams are a dozen features
_L2 = 3e-4  # tuned by 10-fold cross-validation on the table (1e-3 and 3e-3 fit worse)
_ITERATIONS = 150  # converged (scipy's tolerances) in about 90 on the table
_MIN_MESSAGES = 2  # a feature of one message only learns that message


@dataclass(frozen=True)
class LinearModel:
    """Each feature's row of weights (one per label, times the feature's own weight)
    and, last, the labels' biases."""

    labels: tuple[Action, ...]
    vocabulary: dict[str, int]
    matrix: NDArray[np.float64]

    @classmethod
    def train(
        cls,
        examples: Iterable[tuple[Sequence[str], Action]],
        *,
        l2: float = _L2,
        iterations: int = _ITERATIONS,
        min_messages: int = _MIN_MESSAGES,
    ) -> LinearModel:
        """Fit the weights that minimise cross-entropy plus an L2 penalty."""
        import numpy as np  # imported when training, not when the router module is
        from scipy.optimize import minimize
        from scipy.sparse import csr_matrix

        rows = [(_values(found), label) for found, label in examples]
        labels = tuple(label for label in ROUTABLE if any(row[1] is label for row in rows))
        spread = Counter(feature for values, _ in rows for feature in values)
        vocabulary: dict[str, int] = {}
        columns: list[int] = []
        data: list[float] = []
        pointers = [0]
        for values, _ in rows:
            for feature, value in values.items():
                if spread[feature] >= min_messages:
                    columns.append(vocabulary.setdefault(feature, len(vocabulary)))
                    data.append(value)
            pointers.append(len(columns))
        design = csr_matrix((data, columns, pointers), shape=(len(rows), len(vocabulary)))
        targets = np.array([labels.index(label) for _, label in rows])
        result = minimize(
            _objective(design, targets, len(labels), l2),
            np.zeros((len(vocabulary) + 1) * len(labels)),
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": iterations},
        )
        matrix = result.x.reshape(len(vocabulary) + 1, len(labels))
        # Stored times the feature's weight, so scoring is one gather and a sum.
        matrix[:-1] *= np.array([_weight(feature) for feature in vocabulary])[:, None]
        return cls(labels, vocabulary, matrix)

    def probabilities(self, found: Sequence[str]) -> dict[Action, float]:
        """Each label's probability; features never seen in training weigh nothing."""
        rows = [row for row in map(self.vocabulary.get, found) if row is not None]
        rows.append(len(self.vocabulary))  # the biases
        scores = self.matrix[rows].sum(axis=0)
        exponentials = [math.exp(score) for score in (scores - scores.max()).tolist()]
        total = sum(exponentials)
        return {
            label: value / total for label, value in zip(self.labels, exponentials, strict=True)
        }


def _values(found: Sequence[str]) -> dict[str, float]:
    """Feature counts, cues weighted. Not length-normalised: 10-fold cross-validation
    on the table found raw counts as accurate and several times faster to fit."""
    return {feature: count * _weight(feature) for feature, count in Counter(found).items()}


def _weight(feature: str) -> float:
    return _CUE_WEIGHT if feature.startswith("c:") else 1.0


def _objective(
    design: csr_matrix, targets: NDArray[np.int64], classes: int, l2: float
) -> Callable[[NDArray[np.float64]], tuple[float, NDArray[np.float64]]]:
    """Mean cross-entropy plus ``l2 / 2 * |W|²`` (bias unpenalised), with its gradient."""
    import numpy as np

    count = len(targets)
    onehot = np.eye(classes)[targets]
    transposed = design.T.tocsr()

    def loss(flat: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        matrix = flat.reshape(design.shape[1] + 1, classes)
        weights, bias = matrix[:-1], matrix[-1]
        scores = design @ weights + bias
        scores -= scores.max(axis=1, keepdims=True)
        log_probabilities = scores - np.log(np.exp(scores).sum(axis=1))[:, None]
        value = -log_probabilities[np.arange(count), targets].mean()
        value += 0.5 * l2 * float((weights * weights).sum())
        residual = (np.exp(log_probabilities) - onehot) / count
        gradient = np.empty_like(matrix)
        gradient[:-1] = transposed @ residual + l2 * weights
        gradient[-1] = residual.sum(axis=0)
        return float(value), gradient.ravel()

    return loss
