"""Who a sentence of a conversation gives an act to, for the speaker check: a request gives it to the one asked
("Call me when you get back": the listener will call), and "you" in a conversation of two gives it to the other
speaker ("You have a meeting at 2 pm": the listener has the meeting). Word lists: `roles` in
`interviewer/data/checker.yaml`."""

from __future__ import annotations

import functools
import re

from interviewer.evaluation.checks.base import cached_words
from interviewer.evaluation.claim_text import clauses, stem, stopwords
from interviewer.evaluation.lexicon import RoleWords, lexicon
from interviewer.feedback.evidence import Unit

_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
_YES_NO_QUESTION = re.compile(r"^\W*(?:(?:ok|okay|so|and|but|hey|oh|well)\W+)*(?:do|does|did|are|were|have|has|is|was|"
                              r"had)(?:n['’]t)?\s+(?:you|u)\b[^?]*\?\W*$", re.IGNORECASE)
"""A yes-no question to the listener ("Do you have plans for the weekend?"): it asserts nothing about them."""


@functools.cache
def _words() -> RoleWords:
    return lexicon().roles


def _tokens(text: str) -> list[str]:
    return [word.lower().replace("’", "'") for word in _WORD.findall(text)]


def subject(text: str, names: list[str]) -> tuple[str, list[str]] | None:
    """The speaker name the claim opens with as its subject, and the words after it ("However, Don's meeting is
    at 2" gives Don). None when no name opens it, or when the claim is a line of the dialogue ("lynne neagle am:
    they are in the annex"), whose name is no subject."""
    words = _tokens(text)
    openers = _words().claim_openers
    while words and words[0] in openers:
        words = words[1:]
    for name in sorted(names, key=len, reverse=True):
        size = len(name.split())
        if " ".join(words[:size]).removesuffix("'s") == name.lower():
            return None if re.match(rf"\W*{re.escape(name)}\s*:", text, re.IGNORECASE) else (name, words[size:])
    return None


def claim_verb(rest: list[str]) -> str | None:
    """The first word after the subject that is not an auxiliary; None for a negated claim ("Nate can't help"
    asks nothing of anyone) and when that word is a function word (the verb of "Don has a trip" is "has")."""
    auxiliaries = _words().auxiliaries
    verb = next((word for word in rest if word not in auxiliaries), None)
    if verb is None or verb in {"not", "never", "cannot"} or verb.endswith("n't") or verb in stopwords():
        return None
    return verb


def requested_of_others(unit: Unit, verb: str) -> bool:
    """Whether a sentence of the unit asks the listener to do the act: it opens with the verb's bare form (no -s,
    -ed or -ing), not followed by a subject ("Fine. Call me when you get back"; but "Hope they catch him" is "I
    hope")."""
    roles = _words()
    for sentence in _SENTENCE_END.split(unit.text):
        words = _tokens(sentence)
        while words and words[0] in roles.request_openers:
            words = words[1:]
        if len(words) >= 2 and stem(words[0]) == stem(verb) and words[0] in {stem(words[0]), stem(words[0]) + "e"} \
                and words[1] not in roles.subject_pronouns:
            return True
    return False


def said_of_listener(unit: Unit, claim_words: frozenset[str], verb: str | None) -> bool:
    """Whether the sentence says the claim of the one it is addressed to: in the clause holding most of the claim's
    words, the person word nearest before the claim's verb (or its first word) is "you" ("send me the parrot you
    painted" for "Gina painted a parrot"). A yes-no question asserts nothing ("Do you have plans?"); a request
    ("Could you amend my request?") and a question that takes it as given ("or your trip next week?") do."""
    if _YES_NO_QUESTION.match(unit.text):
        return False
    roles = _words()
    clause = max(clauses(unit.text) or [unit.text], key=lambda part: len(claim_words & cached_words(part)))
    words = _tokens(clause)
    stems = [stem(word) for word in words]
    anchor = stems.index(stem(verb)) if verb and stem(verb) in stems else \
        next((index for index, word in enumerate(stems) if word in claim_words), len(words))
    for word in reversed(words[:anchor]):
        if word in roles.second_person:
            return True
        if word in roles.other_persons:
            return False
    return False
