"""Check 4: every number, named technology and scope or seniority term of the claim is in the speaker's words
(in the cited turns when the claim cites any)."""

from __future__ import annotations

from interviewer.evaluation.checks.base import Context, Located, Verdict
from interviewer.evaluation.claim_text import scope_terms, technologies_in, technology_said
from interviewer.evaluation.quantities import numbers_in, spoken_numbers


def _spoken(located: Located, context: Context) -> str:
    claim = located.claim
    turns = [turn for turn in context.transcript.turns if turn.role == claim.speaker]
    if located.cited:
        turns = [turn for turn in turns if turn.id in located.cited]
    return "\n".join(turn.text for turn in turns)


def numbers_said(located: Located, context: Context) -> Verdict:
    said = spoken_numbers(_spoken(located, context))
    missing = [number.surface for number in numbers_in(located.words)
               if not any(number.matches(other) for other in said)]
    return Verdict("numbers", tuple(f"number not said: {surface}" for surface in dict.fromkeys(missing)))


def technologies_said(located: Located, context: Context) -> Verdict:
    words = _spoken(located, context)
    missing = [name for name in technologies_in(located.reported_words) if not technology_said(name, words)]
    return Verdict("technologies", tuple(f"technology not said: {name}" for name in missing))


def scope_said(located: Located, context: Context) -> Verdict:
    said = set(scope_terms(_spoken(located, context)))
    missing = [term for term in scope_terms(context.without_speakers(located.words)) if term not in said]
    return Verdict("scope", tuple(f"scope or seniority not said: {term}" for term in missing))
