"""Grade a transcript against the level bars: dimension scores, level estimate, verdict, claims.

Every claim carries evidence: observations quote the candidate verbatim, absence claims are checked
against every candidate sentence. Claims that fail verification are dropped before anything is shown,
and a dimension left without a verified claim is reported as insufficient evidence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from interviewer.feedback.code_evidence import apply_code_run, latest_code_run
from interviewer.feedback.detector import Detection, GradingPolicy, SignalDetector, SignalResult
from interviewer.feedback.evidence import reported, verify_claim
from interviewer.feedback.injection import excluded_spans, find_injections, flags_for
from interviewer.types import (
    Claim,
    CompanyProfile,
    Dimension,
    DimensionGrade,
    Evidence,
    Feedback,
    Level,
    Question,
    Rubric,
    Signal,
    Transcript,
    Verdict,
    Verification,
)

SCORE_WORDS = {
    1: "well below the execution bar",
    2: "approaching the execution bar",
    3: "meets the L4/L5 execution bar",
    4: "meets the L6+ strategy bar",
}
_LEVELS = [Level.L4, Level.L5, Level.L6, Level.L7]


@dataclass(frozen=True)
class LevelShares:
    """Weighted share of graded dimensions at the execution bar (score >= 3) and the strategy bar (4)."""

    execution: float
    strategy: float


def grade_transcript(
    transcript: Transcript,
    rubric: Rubric,
    detector: SignalDetector,
    *,
    target: Level,
    company: CompanyProfile | None = None,
    detection: Detection | None = None,
    policy: GradingPolicy | None = None,
    question: Question | None = None,
) -> Feedback:
    """Grade `transcript`; a `detection` already made for it and a `policy` other than the detector's
    may be given (the calibration reuses one detection across many policies). For an ML coding `question`,
    the candidate's last code is run against its hidden tests and the results become evidence."""
    injections = find_injections(transcript, detector.embedder)  # never evidence: see feedback/injection.py
    detection = detection or detector.detect(transcript, excluded_spans(injections))
    policy = policy or detector.policy
    grades = [_grade_dimension(d, rubric, detection, policy, target) for d in rubric.dimensions]
    if question is not None and (run := latest_code_run(transcript, question)) is not None:
        apply_code_run(grades, run, rubric_rationale(rubric))
    total = verified = 0
    for grade in grades:
        total += len(grade.claims)
        for claim in grade.claims:
            claim.verified = verify_claim(transcript, claim)
        grade.claims = [claim for claim in grade.claims if claim.verified]
        verified += len(grade.claims)
        if not grade.claims and grade.score is not None:
            grade.score = None
            grade.rationale = "Insufficient evidence: no claim about this dimension survived verification."
    weights = dimension_weights(rubric, company)
    shares = level_shares(grades, weights, strategy_only_dimensions(rubric))
    estimate = estimate_level(shares, policy)
    strengths, improvements = select_claims(grades, weights)
    return Feedback(
        round=rubric.round,
        target_level=target,
        company=company.company if company else None,
        verdict=verdict_for(shares, target, policy),
        level_estimate=estimate,
        summary=summary_text(grades, shares, estimate, target),
        dimensions=grades,
        strengths=strengths,
        improvements=improvements,
        next_level=next_level_items(rubric, detection, estimate, weights),
        hints_taken=sum(1 for turn in transcript.turns if turn.hint),
        flags=flags_for(injections),
        verification=Verification(claims_total=total, claims_verified=verified,
                                   claims_dropped=total - verified),
    )


# --- dimensions ---------------------------------------------------------------------------------


def _credit(result: SignalResult, policy: GradingPolicy) -> float:
    if not result.shown:
        return 0.0
    return policy.hint_credit if result.hint_only else 1.0


def _grade_dimension(
    dimension: Dimension, rubric: Rubric, detection: Detection, policy: GradingPolicy, target: Level
) -> DimensionGrade:
    signals = [rubric.signals[s] for s in dimension.signals
               if detection.results[s].shown or detection.results[s].occasion]
    results = {s.id: detection.results[s.id] for s in signals}
    shown = [s.id for s in signals if results[s.id].shown]
    missing = [s.id for s in signals if not results[s.id].shown]
    claims = [_observation(signal, results[signal.id], dimension, policy) for signal in signals
              if results[signal.id].shown]
    claims += [c for s in signals if not results[s.id].shown
               if (c := _gap_claim(s, results[s.id], dimension, policy, target)) is not None]
    touched = max(detection.touched[s.id] for s in signals)
    if not shown and touched < policy.touch_for(rubric.round.value):
        return DimensionGrade(dimension=dimension.id, name=dimension.name, score=None,
                              rationale="Insufficient evidence: neither side discussed this dimension.",
                              signals_missing=missing, claims=[])
    score = dimension_score(signals, results, policy)
    judgment = _judgment(dimension, score, signals, results)
    if judgment.evidence:
        claims.append(judgment)
    return DimensionGrade(dimension=dimension.id, name=dimension.name, score=score,
                          rationale=_rationale(dimension, score), signals_shown=shown,
                          signals_missing=missing, claims=claims)


