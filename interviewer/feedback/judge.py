"""Feedback from a language model judge, held to the same evidence rules as the offline grader.

The model returns structured grading; every quote is checked verbatim against the cited candidate turn and
every absence claim against all candidate turns. Failing claims go back to the model for repair (twice at
most), then are dropped; a dimension left without a verified claim becomes "insufficient evidence". The
level estimate and the verdict are computed from the verified scores by the same code as offline, and
sentences that try to instruct the grader never reach the model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from interviewer.feedback.code_evidence import CodeRun, apply_code_run, best_code_run
from interviewer.feedback.concept_evidence import apply_concept_check, concept_check
from interviewer.feedback.concept_match import ConceptCheck
from interviewer.feedback.detector import Detection, SignalDetector
from interviewer.feedback.diagram_evidence import apply_diagram_evidence
from interviewer.feedback.evidence import quote_in_turn
from interviewer.feedback.grading import next_level_items, rubric_rationale, select_claims, summary_text
from interviewer.feedback.injection import excluded_spans, find_injections, flags_for, without_injections
from interviewer.feedback.levels import assess
from interviewer.feedback.render import ROUND_TITLES
from interviewer.llm.base import Message, Model, ModelOutputError
from interviewer.llm.context import candidate_block
from interviewer.llm.prompts import load_prompt
from interviewer.types import (
    Claim,
    CompanyProfile,
    DimensionGrade,
    Evidence,
    Feedback,
    Level,
    Question,
    Rubric,
    Transcript,
    Verification,
)

MAX_REPAIRS = 2


class JudgeEvidence(BaseModel):
    turn_id: int
    quote: str


class JudgeClaim(BaseModel):
    text: str
    dimension: str
    polarity: Literal["strength", "improvement"]
    kind: Literal["observation", "judgment", "absence"]
    signal: str | None = None
    evidence: list[JudgeEvidence] = Field(default_factory=list)


class JudgeDimension(BaseModel):
    dimension: str
    score: int | None = Field(default=None, ge=1, le=4)
    rationale: str
    claims: list[JudgeClaim] = Field(default_factory=list)


class JudgeOutput(BaseModel):
    summary: str
    dimensions: list[JudgeDimension]
    next_level: list[str] = Field(default_factory=list)


def rubric_text(rubric: Rubric) -> str:
    lines = []
    for dimension in rubric.dimensions:
        lines += [f"## {dimension.id}: {dimension.name}",
                  f"- below the bar: {' '.join(dimension.below_bar.split())}",
                  f"- L4/L5 execution bar: {' '.join(dimension.execution_bar.split())}",
                  f"- L6+ strategy bar: {' '.join(dimension.strategy_bar.split())}",
                  "- signals: " + "; ".join(f"{s} ({rubric.signals[s].name}, {rubric.signals[s].bar})"
                                            for s in dimension.signals)]
    return "\n".join(lines)


def transcript_text(transcript: Transcript) -> str:
    lines = []
    for turn in transcript.turns:
        if turn.role == "candidate":
            lines.append(f"[{turn.id}] Candidate:\n{candidate_block(turn.text)}")
        else:
            lines.append(f"[{turn.id}] Interviewer: {turn.text}")
    return "\n\n".join(lines)


def check_claim(claim: JudgeClaim, transcript: Transcript, rubric: Rubric, detection: Detection,
                absence_threshold: float) -> str | None:
    """Why the claim fails verification, or None when it holds."""
    if claim.dimension not in {d.id for d in rubric.dimensions}:
        return f"unknown dimension {claim.dimension!r}"
    if claim.kind == "absence":
        if claim.signal not in rubric.signals:
            return "an absence claim must name a rubric signal id"
        result = detection.results[claim.signal]
        if result.best >= absence_threshold and result.nearest is not None:
            return (f"turn {result.nearest.turn_id} touches {claim.signal}: "
                    f"\"{' '.join(result.nearest.text.split())[:100]}\"")
        return None
    if not claim.evidence:
        return "no evidence cited"
    for evidence in claim.evidence:
        if not quote_in_turn(transcript, Evidence(turn_id=evidence.turn_id, quote=evidence.quote)):
            return f"quote not found verbatim in candidate turn {evidence.turn_id}: \"{evidence.quote[:80]}\""
    return None


def judge_transcript(
    transcript: Transcript,
    rubric: Rubric,
    model: Model,
    detector: SignalDetector,
    *,
    target: Level,
    company: CompanyProfile | None = None,
    prompt_overrides: dict[str, Path] | None = None,
    question: Question | None = None,
) -> Feedback:
    """Grade with `model`; raises ModelError when the model cannot answer (callers fall back offline)."""
    injections = find_injections(transcript, detector.embedder)
    flags = flags_for(injections)
    clean = without_injections(transcript, injections)
    detection = detector.detect(transcript, excluded_spans(injections))
    system = load_prompt("feedback", prompt_overrides).render(
        round_title=ROUND_TITLES[rubric.round.value], level=target.value, rubric=rubric_text(rubric))
    repair = load_prompt("feedback_repair", prompt_overrides)
    messages: list[Message] = [{"role": "user", "content": f"The transcript:\n\n{transcript_text(clean)}"}]
    output = _parse(model, messages, system)
    threshold = detector.policy.absence_threshold
    for _ in range(MAX_REPAIRS):
        failures = [(claim, reason) for dimension in output.dimensions for claim in dimension.claims
                    if (reason := check_claim(claim, clean, rubric, detection, threshold)) is not None]
        if not failures:
            break
        listing = "\n".join(f"- {claim.text!r}: {reason}" for claim, reason in failures)
        messages = [*messages, {"role": "assistant", "content": output.model_dump_json()},
                    {"role": "user", "content": repair.render(failures=listing)}]
        output = _parse(model, messages, system)
    run = best_code_run(clean, question) if question is not None else None
    concepts = concept_check(clean, question, detector.embedder)
    return _feedback(output, clean, rubric, detection, detector, target, company, flags, model.name, run, concepts)


def _parse(model: Model, messages: list[Message], system: str) -> JudgeOutput:
    """Structured grading; output that does not parse is asked for once more before giving up."""
    try:
        return model.parse(messages, JudgeOutput, system=system)
    except ModelOutputError:
        return model.parse(messages, JudgeOutput, system=system)


def _feedback(output: JudgeOutput, transcript: Transcript, rubric: Rubric, detection: Detection,
              detector: SignalDetector, target: Level, company: CompanyProfile | None, flags: list[str],
              grader: str, run: CodeRun | None, concepts: ConceptCheck | None = None) -> Feedback:
    by_id = {d.dimension: d for d in output.dimensions}
    threshold = detector.policy.absence_threshold
    grades: list[DimensionGrade] = []
    total = verified = 0
    for dimension in rubric.dimensions:
        judged = by_id.get(dimension.id)
        claims = []
        for claim in judged.claims if judged else []:
            total += 1
            if check_claim(claim, transcript, rubric, detection, threshold) is None:
                verified += 1
                claims.append(Claim(text=claim.text, dimension=dimension.id, polarity=claim.polarity,
                                    kind=claim.kind, signal=claim.signal, verified=True,
                                    evidence=[Evidence(turn_id=e.turn_id, quote=e.quote) for e in claim.evidence]))
        score = judged.score if judged and claims else None
        rationale = judged.rationale if judged and claims else "Insufficient evidence: no verified claim."
        grades.append(DimensionGrade(dimension=dimension.id, name=dimension.name, score=score,
                                     rationale=rationale, claims=claims))
    if run is not None:
        apply_code_run(grades, run, rubric.hidden_tests, rubric_rationale(rubric))
        total, verified = total + 1, verified + 1  # its quote is the candidate's own def line
    if concepts is not None:
        added = apply_concept_check(grades, concepts, transcript, rubric_rationale(rubric))
        total, verified = total + added, verified + added  # verified verbatim as they are added
    added = apply_diagram_evidence(grades, transcript, rubric.round)
    total, verified = total + added, verified + added
    weights, estimate, verdict = assess(grades, rubric, company, target, detector.policy)
    strengths, improvements = select_claims(grades, weights)
    return Feedback(
        round=rubric.round, target_level=target, company=company.company if company else None,
        verdict=verdict, level_estimate=estimate,
        summary=f"{summary_text(grades, estimate, target, verdict)} {output.summary}".strip(),
        dimensions=grades, strengths=strengths, improvements=improvements,
        next_level=output.next_level[:5] or next_level_items(rubric, detection, estimate, weights),
        hints_taken=sum(1 for turn in transcript.turns if turn.hint), flags=flags, grader=grader,
        verification=Verification(claims_total=total, claims_verified=verified, claims_dropped=total - verified),
    )
