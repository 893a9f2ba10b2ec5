"""The grader's claims go through the same checker as `interviewer eval faithfulness` before they count or print.

A claim the checker rejects is repaired where a weaker form exists (another of the candidate's sentences as its
evidence) and dropped otherwise; a rubric behaviour whose every claim is rejected is not credited.
"""

from __future__ import annotations

from interviewer.evaluation.entailment import EntailmentBackend, OfflineEntailment
from interviewer.evaluation.faithfulness import ClaimCheck, check_claims, claim_input
from interviewer.rag.embeddings import Embedder
from interviewer.types import Claim, Transcript


class ClaimGate:
    """Checks claims against one transcript with the faithfulness checker, remembering verdicts (a claim is
    checked once however many times the grader asks)."""

    def __init__(self, embedder: Embedder, backend: EntailmentBackend | None = None) -> None:
        self.embedder = embedder
        self.backend = backend or OfflineEntailment(embedder)
        self._seen: dict[tuple[int, str, str, tuple[tuple[int, str], ...]], ClaimCheck] = {}

    def check(self, transcript: Transcript, claims: list[Claim]) -> list[ClaimCheck]:
        conversation = hash(tuple((t.id, t.role, t.text) for t in transcript.turns))
        keys = [(conversation, c.kind, c.text, tuple((e.turn_id, e.quote) for e in c.evidence)) for c in claims]
        fresh = [(key, claim) for key, claim in zip(keys, claims, strict=True) if key not in self._seen]
        if fresh:
            report = check_claims(transcript, [claim_input(claim) for _, claim in fresh], self.backend,
                                  embedder=self.embedder)
            for (key, _), result in zip(fresh, report.claims, strict=True):
                self._seen[key] = result
        return [self._seen[key] for key in keys]

    def passing(self, transcript: Transcript, claims: list[Claim]) -> list[bool]:
        return [result.verdict == "supported" for result in self.check(transcript, claims)]


WEAK_SUPPORT = "not supported by the candidate's words"
"""The checker's reason when its entailment judge alone finds the claim unsupported."""


def only_weak_support(check: ClaimCheck) -> bool:
    """Failed only because the entailment judge found weak support: every other check held."""
    return bool(check.reasons) and all(reason.startswith(WEAK_SUPPORT) for reason in check.reasons)
