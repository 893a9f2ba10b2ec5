"""Grade a transcript against the level bars: dimension scores, level estimate, verdict, claims.

Every claim carries evidence: observations quote the candidate verbatim, absence claims are checked
against every candidate sentence. Claims that fail verification are dropped before anything is shown,
and a dimension left without a verified claim is reported as insufficient evidence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from interviewer.feedback.code_evidence import CodeRun, apply_code_run, best_code_run
from interviewer.feedback.detector import (
    Attainment,
    Detection,
    GradingPolicy,
    SignalDetector,
    SignalResult,
    load_policy,
)
from interviewer.feedback.evidence import reported, verify_claim
from interviewer.feedback.injection import find_injections, flags_for
from interviewer.feedback.quality import (
    QualityModel,
    QualityReading,
    Tier,
    answers_reading,
    interview_reading,
    load_quality_model,
    reading_claims,
)
from interviewer.feedback.speech import SpeechEvidence, SpeechReader
from interviewer.feedback.topics import asked_dimensions
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


@dataclass
class GradingEvidence:
    """Everything the grades rest on, gathered in one pass: rubric signals with the sentences that show them,
    how each answer was given, which dimensions the interviewer asked about, and the candidate's best code run."""

    detection: Detection
    speech: SpeechEvidence
    asked: dict[str, list[int]]
    """Per dimension with `asked_by` questions, the exchanges that asked about it."""
    code: CodeRun | None = None


def gather_evidence(transcript: Transcript, rubric: Rubric, detector: SignalDetector, *,
                    question: Question | None = None, detection: Detection | None = None) -> GradingEvidence:
    detection = detection or detector.detect(transcript)
    speech = SpeechReader(detector.embedder).read(transcript, detection.units)
    asked = asked_dimensions(speech.exchanges, rubric, detector.embedder, speech.small_talk)
    code = best_code_run(transcript, question) if question is not None else None
    return GradingEvidence(detection=detection, speech=speech, asked=asked, code=code)


def grade_transcript(
    transcript: Transcript,
    rubric: Rubric,
    detector: SignalDetector,
    *,
    target: Level,
    company: CompanyProfile | None = None,
    detection: Detection | None = None,
    evidence: GradingEvidence | None = None,
    policy: GradingPolicy | None = None,
    quality: QualityModel | None = None,
    question: Question | None = None,
) -> Feedback:
    """Grade `transcript`. Evidence (or a `detection`) already gathered for it, and a `policy` or answer-quality
    model other than the shipped ones, may be given (calibration reuses one evidence across many policies). For a
    coding `question`, the candidate's code is run against its hidden tests and the best run is evidence."""
    evidence = evidence or gather_evidence(transcript, rubric, detector, question=question, detection=detection)
    policy = policy or detector.policy
    quality = quality or load_quality_model()
    grades = [_grade_dimension(d, rubric, evidence, policy, quality, target) for d in rubric.dimensions]
    if evidence.code is not None:
        apply_code_run(grades, evidence.code, rubric_rationale(rubric))
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
        next_level=next_level_items(rubric, evidence.detection, estimate, weights),
        hints_taken=sum(1 for turn in transcript.turns if turn.hint),
        flags=flags_for(find_injections(transcript)),
        verification=Verification(claims_total=total, claims_verified=verified,
                                   claims_dropped=total - verified),
    )


# --- dimensions ---------------------------------------------------------------------------------


def _credit(result: SignalResult, policy: GradingPolicy) -> float:
    if not result.shown:
        return 0.0
    return policy.hint_credit if result.hint_only else 1.0


QUALITY_LADDER: dict[Tier, int] = {"weak": 1, "fair": 2, "strong": 3}
"""The grade the quality of the answers alone earns a dimension that rubric signals place lower."""


def _quality_reading(dimension: Dimension, evidence: GradingEvidence, model: QualityModel) -> QualityReading | None:
    if dimension.quality == "delivery":
        return interview_reading(evidence.speech, "delivery", model)
    if dimension.quality == "substance":
        if dimension.asked_by:
            return answers_reading(evidence.speech, evidence.asked.get(dimension.id, []), model)
        return interview_reading(evidence.speech, "substance", model)
    return None


