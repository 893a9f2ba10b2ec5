"""Eval statistics against known values, and the Markdown / HTML run reports."""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

from interviewer.evaluation.report import render_html, render_markdown
from interviewer.evaluation.stats import (
    PairedResult,
    balanced_accuracy,
    balanced_accuracy_ci,
    bootstrap_ci,
    catch_rate,
    confusion_matrix,
    paired_difference,
    quadratic_weighted_kappa,
    sign_flip_p_value,
)


def test_bootstrap_ci_contains_the_mean_and_narrows_with_more_data() -> None:
    rng = np.random.default_rng(1)
    small = rng.normal(0.7, 0.2, size=20)
    large = rng.normal(0.7, 0.2, size=2000)
    point, low, high = bootstrap_ci(small)
    assert point == pytest.approx(float(small.mean()))
    assert low < point < high
    big_point, big_low, big_high = bootstrap_ci(large)
    assert big_low < big_point < big_high
    assert big_high - big_low < (high - low) / 3


def test_bootstrap_ci_is_deterministic_and_takes_other_statistics() -> None:
    values = [0.1, 0.4, 0.35, 0.8, 0.9, 0.2, 0.55]
    assert bootstrap_ci(values, seed=3) == bootstrap_ci(values, seed=3)
    assert bootstrap_ci(values, seed=3) != bootstrap_ci(values, seed=4)
    point, low, high = bootstrap_ci(values, statistic=np.median)
    assert point == pytest.approx(0.4)
    assert min(values) <= low <= point <= high <= max(values)
    _, narrow_low, narrow_high = bootstrap_ci(values, confidence=0.5)
    assert low <= narrow_low <= narrow_high <= high
    with pytest.raises(ValueError):
        bootstrap_ci([])


def test_clear_shift_is_better_and_flips_when_lower_is_better() -> None:
    rng = np.random.default_rng(7)
    a = rng.uniform(0.3, 0.7, size=30)
    b = a + 0.1 + rng.normal(0, 0.02, size=30)
    result = paired_difference(a, b, metric="score")
    assert result.verdict == "better"
    assert result.p_value < 0.05
    assert result.low > 0
    assert result.low < result.difference < result.high
    assert result.difference == pytest.approx(float((b - a).mean()))
    assert (result.metric, result.n) == ("score", 30)
    assert result.mean_b - result.mean_a == pytest.approx(result.difference)
    assert paired_difference(a, b, higher_is_better=False).verdict == "worse"
    assert paired_difference(b, a).verdict == "worse"
    assert paired_difference(b, a, higher_is_better=False).verdict == "better"


def test_identical_runs_show_no_difference() -> None:
    a = [0.2, 0.5, 0.9, 0.4, 0.7, 0.1, 0.3, 0.6, 0.8, 0.5, 0.2, 0.4, 0.6, 0.9, 0.3]
    result = paired_difference(a, list(a))
    assert result.p_value == 1.0
    assert result.verdict == "no detectable difference"
    assert (result.difference, result.low, result.high) == (0.0, 0.0, 0.0)
    small = paired_difference(a[:5], a[:5])
    assert small.p_value == 1.0
    assert small.verdict == "no detectable difference"


def test_noise_alone_is_not_a_difference() -> None:
    rng = np.random.default_rng(11)
    a = rng.uniform(0, 1, size=40)
    b = a + rng.normal(0, 0.1, size=40)
    assert paired_difference(a, b).verdict == "no detectable difference"


def test_paired_difference_rejects_unpaired_inputs() -> None:
    with pytest.raises(ValueError):
        paired_difference([1.0, 2.0], [1.0])


def _brute_force_p(differences: list[float]) -> Fraction:
    """Enumerate every sign pattern with exact rational arithmetic."""
    exact = [Fraction(d) for d in differences]
    observed = abs(sum(exact))
    patterns = list(itertools.product((1, -1), repeat=len(exact)))
    extreme = sum(1 for signs in patterns if abs(sum(s * d for s, d in zip(signs, exact, strict=True))) >= observed)
    return Fraction(extreme, len(patterns))


@pytest.mark.parametrize(
    "differences",
    [
        [0.25, 0.5, 0.125, 1.0],
        [1.0, 1.0, 1.0, 1.0, 1.0],
        [0.5, -0.25, 0.75, 0.125, 0.0, 1.0, 0.5],
        [1.0, 2.0, 3.0, -1.0, 0.5, 0.25, 1.5, 2.5, -0.5, 1.0, 0.75, 2.0],
        [-3.0],
    ],
)
def test_sign_flip_is_exact_for_small_n(differences: list[float]) -> None:
    assert sign_flip_p_value(differences) == float(_brute_force_p(differences))
    a = [0.0] * len(differences)
    assert paired_difference(a, differences).p_value == float(_brute_force_p(differences))


def test_all_positive_shifts_hit_the_exact_floor() -> None:
    # Only the all-plus and all-minus sign patterns are as extreme: p = 2 / 2**n.
    assert sign_flip_p_value([1.0] * 10) == 2 / 2**10


def test_sign_flip_samples_for_large_n() -> None:
    shifted = [1.0] * 30
    p = sign_flip_p_value(shifted, permutations=5000)
    assert p == pytest.approx(1 / 5001)  # add-one correction: never exactly 0
    rng = np.random.default_rng(5)
    noise = rng.normal(0, 1, size=40)
    assert sign_flip_p_value(noise, seed=1) == sign_flip_p_value(noise, seed=1)
    assert 0.0 < sign_flip_p_value(noise) <= 1.0


