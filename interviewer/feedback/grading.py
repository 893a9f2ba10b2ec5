"""Grade a transcript against the level bars: dimension scores, level estimate, verdict, claims.

Every claim carries evidence: observations quote the candidate verbatim, absence claims are checked
against every candidate sentence. Claims that fail verification are dropped before anything is shown,
and a dimension left without a verified claim is reported as insufficient evidence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from interviewer.feedback.answer_quality import (
    QualityModel,
    QualityReading,
    Tier,
    answers_reading,
    interview_reading,
    load_quality_model,
    reading_claims,
)
from interviewer.feedback.code_evidence import CodeRun, apply_code_run, best_code_run
from interviewer.feedback.concept_evidence import apply_concept_check, concept_check, misconception_spans
from interviewer.feedback.concept_match import ConceptCheck
from interviewer.feedback.detector import Detection, GradingPolicy, SignalDetector, SignalResult
from interviewer.feedback.diagram_evidence import apply_diagram_evidence
from interviewer.feedback.evidence import reported
from interviewer.feedback.injection import Injection, excluded_spans, find_injections, flags_for
from interviewer.feedback.levels import assess
from interviewer.feedback.speech import SpeechEvidence, SpeechReader
from interviewer.feedback.structure import NEEDS_OCCASION, STRUCTURAL
from interviewer.feedback.topics import asked_dimensions
from interviewer.feedback.verify import (
    CheckedSignals,
    ClaimGate,
    checked_observations,
    credited_detection,
    failing_claims,
)
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


@dataclass
class GradingEvidence:
    """Everything the grades rest on, gathered in one pass: rubric signals with the sentences that show them,
    how each answer was given, which dimensions the interviewer asked about, and the candidate's best code run."""

    detection: Detection
    speech: SpeechEvidence
    asked: dict[str, list[int]]
    """Per dimension with `asked_by` questions, the exchanges that asked about it."""
    code: CodeRun | None = None
    concepts: ConceptCheck | None = None
    """ML fundamentals: the key points made and the misconceptions voiced (feedback/concept_match.py)."""
    injections: list[Injection] = field(default_factory=list)
    """Text that tries to instruct the grader: flagged, never evidence."""
    not_applicable: frozenset[str] = frozenset()
    """Signals the question gives no occasion for: graded only if shown anyway."""


NO_QUOTE = "Insufficient evidence: the grader found no quote that shows this dimension."


def gather_evidence(transcript: Transcript, rubric: Rubric, detector: SignalDetector, *,
                    question: Question | None = None, detection: Detection | None = None) -> GradingEvidence:
    """Text addressed to the grader (feedback/injection.py) and sentences that voice a misconception are kept out
    of the signal evidence."""
    injections = find_injections(transcript, detector.embedder)
    concepts = concept_check(transcript, question, detector.embedder)
    excluded = excluded_spans(injections)
    for turn_id, spans in misconception_spans(concepts).items():
        excluded.setdefault(turn_id, []).extend(spans)
    detection = detection or detector.detect(transcript, excluded)
    speech = SpeechReader(detector.embedder).read(transcript, detection.units)
    asked = asked_dimensions(speech.exchanges, rubric, detector.embedder, speech.small_talk, question)
    code = best_code_run(transcript, question) if question is not None else None
    return GradingEvidence(detection=detection, speech=speech, asked=asked, code=code, concepts=concepts,
                           injections=injections,
                           not_applicable=_not_applicable(rubric, detector.policy, question))


