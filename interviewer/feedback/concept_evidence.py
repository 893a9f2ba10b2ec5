"""ML fundamentals evidence: the key points the candidate made and the misconceptions they voiced (matched by
`concept_match.py`), each quoting the candidate's own sentence, as claims in the conceptual accuracy dimension. They
bound its grade: a misconception left standing, or too few key points, keeps it below the execution bar; enough key
points with no misconception standing meet it at least. Sentences that voice a misconception are kept out of the
rest of the grading, so a wrong statement about inference is no evidence of knowing what changes there.
"""

from __future__ import annotations

from collections.abc import Callable

from interviewer.feedback.concept_match import ConceptCheck, ConceptMatcher, ConceptPolicy, load_concept_policy
from interviewer.feedback.evidence import candidate_units, reported, verify_claim
from interviewer.rag.embeddings import Embedder
from interviewer.types import Claim, DimensionGrade, Evidence, Question, Transcript


def concept_check(transcript: Transcript, question: Question | None, embedder: Embedder) -> ConceptCheck | None:
    """The check of an ML fundamentals question's key points and misconceptions; None for other questions."""
    if question is None or question.concepts is None:
        return None
    return ConceptMatcher(question.concepts, embedder).check(candidate_units(transcript))


def misconception_spans(check: ConceptCheck | None) -> dict[int, list[tuple[int, int]]]:
    """Per candidate turn, the sentences that voice a misconception: left out of the signal evidence (a wrong
    statement about inference is no evidence of knowing what changes there), as text addressed to the grader is."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for item in check.heard if check is not None else []:
        spans.setdefault(item.unit.turn_id, []).append((item.unit.start, item.unit.end))
    return spans


def _label(identifier: str) -> str:
    return identifier.replace("-", " ")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def concept_claims(check: ConceptCheck, dimension: str) -> list[Claim]:
    """Misconceptions first (standing, then corrected), then the key points made, then those never made."""
    claims: list[Claim] = []
    for item in check.standing:
        claims.append(Claim(
            text=f"Misconception ({_label(item.misconception.id)}): the candidate said {reported(item.unit.text)}; "
                 f"in fact, {_lower_first(item.misconception.correction)}",
            dimension=dimension, polarity="improvement", kind="observation",
            evidence=[Evidence(turn_id=item.unit.turn_id, quote=item.unit.text)]))
    for item in check.heard:
        if item.corrected_by is not None:
            claims.append(Claim(
                text=f"Corrected a misconception ({_label(item.misconception.id)}): the candidate first said "
                     f"{reported(item.unit.text)}, and later {reported(item.corrected_by.text)}",
                dimension=dimension, polarity="improvement", kind="observation",
                evidence=[Evidence(turn_id=item.unit.turn_id, quote=item.unit.text),
                          Evidence(turn_id=item.corrected_by.turn_id, quote=item.corrected_by.text)]))
    for made in check.made:
        claims.append(Claim(
            text=f"Key point ({_label(made.point.id)}): the candidate said {reported(made.unit.text)}",
            dimension=dimension, polarity="strength", kind="observation",
            evidence=[Evidence(turn_id=made.unit.turn_id, quote=made.unit.text)]))
    for point in check.missed:
        claims.append(Claim(text=f"The candidate never made the key point that {_lower_first(point.point)}",
                            dimension=dimension, polarity="improvement", kind="absence", verified=True))
    return claims


def apply_concept_check(grades: list[DimensionGrade], check: ConceptCheck, transcript: Transcript,
                        rationale: Callable[[str, int], str], policy: ConceptPolicy | None = None) -> int:
    """Add the key point and misconception claims (each verified against the transcript) to the accuracy
    dimension and bound its grade by them. Returns how many claims were added."""
    policy = policy or load_concept_policy()
    for grade in grades:
        if grade.dimension != policy.accuracy_dimension:
            continue
        claims = concept_claims(check, grade.dimension)
        for claim in claims:
            claim.verified = verify_claim(transcript, claim)
        claims = [claim for claim in claims if claim.verified]
        grade.claims[:0] = claims
        if check.standing or check.coverage < policy.approaching_coverage:
            grade.score = min(grade.score or 2, 2)
        elif check.coverage >= policy.execution_coverage:
            grade.score = max(grade.score or 0, 3)
        if grade.score is not None:
            standing = f", {len(check.standing)} misconception(s) left standing" if check.standing else ""
            grade.rationale = (f"{rationale(grade.dimension, grade.score)} Key points made: "
                               f"{len(check.made)} of {check.total}{standing}.")
        return len(claims)
    return 0
