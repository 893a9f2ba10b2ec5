"""Grade a transcript against the level bars: dimension scores, level estimate, verdict, claims.

Every claim carries evidence: observations quote the candidate verbatim, absence claims are checked
against every candidate sentence. Claims that fail verification are dropped before anything is shown,
and a dimension left without a verified claim is reported as insufficient evidence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

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
from interviewer.feedback.structure import NEEDS_OCCASION, STRUCTURAL
from interviewer.feedback.topics import asked_dimensions
from interviewer.feedback.verify import ClaimGate, only_weak_support
from interviewer.types import (
    Claim,
    ClaimKind,
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
    gate: ClaimGate | None = None,
) -> Feedback:
    """Grade `transcript` in one pass: evidence in, every claim checked by the faithfulness checker (`gate`),
    grades from what survived, level and verdict from the grades. Evidence (or a `detection`) already gathered, a
    `policy` or answer-quality model other than the shipped ones, and a gate that remembers verdicts may be given
    (calibration reuses them). For a coding `question`, the best run of the candidate's code is evidence."""
    evidence = evidence or gather_evidence(transcript, rubric, detector, question=question, detection=detection)
    policy = policy or detector.policy
    quality = quality or load_quality_model()
    gate = gate or ClaimGate(detector.embedder)
    signals = checked_observations(transcript, rubric, evidence.detection, gate)
    credited = _credited(evidence.detection, signals.credited())
    grades = [_grade_dimension(d, rubric, credited, evidence, signals, policy, quality, target)
              for d in rubric.dimensions]
    if evidence.code is not None:
        apply_code_run(grades, evidence.code, rubric_rationale(rubric))
    printed = {id(claim) for claim in signals.printed.values()}
    others = [claim for grade in grades for claim in grade.claims if id(claim) not in printed]
    passed = _passing(transcript, others, gate)
    for grade in grades:
        grade.claims = [c for c in grade.claims if id(c) not in passed.failed]
        if not grade.claims and grade.score is not None:
            grade.score = None
            grade.rationale = "Insufficient evidence: no claim about this dimension passed the check."
    total = signals.attempted + len(others)
    verified = sum(len(grade.claims) for grade in grades)
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
        next_level=next_level_items(rubric, credited, estimate, weights),
        hints_taken=sum(1 for turn in transcript.turns if turn.hint),
        flags=flags_for(find_injections(transcript)),
        verification=Verification(claims_total=total, claims_verified=verified,
                                  claims_dropped=total - verified),
    )


@dataclass
class _Passed:
    failed: set[int]
    """ids of the claims that failed."""


def _passing(transcript: Transcript, claims: list[Claim], gate: ClaimGate) -> _Passed:
    """Quotes verbatim in the cited candidate turn first (cheap), then the checker."""
    verbatim = [c for c in claims if verify_claim(transcript, c)]
    failed = {id(c) for c in claims} - {id(c) for c in verbatim}
    for claim, ok in zip(verbatim, gate.passing(transcript, verbatim), strict=True):
        claim.verified = ok
        if not ok:
            failed.add(id(claim))
    return _Passed(failed)


OBSERVATION_ATTEMPTS = 3
"""How many of a signal's sentences are tried, one at a time, as the evidence of its claim."""


@dataclass
class CheckedSignals:
    printed: dict[str, Claim]
    """Per credited signal, the claim that passed the checker (what the feedback prints)."""
    unprinted: dict[str, Claim]
    """Credited signals whose every claim the checker found only weakly supported (its entailment judge is the
    weak part; quote, speaker, negation, numbers and names all held): the grade and its judgment keep the quote,
    the feedback does not print the claim."""
    attempted: int

    def credited(self) -> set[str]:
        return set(self.printed) | set(self.unprinted)