def dimension_score(signals: list[Signal], results: dict[str, SignalResult], policy: GradingPolicy) -> int:
    execution = [s for s in signals if s.bar == "execution"]
    strategy = [s for s in signals if s.bar == "strategy"]
    if not execution:
        return _strategy_only_score(strategy, results, policy)
    exec_share = (sum(_credit(results[s.id], policy) for s in execution) / len(execution)) if execution else 1.0
    strat_share = (sum(_credit(results[s.id], policy) for s in strategy) / len(strategy)) if strategy else 0.0
    all_share = sum(_credit(results[s.id], policy) for s in signals) / len(signals)
    exec_share = max(exec_share, strat_share)  # the strategy bar's behaviours include the execution bar's
    rules = policy.dimension
    if exec_share >= rules.execution_meets and strategy and strat_share >= rules.strategy_meets:
        return 4
    if exec_share >= rules.execution_meets:
        return 3
    if all_share >= rules.approaching:
        return 2
    return 1


def _strategy_only_score(strategy: list[Signal], results: dict[str, SignalResult], policy: GradingPolicy) -> int:
    """A dimension that only the L6+ bar asks for: 4 when its share is met, 3 with some of it, else 2."""
    share = sum(_credit(results[s.id], policy) for s in strategy) / len(strategy)
    if share >= policy.dimension.strategy_meets:
        return 4
    return 3 if share > 0 else 2


def rubric_rationale(rubric: Rubric) -> Callable[[str, int], str]:
    """What a score means for a dimension of this rubric, by dimension id."""
    by_id = {d.id: d for d in rubric.dimensions}
    return lambda dimension_id, score: _rationale(by_id[dimension_id], score)


def _rationale(dimension: Dimension, score: int) -> str:
    descriptor = {1: dimension.below_bar, 2: dimension.below_bar, 3: dimension.execution_bar,
                  4: dimension.strategy_bar}[score]
    return f"{SCORE_WORDS[score].capitalize()}. {descriptor}"


def _quotes(result: SignalResult, policy: GradingPolicy) -> list[Evidence]:
    return [Evidence(turn_id=unit.turn_id, quote=unit.text)
            for unit, _ in result.support[: policy.evidence_per_claim]]


def _observation(signal: Signal, result: SignalResult, dimension: Dimension, policy: GradingPolicy) -> Claim:
    """"<signal> (<bar> bar): the candidate said <their best sentence, in the third person>", so the claim states
    what was said, not only which rubric label it earned."""
    bar = "strategy" if signal.bar == "strategy" else "execution"
    evidence = _quotes(result, policy)
    said = f": the candidate said {reported(evidence[0].quote)}" if evidence else ""
    if result.hint_only:
        text = f"{signal.name} ({bar} bar), but only after a hint{said}"
        polarity = "improvement"
    else:
        text = f"{signal.name} ({bar} bar){said}"
        polarity = "strength"
    return Claim(text=text, dimension=dimension.id, polarity=polarity, kind="observation",
                 signal=signal.id, evidence=evidence)


def _gap_claim(
    signal: Signal, result: SignalResult, dimension: Dimension, policy: GradingPolicy, target: Level
) -> Claim | None:
    """An absence claim when no candidate sentence comes near the signal; else a 'only touched' one."""
    if signal.bar == "strategy" and target.bar == "execution":
        return None
    if result.best < policy.absence_threshold:
        return Claim(text=f"The candidate {signal.missing}", dimension=dimension.id, polarity="improvement",
                     kind="absence", signal=signal.id, verified=True)
    nearest = _nearest(result)
    if nearest is None:
        return None
    return Claim(text=f"Touched on {signal.name.lower()} without showing it clearly: the candidate said "
                      f"{reported(nearest.quote)}", dimension=dimension.id, polarity="improvement",
                 kind="observation", signal=signal.id, evidence=[nearest])


def _nearest(result: SignalResult) -> Evidence | None:
    unit = result.nearest
    return Evidence(turn_id=unit.turn_id, quote=unit.text) if unit is not None else None


def _judgment(dimension: Dimension, score: int, signals: list[Signal], results: dict[str, SignalResult]) -> Claim:
    evidence = [Evidence(turn_id=results[s.id].support[0][0].turn_id, quote=results[s.id].support[0][0].text)
                for s in signals if results[s.id].shown][:3]
    return Claim(text=f"{dimension.name}: {SCORE_WORDS[score]}", dimension=dimension.id,
                 polarity="strength" if score >= 3 else "improvement", kind="judgment", evidence=evidence)


# --- level and verdict --------------------------------------------------------------------------


def dimension_weights(rubric: Rubric, company: CompanyProfile | None) -> dict[str, float]:
    overrides = company.weights.get(rubric.round, {}) if company else {}
    return {d.id: d.weight * overrides.get(d.id, 1.0) for d in rubric.dimensions}


