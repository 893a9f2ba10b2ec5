"""Statistics for eval runs: bootstrap confidence intervals, paired run comparison, and agreement metrics.

Thin wrappers over scipy.stats (bootstrap, permutation_test) and scikit-learn's metrics; every random draw comes
from a seeded generator, so results are reproducible."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import scipy.stats
import sklearn.metrics

from interviewer.types import Strict

Verdict = Literal["better", "worse", "no detectable difference"]
ALPHA = 0.05


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
    samples: tuple[npt.NDArray[Any], ...],
    statistic: Callable[..., Any],
    *,
    resamples: int,
    confidence: float,
    seed: int,
    vectorized: bool = True,
) -> tuple[float, float, float]:
    """Percentile bootstrap (scipy.stats.bootstrap) of `statistic(*samples)` (with `axis=-1` when vectorized)
    over items resampled together (paired); a statistic that no resample can change gets a zero-width interval."""
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be in (0, 1)")
    if resamples < 1:
        raise ValueError("resamples must be positive")
    point = float(statistic(*samples, axis=-1) if vectorized else statistic(*samples))
    if samples[0].size < 2:
        return point, point, point  # one item: every resample is that item
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # degenerate resamples (all values equal) are handled below
        result = scipy.stats.bootstrap(samples, statistic, n_resamples=resamples, confidence_level=confidence,
                                       method="percentile", paired=True, vectorized=vectorized,
                                       random_state=np.random.default_rng(seed))
    low, high = float(result.confidence_interval.low), float(result.confidence_interval.high)
    if np.isnan(low) or np.isnan(high):
        return point, point, point
    return point, min(low, point), max(high, point)


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
    return _bootstrap((array,), lambda sample: float(statistic(sample)), resamples=resamples, confidence=confidence,
                      seed=seed, vectorized=False)


def sign_flip_p_value(differences: npt.ArrayLike, *, permutations: int = 5000, seed: int = 0) -> float:
    """Two-sided paired permutation test of mean difference = 0 (scipy.stats.permutation_test, flipping the sign
    of each case's difference): exact over all 2**n sign patterns when they are no more than `permutations`,
    otherwise `permutations` random patterns with the add-one correction, so the p-value is never 0."""
    d = _as_float_array(differences)
    if d.size < 2 or not d.any():
        return 1.0  # one case, or no difference at all: every sign pattern is as extreme as the observed one
    result = scipy.stats.permutation_test((d,), lambda x, axis=-1: np.abs(np.sum(x, axis=axis)),
                                          permutation_type="samples", n_resamples=permutations,
                                          alternative="greater", vectorized=True,
                                          random_state=np.random.default_rng(seed))
    return float(result.pvalue)


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


def _balanced_accuracy(predicted: npt.NDArray[np.bool_], labels: npt.NDArray[np.bool_], axis: int = -1) -> Any:
    """Vectorised over resamples (the last axis holds the items): the mean recall of the classes present."""
    recalls = []
    for cls in (True, False):
        present = (labels == cls).sum(axis=axis)
        hits = ((predicted == cls) & (labels == cls)).sum(axis=axis)
        with np.errstate(invalid="ignore", divide="ignore"):
            recalls.append(np.where(present > 0, hits / np.maximum(present, 1), np.nan))
    return np.nanmean(np.stack(recalls), axis=0)


def balanced_accuracy(predicted: list[bool], labels: list[bool]) -> float:
    """Mean of the recall on the positive and on the negative class (scikit-learn's balanced_accuracy_score); a
    class absent from the labels is skipped."""
    _check_pair(predicted, labels)
    if len(set(labels)) == 1:
        return float(np.mean([p == labels[0] for p in predicted]))
    return float(sklearn.metrics.balanced_accuracy_score(labels, predicted))


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
    _, low, high = _bootstrap((pred, lab), _balanced_accuracy, resamples=resamples, confidence=confidence, seed=seed)
    return balanced_accuracy(predicted, labels), low, high


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
    """Cohen's kappa with quadratic disagreement weights over `categories` order (scikit-learn's
    cohen_kappa_score). 1.0 for perfect agreement, 0 for chance level, negative for worse than chance. When the
    raters cannot disagree (one category, or every label and prediction the same value) the result is 1.0."""
    _check_pair(predicted, labels)
    confusion_matrix(predicted, labels, categories)  # every value must be a category
    if len(categories) < 2 or len(set(predicted) | set(labels)) < 2:
        return 1.0
    rank = {category: index for index, category in enumerate(categories)}
    return float(sklearn.metrics.cohen_kappa_score([rank[v] for v in labels], [rank[v] for v in predicted],
                                                   labels=list(range(len(categories))), weights="quadratic"))


def catch_rate(flags: list[bool]) -> float:
    """Fraction of cases flagged (e.g. planted problems the judge caught)."""
    if not flags:
        raise ValueError("need at least one flag")
    return sum(bool(flag) for flag in flags) / len(flags)
