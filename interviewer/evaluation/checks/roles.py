"""Who a sentence of a conversation gives an act to, for the speaker check: a request gives an act still to come
to the one asked ("Call me when you get back": the listener will call), and "you" in a conversation of two gives
it to the other speaker ("You have a meeting at 2 pm": the listener has the meeting). Word lists: `roles` and
`claim_openers` in `interviewer/data/checker.yaml`."""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from interviewer.evaluation.checks.base import cached_words
from interviewer.evaluation.claim_text import claim_opening, clauses, stem, stopwords
from interviewer.evaluation.lexicon import RoleWords, lexicon
from interviewer.feedback.evidence import Unit

_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


@dataclass(frozen=True)
class Subject:
    """The speaker a claim opens with, as its subject."""

    name: str
    rest: list[str]
    """The claim's words after the name, in lower case."""
    possessive: bool
    """"Don's meeting": the name is not the one who acts."""


@functools.cache
def _words() -> RoleWords:
    return lexicon().roles


def _tokens(text: str) -> list[str]:
    return [word.lower().replace("’", "'") for word in _WORD.findall(text)]


def _opened(sentence: str) -> list[str]:
    """The sentence's words from the first that is not an opener such as "ok" or "please"."""
    words = _tokens(sentence)
    openers = _words().request_openers
    return list(itertools.dropwhile(lambda word: word in openers, words))


@functools.lru_cache(maxsize=4096)
def _opening(name: str) -> re.Pattern[str]:
    return re.compile(claim_opening() + r"(?:the\s+)?" + re.escape(name) + r"(?P<possessive>['’]s?)?(?![\w-])",
                      re.IGNORECASE)


def spoken_line(text: str, names: list[str]) -> str | None:
    """The speaker whose line of dialogue the claim is written as ("kirsty williams am: we have a programme")."""
    return next((name for name in sorted(names, key=len, reverse=True)
                 if re.match(r"\W*" + re.escape(name) + r"\s*:", text, re.IGNORECASE)), None)


def subject(text: str, names: list[str]) -> Subject | None:
    """The speaker name the claim opens with as its subject ("However, Don will call" gives Don); None when no
    name opens it, or when the claim is a line of the dialogue ("lynne neagle am: they are in the annex")."""
    if spoken_line(text, names):
        return None
    for name in sorted(names, key=len, reverse=True):
        found = _opening(name).match(text)
        if found:
            return Subject(name, _tokens(text[found.end():]), bool(found.group("possessive")))
    return None


def claim_verb(claim: Subject) -> str | None:
    """The first word after the subject that is not an auxiliary. None for a possessive subject, for a negated
    claim ("Nate can't help" asks nothing of anyone) and when that word is a function word (the verb of "Don has a
    trip" is "has")."""
    roles = _words()
    verb = next((word for word in claim.rest if word not in roles.auxiliaries), None)
    if claim.possessive or verb is None or verb in roles.negations or verb.endswith("n't") or verb in stopwords():
        return None
    return verb


def still_to_come(claim: Subject) -> bool:
    """Whether the claim's act is still to come: an auxiliary such as "will" or "going to" comes right before its
    verb ("Ronald will call", "Tommy's wife will let Derek borrow it")."""
    roles = _words()
    rest = claim.rest
    if claim.possessive:  # past the thing possessed: "Tommy's wife will ..."
        rest = rest[next((index for index, word in enumerate(rest) if word in roles.auxiliaries), len(rest)):]
    before = itertools.takewhile(lambda word: word in roles.auxiliaries, rest)
    return any(word in roles.future_auxiliaries for word in before)


def request_for(unit: Unit, claim: Subject) -> str | None:
    """The bare verb with which a sentence of the unit asks the listener to do the claim's act, if one does: it
    opens with the verb's bare form (no -s, -ed or -ing), not followed by a subject ("Fine. Call me when you get
    back"; but "Hope they catch him" is "I hope"); and the claim's act is still to come ("Ronald needs to leave"
    from "Need to leave early" is Ronald's own news)."""
    verb = claim_verb(claim)
    if verb is None or not still_to_come(claim):
        return None
    roles = _words()
    for sentence in _SENTENCE_END.split(unit.text):
        words = _opened(sentence)
        if len(words) >= 2 and stem(words[0]) == stem(verb) and words[0] in {stem(words[0]), stem(words[0]) + "e"} \
                and words[1] not in roles.subject_pronouns:
            return words[0]
    return None


def said_of_listener(unit: Unit, claim_words: frozenset[str], claim: Subject) -> bool:
    """Whether the sentence says the claim of the one it is addressed to: in the clause holding most of the claim's
    words, the person word nearest before the claim's verb (or its first word) is "you" ("send me the parrot you
    painted" for "Gina painted a parrot"). A question asserts nothing about the one asked ("Do you have plans?",
    "How would you fix it?"), a request ("Could you amend my request?") only an act still to come, and a question
    that takes it as given ("…or your trip next week?") counts."""
    sentences = _SENTENCE_END.split(unit.text)
    sentence = max(sentences, key=lambda part: len(claim_words & cached_words(part)))
    asked = _question(sentence)
    if asked == "question" or (asked == "request" and not still_to_come(claim)):
        return False
    roles = _words()
    clause = max(clauses(sentence) or [sentence], key=lambda part: len(claim_words & cached_words(part)))
    words = _tokens(clause)
    stems = [stem(word) for word in words]
    verb = claim_verb(claim)
    anchor = stems.index(stem(verb)) if verb and stem(verb) in stems else \
        next((index for index, word in enumerate(stems) if word in claim_words), len(words))
    for word in reversed(words[:anchor]):
        if word in roles.second_person:
            return True
        if word in roles.other_persons:
            return False
    return False


def _question(sentence: str) -> str | None:
    """"question" for a question to the listener that asserts nothing, "request" for one that asks for something,
    None for any other sentence."""
    if not sentence.rstrip().endswith("?"):
        return None
    roles = _words()
    words = _opened(sentence)
    if not words:
        return None
    if words[0] in roles.question_words:
        return "question"
    opener = words[0].removesuffix("n't")
    if len(words) >= 2 and words[1] in roles.second_person:
        if opener in roles.request_modals:
            return "request"
        if opener in roles.question_auxiliaries:
            return "question"
    return None
