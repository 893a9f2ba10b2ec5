"""The grader's claims go through the same checker as `interviewer eval faithfulness` before they count or print.

A claim the checker rejects is repaired where a weaker form exists (another of the candidate's sentences as its
evidence) and dropped otherwise; a rubric behaviour whose every claim is rejected is not credited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from interviewer.evaluation.entailment import EntailmentBackend, OfflineEntailment
from interviewer.evaluation.faithfulness import ClaimCheck, check_claims, claim_input
from interviewer.feedback.detector import Detection
from interviewer.feedback.evidence import verify_claim
from interviewer.types import Claim, Transcript


class ClaimGate:
    """Checks claims against one transcript with the faithfulness checker, remembering verdicts (a claim is
    checked once however many times the grader asks). One gate (and its offline backend) serves many grades."""

    def __init__(self, backend: EntailmentBackend | None = None) -> None:
        self.backend = backend or OfflineEntailment()
        self._seen: dict[tuple[int, str, str, tuple[tuple[int, str], ...]], ClaimCheck] = {}

    def check(self, transcript: Transcript, claims: list[Claim]) -> list[ClaimCheck]:
        conversation = hash(tuple((t.id, t.role, t.text) for t in transcript.turns))
        keys = [(conversation, c.kind, c.text, tuple((e.turn_id, e.quote) for e in c.evidence)) for c in claims]
        fresh = [(key, claim) for key, claim in zip(keys, claims, strict=True) if key not in self._seen]
        if fresh:
            report = check_claims(transcript, [claim_input(claim) for _, claim in fresh], self.backend)
            for (key, _), result in zip(fresh, report.claims, strict=True):
                self._seen[key] = result
        return [self._seen[key] for key in keys]

    def passing(self, transcript: Transcript, claims: list[Claim]) -> list[bool]:
        return [result.verdict == "supported" for result in self.check(transcript, claims)]


WEAK_SUPPORT = "entailment"
"""The checker's check that judges whether the evidence supports what the claim says (a trained head offline)."""


def only_weak_support(check: ClaimCheck) -> bool:
    """Failed only because the entailment judge found weak support: every other check held."""
    return check.failed == [WEAK_SUPPORT]


def failing_claims(transcript: Transcript, claims: list[Claim], gate: ClaimGate) -> set[int]:
    """The ids of the claims that fail: quotes verbatim in the cited candidate turn first (cheap), then the
    checker."""
    verbatim = [c for c in claims if verify_claim(transcript, c)]
    failed = {id(c) for c in claims} - {id(c) for c in verbatim}
    for claim, ok in zip(verbatim, gate.passing(transcript, verbatim), strict=True):
        claim.verified = ok
        if not ok:
            failed.add(id(claim))
    return failed


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


def checked_observations(transcript: Transcript, detection: Detection, gate: ClaimGate,
                         claim_for: Callable[[str, int], Claim]) -> CheckedSignals:
    """Per shown signal, a claim (`claim_for(signal, n)` quotes its n-th sentence) that passes the checker: the
    best sentence first, then the next ones in turn (the repair). A signal whose claims fail on what the checker
    can establish (a quote not in the candidate's turn, a lost negation, a number or name the candidate never
    said) is not credited."""
    shown = [s for s, r in detection.results.items() if r.shown and r.quotes]
    printed: dict[str, Claim] = {}
    soft: dict[str, Claim] = {}
    for attempt in range(OBSERVATION_ATTEMPTS):
        tries = {s: claim_for(s, attempt) for s in shown
                 if s not in printed and attempt < len(detection.results[s].quotes)}
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


def credited_detection(detection: Detection, credited: set[str]) -> Detection:
    """The detection with every shown signal the checker did not let through taken back."""
    results = {s: r if not r.shown or s in credited else replace(r, shown=False, support=[], quotes=[])
               for s, r in detection.results.items()}
    return Detection(units=detection.units, results=results, touched=detection.touched)
