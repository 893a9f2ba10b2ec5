"""A claim about what others said names who it is about: "we", "I", "our" outside quotes leave the reader to
guess who (a summary that copies "we prosecute if we think ..." from a speaker's words has lost its subject).
Direct speech right after a verb of saying is resolved ("the candidate said we would shard"); indirect speech is
not ("she thought that we were restricted": after "that" the words are the writer's, so "we" is the writer's), nor
is a first-person word far from the verb ("what they would envisage was to take the factors, which were set out,
in my view, in the code": the summary copied a speaker's aside). A claim written as a line of the dialogue
("kirsty williams am: we have a separate programme") is that speaker's direct speech, so its "we" is theirs."""

from __future__ import annotations

import functools
import re

from interviewer.evaluation.checks.base import Context, Located, Verdict
from interviewer.evaluation.checks.roles import spoken_line
from interviewer.evaluation.claim_text import stem, without_quotes
from interviewer.evaluation.lexicon import lexicon, thresholds

_FIRST_PERSON = re.compile(r"\b(?:i|we|my|our|ours|us|me|myself|ourselves)\b(?:['’](?:m|re|ll|ve|d))?(?![-‐][A-Za-z])",
                           re.IGNORECASE)
"""First-person words, not a letter of a hyphenated name ("I-max")."""
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@functools.cache
def _saying() -> frozenset[str]:
    words = lexicon()
    return frozenset(stem(word) for word in [*words.claim_verbs, *words.reporting_words])


def person_resolved(located: Located, context: Context) -> Verdict:
    text = without_quotes(located.words)
    if spoken_line(text, context.speaker_names):
        return Verdict("reference")
    match = _FIRST_PERSON.search(text)
    if match is None:
        return Verdict("reference")
    before = [stem(word) for word in _WORD.findall(text[: match.start()])]
    said = [index for index, word in enumerate(before) if word in _saying()]
    if said and "that" not in before[said[-1] + 1:] and len(before) - said[-1] - 1 <= thresholds().direct_speech_gap:
        return Verdict("reference")
    return Verdict("reference", (f"unresolved \"{match.group()}\": the claim does not say who",))