def level_shares(grades: list[DimensionGrade], weights: dict[str, float],
                 strategy_only: frozenset[str] = frozenset()) -> LevelShares:
    """Dimensions that only the L6+ bar asks about (`strategy_only`) do not count toward the execution bar."""
    graded = [g for g in grades if g.score is not None]
    total = sum(weights[g.dimension] for g in graded)
    if not total:
        return LevelShares(0.0, 0.0)
    for_execution = [g for g in graded if g.dimension not in strategy_only]
    execution_total = sum(weights[g.dimension] for g in for_execution)
    execution = (sum(weights[g.dimension] for g in for_execution if (g.score or 0) >= 3) / execution_total
                 if execution_total else 0.0)
    strategy = sum(weights[g.dimension] for g in graded if g.score == 4) / total
    return LevelShares(execution, strategy)


def strategy_only_dimensions(rubric: Rubric) -> frozenset[str]:
    return frozenset(d.id for d in rubric.dimensions
                     if all(rubric.signals[s].bar == "strategy" for s in d.signals))


def _ratio(shares: LevelShares, level: Level, policy: GradingPolicy) -> float:
    """How far the evidence reaches the level's bar: 1.0 is exactly at it."""
    bar = policy.levels[level.value]
    ratios = [shares.execution / bar.execution if bar.execution else 2.0]
    if bar.strategy:
        ratios.append(shares.strategy / bar.strategy)
    return min(ratios)


ESTIMABLE = [Level.L4, Level.L5, Level.L6]
"""The rubric has two bars, execution (L4/L5) and strategy (L6+): evidence cannot tell L7 from L6, so the
estimate stops at L6 (a target of L7 still asks for a larger share of the strategy bar)."""


def estimate_level(shares: LevelShares, policy: GradingPolicy) -> Level:
    """The highest level whose bar the evidence meets (L4 is the floor, L6 the ceiling)."""
    met = [level for level in ESTIMABLE if _ratio(shares, level, policy) >= 1.0]
    return met[-1] if met else Level.L4


def verdict_for(shares: LevelShares, target: Level, policy: GradingPolicy) -> Verdict:
    ratio = _ratio(shares, target, policy)
    above = [level for level in _LEVELS if level.rank > target.rank]
    if above and _ratio(shares, above[0], policy) >= 1.0:
        return "strong hire"
    cuts = policy.verdict
    if ratio >= cuts.strong_hire:
        return "strong hire"
    if ratio >= cuts.hire:
        return "hire"
    if ratio >= cuts.lean_hire:
        return "lean hire"
    if ratio >= cuts.lean_no_hire:
        return "lean no hire"
    return "no hire"


# --- claims and text ----------------------------------------------------------------------------


def select_claims(grades: list[DimensionGrade], weights: dict[str, float]) -> tuple[list[Claim], list[Claim]]:
    """Strengths: observed signals, strategy bar first. Improvements: gaps, heaviest dimensions first."""
    order = {g.dimension: -weights[g.dimension] for g in grades}
    claims = [c for g in grades for c in g.claims if c.kind != "judgment"]
    strengths = sorted((c for c in claims if c.polarity == "strength"),
                       key=lambda c: ("strategy bar" not in c.text, order[c.dimension]))
    improvements = sorted((c for c in claims if c.polarity == "improvement"),
                          key=lambda c: (_improvement_rank(c), order[c.dimension]))
    return strengths[:8], improvements[:10]


def _improvement_rank(claim: Claim) -> int:
    """Hinted signals first (the candidate needed help), then absences, then weak mentions."""
    if claim.kind == "observation" and "after a hint" in claim.text:
        return 0
    return 1 if claim.kind == "absence" else 2


def summary_text(grades: list[DimensionGrade], shares: LevelShares, estimate: Level, target: Level) -> str:
    graded = [g for g in grades if g.score is not None]
    at_exec = sum(1 for g in graded if (g.score or 0) >= 3)
    at_strat = sum(1 for g in graded if g.score == 4)
    bar = "L6+ strategy" if estimate.rank >= 6 else ("L4/L5 execution" if estimate.rank == 5 else "")
    met = f"The evidence meets the {estimate.value} bar ({bar} bar)" if bar else \
        "The evidence does not reach the L5 execution bar"
    relation = "at or above" if estimate.rank >= target.rank else "below"
    insufficient = len(grades) - len(graded)
    tail = f"; {insufficient} without enough evidence" if insufficient else ""
    return (f"{met}, {relation} the {target.value} target. Of {len(graded)} graded dimensions, {at_exec} meet "
            f"the execution bar and {at_strat} the strategy bar{tail}.")


def next_level_items(rubric: Rubric, detection: Detection, estimate: Level, weights: dict[str, float]) -> list[str]:
    """What the level above the estimate would have shown: its bar's signals this candidate missed."""
    bar = "execution" if estimate == Level.L4 else "strategy"
    missing = [s for s in rubric.signals.values() if s.bar == bar and not detection.results[s.id].shown]
    missing.sort(key=lambda s: -weights[rubric.dimension_of(s.id).id])
    return [s.next_level for s in missing[:5]]
