"""Check 4b: a clause of the claim that reads as rank, authority or reach (close to one of the prototypes in
`interviewer/data/authority_prototypes.yaml`) must be close to something the speaker said (in the cited turns if
any): the meaning-based counterpart of the scope terms, for inflations in words no list has."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np

from interviewer.evaluation.checks.base import Context, Located, Verdict, cached_words
from interviewer.evaluation.claim_text import clauses, stem, without_quotes
from interviewer.evaluation.lexicon import thresholds
from interviewer.rag.corpus import read_yaml_file

AUTHORITY_FILE = Path(__file__).resolve().parent.parent.parent / "data" / "authority_prototypes.yaml"

_LABEL_PREFIX = re.compile(r"^[^:]{1,160}:\s+(?=(?:the\s+)?(?:candidate|interviewer|they|he|she)\b)", re.IGNORECASE)
"""A rubric label before the assertion ("Influences across teams (strategy bar): the candidate said ..."): it
names what was graded, it does not say the candidate has it."""
_REPORTED_SPEECH = frozenset(stem(word) for word in ("they'd", "they'll", "they're", "they've", "themselves"))
"""What "I'd", "I'll"... become when feedback reports the candidate's words."""


@functools.cache
def authority_prototypes() -> tuple[str, ...]:
    return tuple(read_yaml_file(AUTHORITY_FILE, "authority prototypes")["prototypes"])


def authority_pieces(located: Located, context: Context) -> list[str]:
    """The claim's clauses worth reading for authority: long enough, and with a word the speaker never said (a
    clause made of the speaker's own words, such as a reported quote, adds no rank they did not claim)."""
    said = context.words[located.claim.speaker] | _REPORTED_SPEECH
    assertion = context.without_speakers(_LABEL_PREFIX.sub("", without_quotes(located.words)))
    least = thresholds().min_authority_words
    return [piece for piece in clauses(assertion)
            if len(words := cached_words(piece)) >= least and not words <= said]


def authority_backed(located: Located, context: Context) -> Verdict:
    pieces = authority_pieces(located, context)
    if not pieces:
        return Verdict("authority")
    limits = thresholds()
    role = located.claim.speaker
    cited = located.cited
    units = [u.text for u in context.units[role] if not cited or u.turn_id in cited]
    units += [p.text for p in context.parts(role)
              if (not cited or p.turn_id in cited) and len(cached_words(p.text)) >= limits.min_authority_words]
    own = context.embed(pieces)
    kinds = context.embed(list(authority_prototypes()))
    said = context.embed(units)
    authority = (own @ kinds.T).max(axis=1)
    support = (own @ said.T).max(axis=1) if len(said) else np.zeros(len(pieces))
    return Verdict("authority", tuple(
        f"scope or seniority not said: \"{piece}\""
        for piece, closeness, backing in zip(pieces, authority, support, strict=True)
        if closeness >= limits.authority_similarity and backing < limits.authority_support))
