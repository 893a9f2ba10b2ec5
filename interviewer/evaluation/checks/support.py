"""Check 5: the entailment backend's probability that the speaker's words support the claim; an unsupported
claim that matches the interviewer's words far better than the candidate's is named as misattributed."""

from __future__ import annotations

import math
import re

from interviewer.evaluation.checks.base import Context, Located, Verdict, cached_words
from interviewer.evaluation.checks.negation import HEDGE
from interviewer.evaluation.claim_text import without_quotes, without_references
from interviewer.evaluation.lexicon import thresholds


def support_statement(text: str) -> str:
    """The claim as the backend sees it: without turn references, and without its quotes when the rest says
    enough on its own (then the quotes are the evidence, not the claim)."""
    core = re.sub(r"\s*\([^()\"“]*\)\s*[.!]?$", "", without_references(HEDGE.sub(" ", text))) or text
    bare = without_references(without_quotes(core))
    return bare if len(cached_words(bare)) >= 3 else core.replace("“", "\"").replace("”", "\"")


def entailed(located: Located, context: Context) -> Verdict:
    claim = located.claim
    units = context.units[claim.speaker]
    hits = [hit for _, hit in located.own_hits]
    if hits:
        evidence = [u.text for u in units if any(u.turn_id == h.turn.id and u.start < h.end and h.start < u.end
                                                 for h in hits)]
    else:
        evidence = [u.text for u in located.units(context)]
    statement = support_statement(claim.text)
    probability, explanation = context.backend.support(statement, evidence)
    if not isinstance(probability, float | int) or math.isnan(probability):
        probability, explanation = 0.0, f"undecidable: {explanation}"
    support = round(float(probability), 3)
    if probability >= thresholds().support:
        return Verdict("entailment", support=support, explanation=explanation)
    reasons = [f"not supported by the {claim.speaker}'s words (p={probability:.2f})"]
    if not claim.quotes and claim.speaker == "candidate" and len(cached_words(statement)) >= 3:
        reasons += _misattribution(statement, context)
    return Verdict("entailment", tuple(reasons), support=support, explanation=explanation)


def _misattribution(statement: str, context: Context) -> list[str]:
    """An uncited claim that matches what the interviewer said far better than anything the candidate said."""
    theirs = context.units["interviewer"]
    if not theirs:
        return []
    vector = context.embed([statement])[0]
    interviewer = context.vectors("interviewer") @ vector
    candidate = context.vectors("candidate") @ vector
    best = int(interviewer.argmax())
    top_candidate = float(candidate.max()) if len(candidate) else 0.0
    limits = thresholds()
    if float(interviewer[best]) >= limits.misattribution_similarity and \
            float(interviewer[best]) >= top_candidate + limits.misattribution_margin:
        return [f"attributed to the candidate but said by the interviewer (turn {theirs[best].turn_id})"]
    return []
