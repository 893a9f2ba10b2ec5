"""Claim-level faithfulness of interview feedback (or of any summary of a conversation): is every claim backed by
what was said?

Feedback (our JSON Feedback, or free Markdown / plain text from any source) is split into atomic claims. Each claim
goes through small checks (`interviewer/evaluation/checks/`), each returning a `Verdict` with its reasons, and is
"supported" only when every check passes:

- quote: every quote is verbatim (white space folded) in the cited turn, or in some turn when none is cited; a
  near-verbatim quote passes with a flag;
- speaker: a quote given to one speaker was not said by the other, and a claim naming one of several speakers of
  a meeting is backed by that speaker's words;
- numbers, technologies, scope: every number, named technology and scope or seniority term was said by the
  speaker (in the cited turns when cited), and authority: no clause reads as rank or reach the speaker never claimed;
- reference: no "we" or "I" outside quotes leaves the reader to guess who;
- negation: the claim keeps the polarity of the speaker's clause;
- entailment: an `EntailmentBackend` gives the probability that the speaker's words support the claim;
- absence: an absence claim ("never discussed X") holds against every sentence of the speaker.

Undecidable claims (an absence whose topic is not recognised, a model that did not answer) count as unsupported.

For a caller that holds claims (the grader): `check_claims(transcript, [CheckedInput(...)])` returns a
`FaithfulnessReport` whose `claims[i]` is the `ClaimCheck` of the i-th claim: `verdict` ("supported" /
"unsupported"), `failed` (the names of the failing checks), `reasons`, `flags` and `support`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Literal

from pydantic import ValidationError

from interviewer.errors import UserError, first_problem
from interviewer.evaluation.checks.absence import absence_holds, absence_topic
from interviewer.evaluation.checks.authority import authority_backed
from interviewer.evaluation.checks.base import (
    CheckedInput,
    CitedQuote,
    Context,
    EntailmentBackend,
    Located,
    Verdict,
)
from interviewer.evaluation.checks.negation import negation_kept
from interviewer.evaluation.checks.quotes import locate_claim, quotes_attributed, quotes_found
from interviewer.evaluation.checks.reference import person_resolved
from interviewer.evaluation.checks.speaker import speaker_backs
from interviewer.evaluation.checks.specifics import numbers_said, scope_said, technologies_said
from interviewer.evaluation.checks.support import entailed
from interviewer.evaluation.claim_split import rendered_feedback_claims, split_claims
from interviewer.evaluation.claim_text import find_quotes, turn_references
from interviewer.evaluation.entailment import ModelEntailment, OfflineEntailment
from interviewer.rag.static_embeddings import StaticEmbedder
from interviewer.types import Claim, ClaimKind, Feedback, Role, Strict, Transcript

__all__ = [
    "CheckedInput",
    "CitedQuote",
    "ClaimCheck",
    "EntailmentBackend",
    "FaithfulnessReport",
    "ModelEntailment",
    "OfflineEntailment",
    "check_claims",
    "check_feedback",
    "claims_from_feedback",
    "render_report",
    "split_claims",
    "text_claim",
]

Scorer = Callable[[Located, Context], Verdict]


class ClaimCheck(Strict):
    text: str
    kind: ClaimKind
    verdict: Literal["supported", "unsupported"]
    failed: list[str] = []
    """The checks the claim fails (quote, speaker, reference, numbers, technologies, scope, authority, negation,
    entailment, absence, evidence); empty when supported."""
    reasons: list[str] = []
    """Why the claim is unsupported (empty when supported)."""
    flags: list[str] = []
    """Notes that do not fail the claim, such as a near-verbatim quote."""
    support: float | None = None
    """The backend's probability that the evidence supports the claim (None when not asked: absences, judgments)."""
    explanation: str = ""
    turns: list[int] = []
    """The turns its evidence was found in."""


class FaithfulnessReport(Strict):
    backend: str
    total: int
    supported: int
    score: float | None
    """Supported claims / all claims; None when the feedback holds no claim."""
    claims: list[ClaimCheck]


_INTERVIEWER_SUBJECT = re.compile(r"^\W*(?:the\s+)?interviewer(?:['’]s)?\b", re.IGNORECASE)


def claims_from_feedback(feedback_text: str) -> list[CheckedInput]:
    """The claims of our JSON Feedback, as they are; or free feedback split into atomic claims, with the quotes
    ("..." or “...”) and turn references ("turn 7", "(t7)") of each."""
    stripped = feedback_text.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError:
            data = None
        if isinstance(data, dict):
            try:
                feedback = Feedback.model_validate(data)
            except ValidationError as error:
                raise UserError(f"the feedback is JSON but not our Feedback format ({first_problem(error)})") from None
            return _feedback_claims(feedback)
    ours = rendered_feedback_claims(feedback_text)
    if ours is None:
        return [text_claim(text) for text in split_claims(feedback_text)]
    return [text_claim(text).model_copy(update={"kind": "judgment", "from_feedback": True}) if judgment
            else text_claim(text) for text, judgment in ours]


def _feedback_claims(feedback: Feedback) -> list[CheckedInput]:
    claims: list[Claim] = [*feedback.strengths, *feedback.improvements]
    claims += [claim for grade in feedback.dimensions for claim in grade.claims]
    seen: set[tuple[str, tuple[tuple[int, str], ...]]] = set()
    out: list[CheckedInput] = []
    for claim in claims:
        key = (claim.text, tuple((e.turn_id, e.quote) for e in claim.evidence))
        if key in seen:
            continue
        seen.add(key)
        out.append(claim_input(claim))
    return out