def test_balanced_accuracy_on_imbalanced_labels() -> None:
    labels = [False] * 90 + [True] * 10
    always_no = [False] * 100
    assert balanced_accuracy(always_no, labels) == 0.5  # plain accuracy would say 0.9
    labels = [True] * 8 + [False] * 2
    predicted = [True] * 6 + [False] * 2 + [True, False]
    assert balanced_accuracy(predicted, labels) == pytest.approx((6 / 8 + 1 / 2) / 2)
    assert balanced_accuracy([True, False], [True, True]) == 0.5  # no negatives: only the positive recall
    assert balanced_accuracy(labels, labels) == 1.0
    with pytest.raises(ValueError):
        balanced_accuracy([True], [True, False])


def test_balanced_accuracy_ci_brackets_the_point() -> None:
    rng = np.random.default_rng(2)
    labels = [bool(x) for x in rng.random(200) < 0.2]
    predicted = [label if rng.random() < 0.8 else not label for label in labels]
    point, low, high = balanced_accuracy_ci(predicted, labels)
    assert point == pytest.approx(balanced_accuracy(predicted, labels))
    assert low < point < high
    assert 0.0 <= low and high <= 1.0


def test_quadratic_weighted_kappa_known_values() -> None:
    categories = [0, 1, 2]
    assert quadratic_weighted_kappa([0, 1, 2, 2, 1], [0, 1, 2, 2, 1], categories) == pytest.approx(1.0)
    # Reversed ratings: observed weighted disagreement 2, expected 1 -> kappa = 1 - 2/1.
    assert quadratic_weighted_kappa([2, 1, 0], [0, 1, 2], categories) == pytest.approx(-1.0)
    # By hand: weights (i-j)^2/4; observed disagreement 0.25 + 0.25 = 0.5; marginals [1,1,2] for both raters,
    # expected disagreement = sum_ij w_ij r_i c_j / N = 5.5 / 4 = 1.375; kappa = 1 - 0.5/1.375 = 7/11.
    assert quadratic_weighted_kappa([0, 2, 2, 1], [0, 1, 2, 2], categories) == pytest.approx(7 / 11)


def test_quadratic_weighted_kappa_degenerate_cases() -> None:
    assert quadratic_weighted_kappa([3, 3], [3, 3], [3]) == 1.0
    assert quadratic_weighted_kappa([1, 1, 1], [1, 1, 1], [1, 2, 3]) == 1.0
    with pytest.raises(ValueError):
        quadratic_weighted_kappa([4], [1], [1, 2, 3])


def test_confusion_matrix_rows_are_labels_and_columns_are_predictions() -> None:
    labels = ["cat", "cat", "cat", "dog"]
    predicted = ["cat", "dog", "dog", "dog"]
    assert confusion_matrix(predicted, labels, ["cat", "dog"]) == [[1, 2], [0, 1]]
    assert confusion_matrix(predicted, labels, ["dog", "cat"]) == [[1, 0], [2, 1]]
    with pytest.raises(ValueError):
        confusion_matrix(["bird"], ["cat"], ["cat", "dog"])


def test_catch_rate() -> None:
    assert catch_rate([True, False, True, True]) == 0.75
    with pytest.raises(ValueError):
        catch_rate([])


def _run(suite: str = "grading-smoke") -> dict[str, Any]:
    comparison = paired_difference([0.1, 0.2, 0.3], [0.2, 0.3, 0.5], metric="accuracy")
    return {
        "suite": suite,
        "started_at": "2025-01-02T03:04:05Z",
        "model": "fake-model",
        "prompt_versions": {"judge": "abc123"},
        "metrics": [
            {"name": "balanced_accuracy", "value": 0.82, "low": 0.74, "high": 0.9, "threshold": 0.75, "passed": True},
            {"name": "qwk", "value": 0.41, "low": 0.2, "high": 0.6, "threshold": 0.5, "passed": False},
        ],
        "confusion": {"categories": ["hire", "no hire"], "matrix": [[5, 1], [2, 7]]},
        "cases": [{"id": "case-1", "correct": True, "note": "a|b"}, {"id": "case-2", "correct": False}],
        "comparison": [comparison.model_dump()],
    }


def test_html_report_is_self_contained_and_escaped() -> None:
    page = render_html(_run(suite='<script>alert("x")</script>'))
    assert "<svg" in page
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "balanced_accuracy" in page and "rgba(37, 99, 235, 1.000)" in page  # heatmap's darkest cell
    assert "<h2>Comparison (B − A)</h2>" in page and "no detectable difference" in page


def test_markdown_report_has_the_metric_table() -> None:
    text = render_markdown(_run())
    assert text.startswith("# Eval report: grading-smoke")
    assert "| metric | value | 95% CI | threshold | passed |" in text
    assert "| balanced_accuracy | 0.820 | [0.740, 0.900] | 0.750 | pass |" in text
    assert "| qwk | 0.410 | [0.200, 0.600] | 0.500 | FAIL |" in text
    assert "| hire | 5 | 1 |" in text
    assert "a\\|b" in text
    assert "## Comparison" in text


def test_reports_tolerate_missing_optional_parts() -> None:
    run = {"suite": "s", "started_at": "t", "model": "m", "prompt_versions": {}, "metrics": [], "cases": []}
    run |= {"confusion": None, "comparison": None}
    assert "Confusion" not in render_markdown(run) and "Comparison" not in render_html(run)


def test_paired_result_is_strict() -> None:
    data = paired_difference([0.0, 1.0], [1.0, 1.0]).model_dump()
    with pytest.raises(ValueError):
        PairedResult.model_validate(data | {"extra": 1})