def checked_observations(transcript: Transcript, rubric: Rubric, detection: Detection,
                         gate: ClaimGate) -> CheckedSignals:
    """Per shown signal, a claim quoting one of its sentences that passes the checker: the best sentence first,
    then the next ones in turn (the repair). A signal whose claims fail on what the checker can establish (a
    quote not in the candidate's turn, a lost negation, a number or name the candidate never said) is not
    credited."""
    shown = [s for s, r in detection.results.items() if r.shown and r.quotes]
    printed: dict[str, Claim] = {}
    soft: dict[str, Claim] = {}
    for attempt in range(OBSERVATION_ATTEMPTS):
        tries = {s: _observation(rubric.signals[s], detection.results[s], rubric.dimension_of(s).id, attempt)
                 for s in shown if s not in printed and attempt < len(detection.results[s].quotes)}
        candidates = [(s, c) for s, c in tries.items() if verify_claim(transcript, c)]
        for (signal_id, claim), check in zip(candidates, gate.check(transcript, [c for _, c in candidates]),
                                             strict=True):
            if check.verdict == "supported":
                claim.verified = True
                printed[signal_id] = claim
            elif only_weak_support(check):
                soft.setdefault(signal_id, claim)
    unprinted = {s: c for s, c in soft.items() if s not in printed}
    return CheckedSignals(printed=printed, unprinted=unprinted, attempted=len(shown))


def _credited(detection: Detection, credited: set[str]) -> Detection:
    """The detection with every shown signal the checker did not let through taken back."""
    results = {s: r if not r.shown or s in credited else replace(r, shown=False, support=[], quotes=[])
               for s, r in detection.results.items()}
    return Detection(units=detection.units, results=results, touched=detection.touched)


# --- dimensions ---------------------------------------------------------------------------------


def _credit(result: SignalResult, policy: GradingPolicy) -> float:
    if not result.shown:
        return 0.0
    return policy.hint_credit if result.hint_only else 1.0


QUALITY_FLOOR: dict[Tier, int] = {"weak": 1, "fair": 2, "strong": 3}
"""The grade the quality of the answers alone earns a dimension that rubric signals place lower."""
WEAK_CEILING = 2
"""Answers that read weak (short, unsure, lost in fillers) cannot meet the execution bar, whatever rubric words
they contain."""


def with_quality(score: int, tier: Tier) -> tuple[int, bool]:
    """A dimension's grade from its rubric behaviours (`score`) and the quality of its answers: strong answers
    lift it to the execution bar, fair ones to approaching it, weak ones hold it below the execution bar. Returns
    the grade and whether the answers alone lifted it."""
    floor = QUALITY_FLOOR[tier]
    if tier == "weak":
        return min(score, WEAK_CEILING), False
    return (floor, True) if floor > score else (score, False)


def _quality_reading(dimension: Dimension, evidence: GradingEvidence, model: QualityModel) -> QualityReading | None:
    if dimension.quality == "delivery":
        return interview_reading(evidence.speech, "delivery", model)
    if dimension.quality == "substance":
        if dimension.asked_by:
            return answers_reading(evidence.speech, evidence.asked.get(dimension.id, []), model)
        return interview_reading(evidence.speech, "substance", model)
    return None


def _grade_dimension(
    dimension: Dimension, rubric: Rubric, detection: Detection, evidence: GradingEvidence,
    checked: CheckedSignals, policy: GradingPolicy, model: QualityModel, target: Level,
) -> DimensionGrade:
    signals = [rubric.signals[s] for s in dimension.signals
               if detection.results[s].shown or detection.results[s].occasion]
    results = {s.id: detection.results[s.id] for s in signals}
    shown = [s.id for s in signals if results[s.id].shown]
    missing = [s.id for s in signals if not results[s.id].shown]
    reading = _quality_reading(dimension, evidence, model)
    if not _touched(dimension, rubric, detection, evidence, signals, shown, reading, policy):
        return DimensionGrade(dimension=dimension.id, name=dimension.name, score=None,
                              rationale="Insufficient evidence: neither side discussed this dimension.",
                              signals_missing=missing, claims=[])
    claims = [checked.printed[s] for s in shown if s in checked.printed]
    absences = [c for s in signals if not results[s.id].shown
                if (c := _absence_claim(s, results[s.id], dimension, policy, target)) is not None]
    claims += absences
    claimed_absent = {c.signal for c in absences}
    not_credited = [s.name for s in signals if not results[s.id].shown and s.id not in claimed_absent
                    and not (s.bar == "strategy" and target.bar == "execution")]
    score = dimension_score(signals, results, policy) if signals else 1
    lifted = False
    if reading is not None:
        score, lifted = with_quality(score, reading.tier)
        claims += reading_claims(reading, dimension.id, evidence.speech.lexicon)
    judgment = _judgment(dimension, score, [checked.printed.get(s) or checked.unprinted[s] for s in shown])
    if judgment.evidence:
        claims.append(judgment)
    return DimensionGrade(dimension=dimension.id, name=dimension.name, score=score,
                          rationale=_rationale(dimension, score), signals_shown=shown,
                          signals_missing=missing, claims=claims, quality_lifted=lifted and score >= 3,
                          not_credited=not_credited)