def claim_input(claim: Claim) -> CheckedInput:
    """One claim of our Feedback, as the checker reads it (the grader checks its claims this way before printing)."""
    return CheckedInput(
        text=claim.text, kind=claim.kind, signal=claim.signal, from_feedback=True,
        quotes=[CitedQuote(quote=e.quote, turn_id=e.turn_id) for e in claim.evidence],
        turns=list(dict.fromkeys(e.turn_id for e in claim.evidence)),
    )


def text_claim(text: str) -> CheckedInput:
    speaker: Role = "interviewer" if _INTERVIEWER_SUBJECT.match(text) else "candidate"
    found = find_quotes(text)
    references = turn_references(text)
    only = references[0] if len(references) == 1 else None
    quotes = [CitedQuote(quote=q.text, turn_id=q.turn_id if q.turn_id is not None else only,
                         speaker="interviewer" if q.by_interviewer else speaker) for q in found]
    kind: ClaimKind = "absence" if not quotes and absence_topic(text) is not None else "observation"
    return CheckedInput(text=text, kind=kind, speaker=speaker, quotes=quotes, turns=references)


def _judgment_evidenced(located: Located, context: Context) -> Verdict:
    """A judgment of our JSON Feedback is a grade: it is held to its cited evidence (quote and speaker checks)."""
    reasons = () if located.claim.quotes else ("judgment without evidence",)
    return Verdict("evidence", reasons, ("judgment: held to its cited evidence, its wording is a grade, not a claim",))


OBSERVATION: tuple[Scorer, ...] = (quotes_found, quotes_attributed, speaker_backs, person_resolved, numbers_said,
                                   technologies_said, scope_said, authority_backed, negation_kept, entailed)
ABSENCE: tuple[Scorer, ...] = (quotes_found, quotes_attributed, absence_holds)
JUDGMENT: tuple[Scorer, ...] = (quotes_found, quotes_attributed, _judgment_evidenced)


def scorers_for(claim: CheckedInput) -> tuple[Scorer, ...]:
    if claim.kind == "absence":
        return ABSENCE
    if claim.kind == "judgment" and claim.from_feedback:
        return JUDGMENT
    return OBSERVATION


def check_claim(claim: CheckedInput, context: Context) -> ClaimCheck:
    """Every check the claim's kind needs, composed: supported when all pass."""
    located = locate_claim(claim, context)
    verdicts = [score(located, context) for score in scorers_for(claim)]
    support = next((v for v in verdicts if v.support is not None), None)
    explanation = support.explanation if support else ""
    if claim.kind == "absence":
        explanation = f"checked against every {claim.speaker} turn"
    failed = [v for v in verdicts if not v.passed]
    return ClaimCheck(
        text=claim.text, kind=claim.kind, verdict="unsupported" if failed else "supported",
        failed=list(dict.fromkeys(v.check for v in failed)), reasons=[r for v in failed for r in v.reasons],
        flags=[f for v in verdicts for f in v.flags], support=support.support if support else None,
        explanation=explanation, turns=list(dict.fromkeys([*(hit.turn.id for _, hit in located.hits),
                                                            *located.cited])))


def check_claims(transcript: Transcript, claims: list[CheckedInput], backend: EntailmentBackend | None = None, *,
                 encoder: StaticEmbedder | None = None) -> FaithfulnessReport:
    """Check each claim against the transcript (offline unless a backend is given)."""
    if backend is None:
        backend = OfflineEntailment(encoder)
    if encoder is None:
        encoder = backend.encoder if isinstance(backend, OfflineEntailment) else StaticEmbedder()
    context = Context(transcript, backend, encoder)
    checks = [check_claim(claim, context) for claim in claims]
    supported = sum(check.verdict == "supported" for check in checks)
    return FaithfulnessReport(backend=str(getattr(backend, "name", type(backend).__name__)), total=len(checks),
                              supported=supported, score=supported / len(checks) if checks else None, claims=checks)


def check_feedback(transcript: Transcript, feedback_text: str, backend: EntailmentBackend | None = None, *,
                   encoder: StaticEmbedder | None = None) -> FaithfulnessReport:
    """Check every claim of the feedback (our JSON Feedback, or free Markdown or text) against the transcript."""
    return check_claims(transcript, claims_from_feedback(feedback_text), backend, encoder=encoder)


def render_report(report: FaithfulnessReport, fmt: Literal["md", "json"] = "md") -> str:
    if fmt == "json":
        return report.model_dump_json(indent=2) + "\n"
    if fmt != "md":
        raise ValueError(f"unknown report format {fmt!r}: use md or json")
    out = ["# Faithfulness check", ""]
    if report.score is None:
        out.append(f"No claims found in the feedback (support judged by {report.backend}).")
    else:
        out.append(f"Score: **{report.score:.2f}** ({report.supported} of {report.total} claims supported; "
                   f"support judged by {report.backend})")
    for index, check in enumerate(report.claims, start=1):
        probability = f" (p={check.support:.2f})" if check.support is not None else ""
        kind = f" *[{check.kind}]*" if check.kind != "observation" else ""
        out += ["", f"{index}. **{check.verdict}**{probability}{kind} {' '.join(check.text.split())}"]
        out += [f"   - {reason}" for reason in check.reasons]
        if check.failed:
            out.append(f"   - failed: {', '.join(check.failed)}")
        out += [f"   - flag: {flag}" for flag in check.flags]
    return "\n".join(out) + "\n"
