"""From dimension grades to a level estimate and a verdict: how much of each bar the evidence meets."""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.feedback.detector import Attainment, GradingPolicy, load_policy
from interviewer.types import CompanyProfile, DimensionGrade, Level, Rubric, Verdict

_LEVELS = [Level.L4, Level.L5, Level.L6, Level.L7]


@dataclass(frozen=True)
class LevelShares:
    """How much of the execution bar (weighted attainment over the graded dimensions) and of the strategy bar
    (weighted share of dimensions graded 4) the evidence meets."""

    execution: float
    strategy: float



def dimension_weights(rubric: Rubric, company: CompanyProfile | None) -> dict[str, float]:
    overrides = company.weights.get(rubric.round, {}) if company else {}
    return {d.id: d.weight * overrides.get(d.id, 1.0) for d in rubric.dimensions}


def level_shares(grades: list[DimensionGrade], weights: dict[str, float],
                 strategy_only: frozenset[str] = frozenset(), credit: Attainment | None = None,
                 expected: frozenset[str] = frozenset()) -> LevelShares:
    """How much of the execution bar (weighted over the graded dimensions) and of the strategy bar the evidence
    meets. A dimension meeting the execution bar counts fully, one approaching it in part (`credit`), and one
    lifted to the bar only by how its answers were given counts in part too: a level rests on rubric behaviours.
    Dimensions that only the L6+ bar asks about (`strategy_only`) do not count toward the execution bar. An
    `expected` dimension (one every round of its kind covers) left without evidence counts as not met: a bar
    needs evidence, and two good dimensions out of seven are not a level."""
    credit = credit or load_policy().attainment
    graded = [g for g in grades if g.score is not None or g.dimension in expected]
    total = sum(weights[g.dimension] for g in graded)
    if not total:
        return LevelShares(0.0, 0.0)
    for_execution = [g for g in graded if g.dimension not in strategy_only]
    execution_total = sum(weights[g.dimension] for g in for_execution)
    execution = (sum(weights[g.dimension] * _attainment(g, credit) for g in for_execution) / execution_total
                 if execution_total else 0.0)
    strategy = sum(weights[g.dimension] for g in graded if g.score == 4) / total
    return LevelShares(execution, strategy)


def expected_dimensions(rubric: Rubric) -> frozenset[str]:
    """Dimensions a round always covers: all but the topics an interviewer may or may not ask about (`asked_by`,
    as in a behavioral round, where an interview about leadership says nothing of mentoring)."""
    return frozenset(d.id for d in rubric.dimensions if not d.asked_by)


def _attainment(grade: DimensionGrade, credit: Attainment) -> float:
    if (grade.score or 0) >= 3:
        return credit.answers_only if grade.quality_lifted else 1.0
    return credit.approaching if grade.score == 2 else 0.0


def strategy_only_dimensions(rubric: Rubric) -> frozenset[str]:
    return frozenset(d.id for d in rubric.dimensions
                     if all(rubric.signals[s].bar == "strategy" for s in d.signals))


def _margin(shares: LevelShares, level: Level, policy: GradingPolicy) -> float:
    """How far the evidence is above the level's bar (negative: below it), the weaker of its two parts."""
    bar = policy.levels[level.value]
    margins = [shares.execution - bar.execution]
    if bar.strategy:
        margins.append(shares.strategy - bar.strategy)
    return min(margins)


ESTIMABLE = [Level.L4, Level.L5, Level.L6]
"""The rubric has two bars, execution (L4/L5) and strategy (L6+): evidence cannot tell L7 from L6, so the
estimate stops at L6 (a target of L7 still asks for a larger share of the strategy bar)."""


def estimate_level(shares: LevelShares, policy: GradingPolicy) -> Level:
    """The highest level whose bar the evidence meets (L4 is the floor, L6 the ceiling)."""
    met = [level for level in ESTIMABLE if _margin(shares, level, policy) >= 0.0]
    return met[-1] if met else Level.L4


def verdict_for(shares: LevelShares, target: Level, policy: GradingPolicy) -> Verdict:
    """From how far the evidence is above or below the target's bar; meeting the next level's bar is a strong
    hire."""
    above = [level for level in _LEVELS if level.rank > target.rank]
    if above and _margin(shares, above[0], policy) >= 0.0:
        return "strong hire"
    margin = _margin(shares, target, policy)
    cuts = policy.verdict
    if margin >= cuts.strong_hire:
        return "strong hire"
    if margin >= cuts.hire:
        return "hire"
    if margin >= cuts.lean_hire:
        return "lean hire"
    if margin >= cuts.lean_no_hire:
        return "lean no hire"
    return "no hire"


def assess(grades: list[DimensionGrade], rubric: Rubric, company: CompanyProfile | None, target: Level,
           policy: GradingPolicy) -> tuple[dict[str, float], Level, Verdict]:
    """The dimension weights, the level estimate and the verdict at the target, from the dimension grades (the
    offline grader and the model judge both end here)."""
    weights = dimension_weights(rubric, company)
    shares = level_shares(grades, weights, strategy_only_dimensions(rubric), policy.attainment,
                          expected_dimensions(rubric))
    return weights, estimate_level(shares, policy), verdict_for(shares, target, policy)