UNASKED_SUPPORT = 2
"""A dimension the interviewer never asked about is graded only when at least this many of the candidate's
sentences show its signals: one sentence that resembles a rubric example is not a discussion of the topic."""


def _touched(dimension: Dimension, rubric: Rubric, detection: Detection, evidence: GradingEvidence,
             signals: list[Signal], shown: list[str], reading: QualityReading | None, policy: GradingPolicy) -> bool:
    """Was this dimension discussed at all? A dimension the interviewer asks about by name (`asked_by`) is
    discussed when asked or when the candidate showed one of its signals; one every answer speaks to (a
    quality dimension without `asked_by`) whenever there are answers; others when a turn came near it."""
    if dimension.asked_by:
        supporting = {(unit.turn_id, unit.start) for s in shown for unit, _ in detection.results[s].support}
        return bool(evidence.asked.get(dimension.id)) or len(supporting) >= UNASKED_SUPPORT
    if shown:
        return True
    if reading is not None:
        return True
    if not signals:
        return False
    touched = max(detection.touched[s.id] for s in signals)
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
    """What the grade means, in the rubric's words: the bar that was missed or met, and what the next one asks.
    It describes the bar, never the candidate (the claims below it say what the candidate did)."""
    if score <= 2:
        return f"{SCORE_WORDS[score].capitalize()}. The execution bar asks for this: {dimension.execution_bar}"
    if score == 3:
        return f"{SCORE_WORDS[score].capitalize()}. The strategy bar would add: {dimension.strategy_bar}"
    return f"{SCORE_WORDS[score].capitalize()}, which asks for this: {dimension.strategy_bar}"


def _observation(signal: Signal, result: SignalResult, dimension: str, attempt: int = 0) -> Claim:
    """"<signal> (<bar> bar): the candidate said <one of its sentences, in the third person>", quoting that
    sentence, so the claim states what was said, not only which rubric label it earned. A thought-process signal
    is read from the conversation's shape, not from one sentence: its claim is a judgment with an example."""
    bar = "strategy" if signal.bar == "strategy" else "execution"
    unit = result.quotes[attempt][0]
    said = f": the candidate said {reported(unit.text)}"
    if result.hint_only:
        text, polarity = f"{signal.name} ({bar} bar), but only after a hint{said}", "improvement"
    else:
        text, polarity = f"{signal.name} ({bar} bar){said}", "strength"
    kind: ClaimKind = "judgment" if signal.id in STRUCTURAL else "observation"
    return Claim(text=text, dimension=dimension, polarity=polarity, kind=kind, signal=signal.id,
                 evidence=[Evidence(turn_id=unit.turn_id, quote=unit.text)])


def _absence_claim(signal: Signal, result: SignalResult, dimension: Dimension, policy: GradingPolicy,
                   target: Level) -> Claim | None:
    """"The candidate never ..." only when nothing the candidate said comes near the signal, in meaning or in
    words: no sentence close to it and none with one of its cue phrases. (Meaning alone misses paraphrases: on
    our own samples a fifth of the signals shown in other words sit below the similarity threshold.) Signals
    that need an occasion (correcting an error, taking a hint) are never claimed absent. Anything else not
    shown is listed as not credited, which is the grader's finding, not a claim about the candidate."""
    if signal.bar == "strategy" and target.bar == "execution":
        return None
    if result.best >= policy.absence_threshold or result.cued or signal.id in NEEDS_OCCASION:
        return None
    return Claim(text=f"The candidate {signal.missing}", dimension=dimension.id, polarity="improvement",
                 kind="absence", signal=signal.id, verified=True)


def is_grade_claim(claim: Claim) -> bool:
    """The dimension's grade as a claim ("Trade-offs: meets the L4/L5 execution bar"), as opposed to a claim about
    one behaviour: listed with the grade, not among strengths and improvements."""
    return claim.kind == "judgment" and claim.signal is None


def _judgment(dimension: Dimension, score: int, observations: list[Claim]) -> Claim:
    """The grade, held to the evidence of the behaviours credited in the dimension."""
    evidence = [claim.evidence[0] for claim in observations][:3]
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
    claims = [c for g in grades for c in g.claims if not is_grade_claim(c)]
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
