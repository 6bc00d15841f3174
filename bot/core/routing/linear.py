"""A multinomial logistic regression of the labelled table, over n-grams and rule cues.

Why this model rather than naive Bayes: naive Bayes counts each feature as independent
evidence, so the dozen overlapping n-grams of one word vote a dozen times and its
posteriors sit near 0 or 1 (they had to be tempered by hand). Logistic regression fits
the weights jointly: correlated n-grams share one word's weight, and its probabilities
are calibrated by the loss it minimises, which the unsure logic of the router relies
on. Alone it is about as accurate as naive Bayes in 10-fold cross-validation on the
table; the two err on different lines, and their product (``bot.core.router``) beats
both (see the commit that brought it).

Why this training: full-batch L-BFGS from all-zero weights, a fixed iteration budget,
no random sampling, so the same table always gives the same weights. Features are
indexed by a vocabulary of the training set rather than hashed: no collisions, no
dependence on Python's per-process string hash, and features never seen in training
weigh nothing. Scoring a message is a dictionary lookup per feature and one numpy
gather (tens of microseconds, well under the 1 ms budget).
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

__all__ = ["LinearModel"]

_CUE_WEIGHT = 2.0  # a cue is one word's role; its n-grams are a dozen features
_L2 = 3e-4  # tuned by 10-fold cross-validation on the table (1e-3 and 3e-3 fit worse)
_ITERATIONS = 150
_HISTORY = 8  # L-BFGS memory


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
    ) -> LinearModel:
        """Fit the weights that minimise cross-entropy plus an L2 penalty."""
        import numpy as np  # imported when training, not when the router module is

        rows = [(_values(found), label) for found, label in examples]
        labels = tuple(label for label in ROUTABLE if any(row[1] is label for row in rows))
        vocabulary: dict[str, int] = {}
        columns: list[int] = []
        data: list[float] = []
        pointers = [0]
        for values, _ in rows:
            for feature, value in values.items():
                columns.append(vocabulary.setdefault(feature, len(vocabulary)))
                data.append(value)
            pointers.append(len(columns))
        targets = np.array([labels.index(label) for _, label in rows])
        design = _Sparse(
            np.array(columns, dtype=np.int64),
            np.array(data),
            np.array(pointers, dtype=np.int64),
            len(vocabulary),
        )
        loss = _objective(design, targets, len(labels), l2)
        flat = _lbfgs(loss, np.zeros((len(vocabulary) + 1) * len(labels)), iterations)
        matrix = flat.reshape(len(vocabulary) + 1, len(labels))
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


@dataclass(frozen=True)
class _Sparse:
    """A design matrix in compressed rows: enough of scipy.sparse for two products."""

    columns: NDArray[np.int64]
    data: NDArray[np.float64]
    pointers: NDArray[np.int64]
    width: int


def _objective(
    design: _Sparse, targets: NDArray[np.int64], classes: int, l2: float
) -> Callable[[NDArray[np.float64]], tuple[float, NDArray[np.float64]]]:
    """Mean cross-entropy plus ``l2 / 2 * |W|²`` (bias unpenalised), with its gradient."""
    import numpy as np

    count = len(targets)
    row_of = np.repeat(np.arange(count), np.diff(design.pointers))
    onehot = np.eye(classes)[targets]
    # The same entries by column, for the gradient: every column of the vocabulary
    # occurs at least once, so each has a non-empty run to sum.
    by_column = np.argsort(design.columns, kind="stable")
    column_rows, column_data = row_of[by_column], design.data[by_column]
    column_starts = np.searchsorted(design.columns[by_column], np.arange(design.width))

    def loss(flat: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        matrix = flat.reshape(design.width + 1, classes)
        weights, bias = matrix[:-1], matrix[-1]
        contributions = weights[design.columns] * design.data[:, None]
        scores = _row_sums(contributions, design.pointers, count) + bias
        scores -= scores.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(scores).sum(axis=1))
        log_probabilities = scores - log_norm[:, None]
        value = -log_probabilities[np.arange(count), targets].mean()
        value += 0.5 * l2 * float((weights * weights).sum())
        residual = (np.exp(log_probabilities) - onehot) / count
        gradient = np.empty_like(matrix)
        gradient[:-1] = np.add.reduceat(
            residual[column_rows] * column_data[:, None], column_starts, axis=0
        )
        gradient[:-1] += l2 * weights
        gradient[-1] = residual.sum(axis=0)
        return float(value), gradient.ravel()

    return loss


def _row_sums(
    contributions: NDArray[np.float64], pointers: NDArray[np.int64], count: int
) -> NDArray[np.float64]:
    """Sum the contributions of each row; an empty row (no features) sums to zero, where
    ``reduceat`` alone would repeat the next row's first entry."""
    import numpy as np

    sums = np.zeros((count, contributions.shape[1]))
    nonempty = pointers[1:] > pointers[:-1]
    if contributions.shape[0]:
        sums[nonempty] = np.add.reduceat(contributions, pointers[:-1][nonempty], axis=0)
    return sums


def _dot(first: NDArray[np.float64], second: NDArray[np.float64]) -> float:
    """A dot product without BLAS: its thread pool busy-waits, and on a shared machine
    made training ten times slower (seconds of CPU for a few hundred products)."""
    return float((first * second).sum())


def _lbfgs(
    loss: Callable[[NDArray[np.float64]], tuple[float, NDArray[np.float64]]],
    start: NDArray[np.float64],
    iterations: int,
) -> NDArray[np.float64]:
    """Minimise ``loss`` by L-BFGS with a backtracking (Armijo) line search."""
    import numpy as np

    point = start
    value, gradient = loss(point)
    steps: list[tuple[NDArray[np.float64], NDArray[np.float64], float]] = []
    for _ in range(iterations):
        direction = -gradient
        alphas = []
        for step, change, rho in reversed(steps):
            alpha = rho * _dot(step, direction)
            direction = direction - alpha * change
            alphas.append(alpha)
        if steps:
            step, change, _ = steps[-1]
            direction = direction * (_dot(step, change) / _dot(change, change))
        for (step, change, rho), alpha in zip(steps, reversed(alphas), strict=True):
            beta = rho * _dot(change, direction)
            direction = direction + (alpha - beta) * step
        slope = _dot(gradient, direction)
        if slope >= 0:  # not a descent direction: start the memory again
            steps.clear()
            direction, slope = -gradient, -_dot(gradient, gradient)
        size = 1.0 if steps else 1.0 / max(1.0, float(np.abs(gradient).max()))
        while True:
            candidate = point + size * direction
            new_value, new_gradient = loss(candidate)
            if new_value <= value + 1e-4 * size * slope or size < 1e-10:
                break
            size /= 2
        step, change = candidate - point, new_gradient - gradient
        curvature = _dot(step, change)
        if curvature > 1e-12:
            steps.append((step, change, 1.0 / curvature))
            del steps[:-_HISTORY]
        point, value, gradient = candidate, new_value, new_gradient
        if float(np.abs(gradient).max()) < 1e-6:
            break
    return point