def _not_applicable(rubric: Rubric, policy: GradingPolicy, question: Question | None) -> frozenset[str]:
    """The question's signals without an occasion, and the round's (a behavioral story asks for no clarifying
    question) unless the question probes them."""
    probed = {probe.signal for probe in question.probes} if question else set()
    unasked = set(policy.unasked_by_round.get(rubric.round.value, [])) - probed
    return frozenset(question.not_applicable if question else ()) | unasked


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
    gate = gate or ClaimGate()
    detection = evidence.detection

    def claim_for(signal_id: str, attempt: int) -> Claim:
        return _observation(rubric.signals[signal_id], detection.results[signal_id],
                            rubric.dimension_of(signal_id).id, attempt)

    signals = checked_observations(transcript, detection, gate, claim_for)
    credited = credited_detection(detection, signals.credited())
    grades = [_grade_dimension(d, rubric, credited, evidence, signals, policy, quality, target)
              for d in rubric.dimensions]
    if evidence.code is not None:
        apply_code_run(grades, evidence.code, rubric.hidden_tests, rubric_rationale(rubric))
    if evidence.concepts is not None:
        apply_concept_check(grades, evidence.concepts, transcript, rubric_rationale(rubric))
    apply_diagram_evidence(grades, transcript, rubric.round)
    for grade in grades:  # code runs, key points and diagrams may have moved a grade: its judgment follows it
        _restate_grade(grade)
    printed = {id(claim) for claim in signals.printed.values()}
    others = [claim for grade in grades for claim in grade.claims if id(claim) not in printed]
    failed = failing_claims(transcript, others, gate)
    for grade in grades:
        had_claims = bool(grade.claims)
        grade.claims = [c for c in grade.claims if id(c) not in failed]
        if not grade.claims and grade.score is not None:
            grade.score = None
            grade.rationale = ("Insufficient evidence: no claim about this dimension passed the check." if had_claims
                               else NO_QUOTE)
    total = signals.attempted + len(others)
    verified = sum(len(grade.claims) for grade in grades)
    weights, estimate, verdict = assess(grades, rubric, company, target, policy)
    strengths, improvements = select_claims(grades, weights)
    return Feedback(
        round=rubric.round,
        target_level=target,
        company=company.company if company else None,
        verdict=verdict,
        level_estimate=estimate,
        summary=summary_text(grades, estimate, target, verdict),
        dimensions=grades,
        strengths=strengths,
        improvements=improvements,
        next_level=next_level_items(rubric, credited, estimate, weights, evidence.not_applicable),
        hints_taken=sum(1 for turn in transcript.turns if turn.hint),
        flags=flags_for(evidence.injections),
        verification=Verification(claims_total=total, claims_verified=verified,
                                  claims_dropped=total - verified),
    )


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
    signals = [rubric.signals[s] for s in dimension.signals if detection.results[s].shown
               or (detection.results[s].occasion and s not in evidence.not_applicable)]
    results = {s.id: detection.results[s.id] for s in signals}
    shown = [s.id for s in signals if results[s.id].shown]
    missing = [s.id for s in signals if not results[s.id].shown]
    reading = _quality_reading(dimension, evidence, model)
    if not _touched(dimension, rubric, detection, evidence, signals, shown, reading, policy):
        return DimensionGrade(dimension=dimension.id, name=dimension.name, score=None,
                              rationale=NO_QUOTE,
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
    elif not claims and (unanswered := _asked_not_shown(dimension, evidence)) is not None:
        claims.append(unanswered)
    return DimensionGrade(dimension=dimension.id, name=dimension.name, score=score,
                          rationale=_rationale(dimension, score), signals_shown=shown,
                          signals_missing=missing, claims=claims, quality_lifted=lifted and score >= 3 and not shown,
                          not_credited=not_credited,
                          credited_unprinted=[rubric.signals[s].name for s in shown if s in checked.unprinted])


UNASKED_SUPPORT = 2
"""A dimension the interviewer never asked about is graded only when at least this many of the candidate's
sentences show its signals: one sentence that resembles a rubric example is not a discussion of the topic."""


def _touched(dimension: Dimension, rubric: Rubric, detection: Detection, evidence: GradingEvidence,
             signals: list[Signal], shown: list[str], reading: QualityReading | None, policy: GradingPolicy) -> bool:
    """Was this dimension discussed at all? A dimension the interviewer asks about by name (`asked_by`) is
    discussed when asked or when the candidate showed one of its signals; one every answer speaks to (a
    quality dimension without `asked_by`) whenever there are answers; others when a turn came near it."""
    if evidence.asked.get(dimension.id):
        return True
    if dimension.asked_by:
        supporting = {(unit.turn_id, unit.start) for s in shown for unit, _ in detection.results[s].support}
        return len(supporting) >= UNASKED_SUPPORT
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
        return f"{_sentence(SCORE_WORDS[score])}. The execution bar asks for this: {dimension.execution_bar}"
    if score == 3:
        return f"{_sentence(SCORE_WORDS[score])}. The strategy bar would add: {dimension.strategy_bar}"
    return f"{_sentence(SCORE_WORDS[score])}, which asks for this: {dimension.strategy_bar}"


def _sentence(words: str) -> str:
    """Capitalised first letter only ("meets the L4/L5 ..." -> "Meets the L4/L5 ...", not "l4/l5")."""
    return words[:1].upper() + words[1:]


def _observation(signal: Signal, result: SignalResult, dimension: str, attempt: int = 0) -> Claim:
    """"<signal> (<bar> bar): the candidate said <one of its sentences, in the third person>", quoting that
    sentence, so the claim states what was said, not only which rubric label it earned. A thought-process signal
    is read from the conversation's shape, not from one sentence: its claim is a judgment with an example."""
    bar = "strategy" if signal.bar == "strategy" else "execution"
    unit = result.quotes[attempt][0]
    verb = "asked" if unit.text.rstrip().endswith("?") else "said"
    said = f": the candidate {verb} {reported(unit.text)}"
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
    return claim.kind == "judgment" and claim.signal is None and claim.text.endswith(tuple(SCORE_WORDS.values()))


def _judgment(dimension: Dimension, score: int, observations: list[Claim]) -> Claim:
    """The grade, held to the evidence of the behaviours credited in the dimension."""
    evidence = [claim.evidence[0] for claim in observations][:3]
    return Claim(text=f"{dimension.name}: {SCORE_WORDS[score]}", dimension=dimension.id,
                 polarity="strength" if score >= 3 else "improvement", kind="judgment", evidence=evidence)


def _asked_not_shown(dimension: Dimension, evidence: GradingEvidence) -> Claim | None:
    """The interviewer asked about the dimension and no answer showed any of its behaviours clearly enough to
    credit: the grader's judgment, quoting how the answer to that question began."""
    for index in evidence.asked.get(dimension.id, []):
        exchange = evidence.speech.exchanges[index]
        answer = next((u for u in evidence.detection.units if u.turn_id in exchange.turn_ids), None)
        if exchange.question is not None and answer is not None:
            return Claim(text=f"{dimension.name}: asked about it in turn {exchange.question.id}; no answer showed "
                              "its behaviours clearly enough to credit. The answer began",
                         dimension=dimension.id, polarity="improvement", kind="judgment", signal=None,
                         evidence=[Evidence(turn_id=answer.turn_id, quote=answer.text)])
    return None


def _restate_grade(grade: DimensionGrade) -> None:
    """The grade claim says the dimension's final score (none when the dimension ends ungraded)."""
    claims = []
    for claim in grade.claims:
        if is_grade_claim(claim):
            if grade.score is None:
                continue
            claim = claim.model_copy(update={"text": f"{grade.name}: {SCORE_WORDS[grade.score]}",
                                             "polarity": "strength" if grade.score >= 3 else "improvement"})
        claims.append(claim)
    grade.claims = claims


# --- claims and text ----------------------------------------------------------------------------


def select_claims(grades: list[DimensionGrade], weights: dict[str, float]) -> tuple[list[Claim], list[Claim]]:
    """Strengths: observed signals, strategy bar first, each quote once (a sentence that shows several behaviours
    is listed under each of their dimensions, and once here: eight strengths show eight different moments).
    Improvements: gaps, heaviest dimensions first."""
    order = {g.dimension: -weights[g.dimension] for g in grades}
    unique = {(c.text, _quoted(c)): c for g in grades for c in g.claims if not is_grade_claim(c)}
    claims = list(unique.values())
    strengths: list[Claim] = []
    quoted: set[tuple[tuple[int, str], ...]] = set()
    for claim in sorted((c for c in claims if c.polarity == "strength"),
                        key=lambda c: ("strategy bar" not in c.text, order[c.dimension])):
        if claim.evidence and _quoted(claim) in quoted:
            continue
        quoted.add(_quoted(claim))
        strengths.append(claim)
    improvements = sorted((c for c in claims if c.polarity == "improvement"),
                          key=lambda c: (_improvement_rank(c), order[c.dimension]))
    return strengths[:8], improvements[:10]


def _quoted(claim: Claim) -> tuple[tuple[int, str], ...]:
    return tuple((e.turn_id, " ".join(e.quote.split())) for e in claim.evidence)


def _improvement_rank(claim: Claim) -> int:
    """Hinted signals first (the candidate needed help), then absences, then weak mentions."""
    if claim.kind == "observation" and "after a hint" in claim.text:
        return 0
    return 1 if claim.kind == "absence" else 2


def summary_text(grades: list[DimensionGrade], estimate: Level, target: Level, verdict: Verdict) -> str:
    """For example: "Estimated L5: the evidence meets the L4/L5 execution bar but not the L6+ strategy bar. At the
    L6 target: lean no hire. Of 9 graded dimensions, ..." """
    graded = [g for g in grades if g.score is not None]
    at_exec = sum(1 for g in graded if (g.score or 0) >= 3)
    at_strat = sum(1 for g in graded if g.score == 4)
    if estimate.rank >= 6:
        met = "the evidence meets the L6+ strategy bar"
    elif estimate.rank == 5:
        met = "the evidence meets the L4/L5 execution bar but not the L6+ strategy bar"
    else:
        met = "the evidence does not reach the L5 execution bar"
    insufficient = len(grades) - len(graded)
    tail = f"; {insufficient} without enough evidence" if insufficient else ""
    return (f"Estimated {estimate.value}: {met}. At the {target.value} target: {verdict}. Of {len(graded)} graded "
            f"dimensions, {at_exec} meet the execution bar and {at_strat} the strategy bar{tail}.")


def next_level_items(rubric: Rubric, detection: Detection, estimate: Level, weights: dict[str, float],
                     not_applicable: frozenset[str] = frozenset()) -> list[str]:
    """What the level above the estimate would have shown: its bar's signals this candidate missed (of those the
    question and the conversation gave an occasion for)."""
    bar = "execution" if estimate == Level.L4 else "strategy"
    missing = [s for s in rubric.signals.values() if s.bar == bar and not detection.results[s.id].shown
               and detection.results[s.id].occasion and s.id not in not_applicable]
    missing.sort(key=lambda s: -weights[rubric.dimension_of(s.id).id])
    return [s.next_level for s in missing[:5]]