def _grade_dimension(
    dimension: Dimension, rubric: Rubric, evidence: GradingEvidence, policy: GradingPolicy, model: QualityModel,
    target: Level,
) -> DimensionGrade:
    detection = evidence.detection
    signals = [rubric.signals[s] for s in dimension.signals
               if detection.results[s].shown or detection.results[s].occasion]
    results = {s.id: detection.results[s.id] for s in signals}
    shown = [s.id for s in signals if results[s.id].shown]
    missing = [s.id for s in signals if not results[s.id].shown]
    reading = _quality_reading(dimension, evidence, model)
    if not _touched(dimension, rubric, evidence, signals, shown, reading, policy):
        return DimensionGrade(dimension=dimension.id, name=dimension.name, score=None,
                              rationale="Insufficient evidence: neither side discussed this dimension.",
                              signals_missing=missing, claims=[])
    claims = [_observation(signal, results[signal.id], dimension, policy) for signal in signals
              if results[signal.id].shown]
    claims += [c for s in signals if not results[s.id].shown
               if (c := _gap_claim(s, results[s.id], dimension, policy, target)) is not None]
    score = dimension_score(signals, results, policy) if signals else 1
    lifted = False
    if reading is not None:
        if score <= 2 and QUALITY_LADDER[reading.tier] > score:
            score = QUALITY_LADDER[reading.tier]
            lifted = True
        claims += reading_claims(reading, dimension.id, evidence.speech.lexicon)
    judgment = _judgment(dimension, score, signals, results)
    if judgment.evidence:
        claims.append(judgment)
    return DimensionGrade(dimension=dimension.id, name=dimension.name, score=score,
                          rationale=_rationale(dimension, score), signals_shown=shown,
                          signals_missing=missing, claims=claims, quality_lifted=lifted and score >= 3)


UNASKED_SUPPORT = 2
"""A dimension the interviewer never asked about is graded only when at least this many of the candidate's
sentences show its signals: one sentence that resembles a rubric example is not a discussion of the topic."""


def _touched(dimension: Dimension, rubric: Rubric, evidence: GradingEvidence, signals: list[Signal],
             shown: list[str], reading: QualityReading | None, policy: GradingPolicy) -> bool:
    """Was this dimension discussed at all? A dimension the interviewer asks about by name (`asked_by`) is
    discussed when asked or when the candidate showed one of its signals; one every answer speaks to (a
    quality dimension without `asked_by`) whenever there are answers; others when a turn came near it."""
    if dimension.asked_by:
        supporting = {(unit.turn_id, unit.start) for s in shown
                      for unit, _ in evidence.detection.results[s].support}
        return bool(evidence.asked.get(dimension.id)) or len(supporting) >= UNASKED_SUPPORT
    if shown:
        return True
    if reading is not None:
        return True
    if not signals:
        return False
    touched = max(evidence.detection.touched[s.id] for s in signals)
    return touched >= policy.touch_for(rubric.round.value)


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
                 strategy_only: frozenset[str] = frozenset(), credit: Attainment | None = None) -> LevelShares:
    """How much of the execution bar (weighted over the graded dimensions) and of the strategy bar the evidence
    meets. A dimension meeting the execution bar counts fully, one approaching it in part (`credit`), and one
    lifted to the bar only by how its answers were given counts in part too: a level rests on rubric behaviours.
    Dimensions that only the L6+ bar asks about (`strategy_only`) do not count toward the execution bar."""
    credit = credit or load_policy().attainment
    graded = [g for g in grades if g.score is not None]
    total = sum(weights[g.dimension] for g in graded)
    if not total:
        return LevelShares(0.0, 0.0)
    for_execution = [g for g in graded if g.dimension not in strategy_only]
    execution_total = sum(weights[g.dimension] for g in for_execution)
    execution = (sum(weights[g.dimension] * _attainment(g, credit) for g in for_execution) / execution_total
                 if execution_total else 0.0)
    strategy = sum(weights[g.dimension] for g in graded if g.score == 4) / total
    return LevelShares(execution, strategy)


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
