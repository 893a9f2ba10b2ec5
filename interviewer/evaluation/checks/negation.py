"""Check 3: the claim keeps the negation of the speaker's clause around its quotes and adds none.

A negation next to the quote but cut out of it ("I would not | use a global counter") must be in the claim. The
claim's own assertion (its words outside quotes) must agree in polarity with the quoted clause when it restates
that clause (the clause holds at least half of the assertion's content words); a label such as "Caching
strategy" next to a quoted sentence restates nothing. A claim without quotes is held to the speaker's clause
closest to it, when that clause is very close (the negation_similarity threshold)."""

from __future__ import annotations

import math
import re

from interviewer.evaluation.checks.base import Context, Located, QuoteHit, Verdict, cached_words, short
from interviewer.evaluation.claim_text import clause_span, negations, without_quotes
from interviewer.evaluation.lexicon import thresholds
from interviewer.feedback.evidence import normalize

HEDGE = re.compile(r"\bwithout\s+\w+ing\s+(?:it|this|them|that)\s+(?:clearly|fully|explicitly|in depth|well)\b",
                   re.IGNORECASE)
"""A hedge on how clearly something was shown ("touched on X without showing it clearly") negates nothing said."""


def _region(hit: QuoteHit) -> tuple[int, str]:
    """The clause of the turn around the quote (the quote included), and where it starts."""
    start, end = clause_span(hit.turn.text, hit.start, hit.end)
    return start, hit.turn.text[start:end]


def negation_kept(located: Located, context: Context) -> Verdict:
    speaker = located.claim.speaker
    words = HEDGE.sub(" ", located.words)
    assertion = without_quotes(words)
    asserted = bool(negations(assertion))
    stated = cached_words(assertion)
    needed = max(1, math.ceil(len(stated) / 2))
    for quote, hit in located.own_hits:
        region_start, region = _region(hit)
        inside = (hit.start - region_start, hit.end - region_start)
        outside = region[: inside[0]] + " " + region[inside[1]:]
        carried = normalize(quote.quote) in normalize(words)
        if carried and negations(outside, lexical=False) and not negations(words):
            return _fail(f"negation lost: the {speaker} said \"{short(region)}\" (turn {hit.turn.id})")
        if len(cached_words(region) & stated) < needed:
            continue
        said = bool(negations(region, lexical=asserted))
        if said and not asserted:
            return _fail(f"negation lost: the {speaker} said \"{short(region)}\" (turn {hit.turn.id})")
        if asserted and not said:
            return _fail(f"negation lost: the claim negates what the {speaker} said without one: "
                         f"\"{short(region)}\" (turn {hit.turn.id})")
    if located.hits or located.claim.quotes:
        return Verdict("negation")
    parts = [p for p in context.parts(speaker) if not located.cited or p.turn_id in located.cited]
    if not parts:
        return Verdict("negation")
    cosines = context.embed([p.text for p in parts]) @ context.embed([assertion])[0]
    best = int(cosines.argmax())
    if float(cosines[best]) < thresholds().negation_similarity:
        return Verdict("negation")
    part = parts[best]
    if bool(negations(part.text, lexical=asserted)) != asserted:
        return _fail(f"negation lost: the claim's polarity differs from \"{short(part.text)}\" (turn {part.turn_id})")
    return Verdict("negation")


def _fail(reason: str) -> Verdict:
    return Verdict("negation", (reason,))
