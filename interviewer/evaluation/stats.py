"""Statistics for eval runs: bootstrap confidence intervals, paired run comparison, and agreement metrics.

Pure functions over lists / numpy arrays; every random draw comes from a seeded generator, so results are
reproducible."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from interviewer.types import Strict

Verdict = Literal["better", "worse", "no detectable difference"]
ALPHA = 0.05
EXACT_MAX_N = 12


class PairedResult(Strict):
    """Run B against run A on the same cases; `difference` is mean(b - a) with its bootstrap 95% CI."""

    metric: str
    n: int
    mean_a: float
    mean_b: float
    difference: float
    low: float
    high: float
    p_value: float
    verdict: Verdict


def _as_float_array(values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64).reshape(-1)
    if array.size == 0:
        raise ValueError("need at least one value")
    return array


def _check_pair(predicted: Sequence[Any], labels: Sequence[Any]) -> None:
    if len(predicted) != len(labels):
        raise ValueError(f"predicted has {len(predicted)} items but labels has {len(labels)}")
    if not labels:
        raise ValueError("need at least one item")


def _bootstrap(
    n: int,
    statistic: Callable[[npt.NDArray[np.intp]], float],
    *,
    resamples: int,
    confidence: float,
    seed: int,
) -> tuple[float, float, float]:
    """Percentile bootstrap of `statistic`, which maps an index array (a resample of range(n)) to a number."""
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be in (0, 1)")
    if resamples < 1:
        raise ValueError("resamples must be positive")
    point = float(statistic(np.arange(n)))
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n, size=(resamples, n))
    estimates = np.array([statistic(row) for row in draws], dtype=np.float64)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(estimates, [tail, 1.0 - tail])
    return point, float(low), float(high)


def bootstrap_ci(
    values: npt.ArrayLike,
    *,
    statistic: Callable[..., Any] = np.mean,
    resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[float, float, float]:
    """(point, low, high): `statistic` of the values and its percentile-bootstrap confidence interval."""
    array = _as_float_array(values)
    return _bootstrap(
        array.size,
        lambda index: float(statistic(array[index])),
        resamples=resamples,
        confidence=confidence,
        seed=seed,
    )


def sign_flip_p_value(differences: npt.ArrayLike, *, permutations: int = 5000, seed: int = 0) -> float:
    """Two-sided paired permutation test of mean difference = 0: flip the sign of each case's difference.

    Exact (all 2**n sign patterns) when n <= 12; otherwise `permutations` random patterns with the add-one
    correction, so the p-value is never 0."""
    d = _as_float_array(differences)
    observed = abs(float(d.sum()))
    tolerance = 1e-9 * max(1.0, float(np.abs(d).sum()))
    if d.size <= EXACT_MAX_N:
        signs = np.array(list(itertools.product((1.0, -1.0), repeat=d.size)), dtype=np.float64)
        extreme = np.abs(signs @ d) >= observed - tolerance
        return float(extreme.mean())
    rng = np.random.default_rng(seed)
    signs = rng.choice(np.array([1.0, -1.0]), size=(permutations, d.size))
    hits = int((np.abs(signs @ d) >= observed - tolerance).sum())
    return (hits + 1) / (permutations + 1)


def _verdict(low: float, high: float, p_value: float, higher_is_better: bool) -> Verdict:
    if p_value >= ALPHA or low <= 0.0 <= high:
        return "no detectable difference"
    increased = low > 0.0
    return "better" if increased == higher_is_better else "worse"


def paired_difference(
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    *,
    metric: str = "metric",
    higher_is_better: bool = True,
    resamples: int = 2000,
    permutations: int = 5000,
    seed: int = 0,
) -> PairedResult:
    """Compare per-case values of run B against run A on the same cases (difference = b - a).

    "better" needs the 95% bootstrap CI of the mean difference to exclude 0 in the good direction and the
    sign-flip p-value to be below 0.05; `higher_is_better=False` is for metrics like latency or error rate."""
    x = _as_float_array(a)
    y = _as_float_array(b)
    if x.size != y.size:
        raise ValueError(f"paired runs need the same cases: {x.size} vs {y.size} values")
    d = y - x
    difference, low, high = bootstrap_ci(d, resamples=resamples, confidence=1.0 - ALPHA, seed=seed)
    p_value = sign_flip_p_value(d, permutations=permutations, seed=seed)
    return PairedResult(
        metric=metric,
        n=int(d.size),
        mean_a=float(x.mean()),
        mean_b=float(y.mean()),
        difference=difference,
        low=low,
        high=high,
        p_value=p_value,
        verdict=_verdict(low, high, p_value, higher_is_better),
    )


def _balanced_accuracy(predicted: npt.NDArray[np.bool_], labels: npt.NDArray[np.bool_]) -> float:
    recalls = [float((predicted[labels == cls] == cls).mean()) for cls in (True, False) if (labels == cls).any()]
    return float(np.mean(recalls))


def balanced_accuracy(predicted: list[bool], labels: list[bool]) -> float:
    """Mean of the recall on the positive and on the negative class; a class absent from labels is skipped."""
    _check_pair(predicted, labels)
    return _balanced_accuracy(np.asarray(predicted, dtype=bool), np.asarray(labels, dtype=bool))


def balanced_accuracy_ci(
    predicted: list[bool],
    labels: list[bool],
    *,
    resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[float, float, float]:
    """(point, low, high): balanced accuracy with a percentile-bootstrap CI that resamples items."""
    _check_pair(predicted, labels)
    pred = np.asarray(predicted, dtype=bool)
    lab = np.asarray(labels, dtype=bool)
    return _bootstrap(
        lab.size,
        lambda index: _balanced_accuracy(pred[index], lab[index]),
        resamples=resamples,
        confidence=confidence,
        seed=seed,
    )


def confusion_matrix(
    predicted: Sequence[Hashable], labels: Sequence[Hashable], categories: Sequence[Hashable]
) -> list[list[int]]:
    """Counts with rows = true label and columns = predicted, both in `categories` order."""
    if len(predicted) != len(labels):
        raise ValueError(f"predicted has {len(predicted)} items but labels has {len(labels)}")
    position = {category: i for i, category in enumerate(categories)}
    if len(position) != len(categories):
        raise ValueError("categories must be distinct")
    matrix = [[0] * len(categories) for _ in categories]
    for guess, truth in zip(predicted, labels, strict=True):
        if guess not in position or truth not in position:
            raise ValueError(f"value outside categories: predicted={guess!r}, label={truth!r}")
        matrix[position[truth]][position[guess]] += 1
    return matrix


def quadratic_weighted_kappa(predicted: list[int], labels: list[int], categories: list[int]) -> float:
    """Cohen's kappa with quadratic disagreement weights ((i - j) / (k - 1))**2 over `categories` order.

    1.0 for perfect agreement, 0 for chance level, negative for worse than chance. When the expected
    disagreement is zero (one category, or every label and prediction the same value) the raters cannot
    disagree, and the result is 1.0."""
    _check_pair(predicted, labels)
    observed = np.asarray(confusion_matrix(predicted, labels, categories), dtype=np.float64)
    k = len(categories)
    if k < 2:
        return 1.0
    index = np.arange(k, dtype=np.float64)
    weights = np.subtract.outer(index, index) ** 2 / (k - 1) ** 2
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    expected_disagreement = float((weights * expected).sum())
    observed_disagreement = float((weights * observed).sum())
    if expected_disagreement <= 0.0:
        return 1.0
    return 1.0 - observed_disagreement / expected_disagreement


def catch_rate(flags: list[bool]) -> float:
    """Fraction of cases flagged (e.g. planted problems the judge caught)."""
    if not flags:
        raise ValueError("need at least one flag")
    return sum(bool(flag) for flag in flags) / len(flags)
