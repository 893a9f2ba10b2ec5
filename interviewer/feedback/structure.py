"""Thought-process signals read from the shape of the conversation, not from any one sentence's meaning:
questions asked before solving, a plan laid out before diving in, reasons given aloud throughout, a hint or
pushback taken up, a mistake corrected. Each returns the candidate's own sentences as evidence, like the
embedding detector."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from interviewer.feedback.evidence import Unit, by_answer

CLARIFY_TURNS = 2
"""Clarifying counts when it happens in the candidate's first answers."""
PLAN_TURNS = 5
"""A plan counts when it comes before the candidate is into the solution: clarifying exchanges and a worked
example often come first. On the 18 labelled samples the plans that show the signal come in answers 2-5 (or
much later: those are missed); the candidates labelled without it get to a plan at answer 7 at the earliest."""
THINK_ALOUD_SHARE = 0.6
"""Thinking aloud: at least this share of the candidate's answers (of two sentences or more) give reasons.
On the 18 labelled samples the 17 that show it range 0.69-1.00; the one that does not is at 0.53."""
THINK_ALOUD_MIN_ANSWERS = 5
HINT_ADAPTATION_SENTENCES = 2
"""Taking a hint: after acknowledging it, the answer goes on for at least this many sentences."""

_QUESTION = re.compile(r"\?(\s|$)")
"""A question anywhere in the unit ("Let me start with scale. How many links a month? I'd guess a lot.")."""
_PLAN = re.compile(
    r"\b(first(ly)?\b.{0,80}\b(then|next|after that)|i'?ll (start|begin) (with|by)|let me (outline|structure|lay out)|"
    r"here'?s (my|the) plan|my plan is|\bplan:|here'?s how i'?ll|how i'?ll (go|approach|structure)|i'?ll propose|"
    r"i'?d structure|the way i'?ll (approach|tackle)|"
    r"(three|two|four) (parts|steps|phases|things))", re.IGNORECASE)
_REASON = re.compile(r"\b(because|so that|which means|the reason|since|that'?s why|therefore|otherwise|rather than|"
                     r"instead of|that way|as long as|given that|which is why)\b", re.IGNORECASE)
"""Reasons stated outright: these sentences are the evidence quoted for thinking aloud."""
_INFERENCE = re.compile(r"\b(so|if|means)\b", re.IGNORECASE)
"""Weaker connectives that still show reasoning when an answer has no outright reason."""
_UPTAKE = re.compile(
    r"\b(good (point|catch)|you'?re right|fair (point|enough)|that'?s (true|fair|a good point)|i see\b|"
    r"i hadn'?t (thought|considered)|i missed|i didn'?t (handle|consider|think of)|oh,? (okay|ok|right|i see|sorry))"
    r"|^(oh|ah|right|true)\b", re.IGNORECASE)
"""The candidate acknowledging the interviewer's hint or pushback (then adapting: see takes_hints)."""
_CORRECTION = re.compile(
    r"\b(actually,? (no|wait|that'?s wrong|let me)|wait,? (no|that'?s)|i was wrong|let me (correct|revise|fix) "
    r"(that|myself|this)|correction:|scratch that|on second thought|i made a mistake|that'?s not right)\b",
    re.IGNORECASE)


def _opening(units: list[Unit], answers: int) -> list[Unit]:
    turns = sorted({unit.turn_id for unit in units})[:answers]
    return [unit for unit in units if unit.turn_id in turns]


_GREETING = re.compile(r"\bhow (are|were) you\b|\bhow'?s it going\b|\bhow about you\b|\band you\?", re.IGNORECASE)
"""A question back at a greeting ("Good, how are you?") is not a clarifying question."""


def clarify_first(units: list[Unit]) -> list[Unit]:
    """The questions of the candidate's first answers (the question itself is the evidence, not the sentence
    joined to it)."""
    return [_question_of(u) for u in _opening(units, CLARIFY_TURNS)
            if _QUESTION.search(u.text) and not _GREETING.search(u.text)]


_QUESTION_SENTENCE = re.compile(r"[^.!?]*\?")


def _question_of(unit: Unit) -> Unit:
    match = _QUESTION_SENTENCE.search(unit.text)
    if match is None:
        return unit
    text = match.group(0)
    start = match.start() + len(text) - len(text.lstrip())
    return replace(unit, start=unit.start + start, end=unit.start + match.end(), text=text.strip())


def plan_first(units: list[Unit]) -> list[Unit]:
    return [u for u in _opening(units, PLAN_TURNS) if _PLAN.search(u.text)]


def _reasons(unit: Unit) -> bool:
    return bool(_REASON.search(unit.text) or _INFERENCE.search(unit.text))


def think_aloud(units: list[Unit]) -> list[Unit]:
    """Most answers explain why, not only what: a reason or an inference in each of them. The evidence is
    the sentences that state a reason outright, else the first reasoning sentence of each answer."""
    answers = [answer for answer in by_answer(units) if len(answer) >= 2]
    reasoned = [answer for answer in answers if any(_reasons(u) for u in answer)]
    if len(answers) < THINK_ALOUD_MIN_ANSWERS or len(reasoned) < THINK_ALOUD_SHARE * len(answers):
        return []
    outright = [u for answer in reasoned for u in answer if _REASON.search(u.text)]
    return outright or [next(u for u in answer if _reasons(u)) for answer in reasoned]


def takes_hints(units: list[Unit]) -> list[Unit]:
    """An answer that opens by taking up what the interviewer said (or follows a /hint) and then works with it
    for a few more sentences, rather than stopping at "good point"."""
    found: list[Unit] = []
    for answer in by_answer(units):
        if len(answer) <= HINT_ADAPTATION_SENTENCES:
            continue
        uptake = next((u for u in answer[:2] if _UPTAKE.search(u.text)), None)
        if uptake is not None:
            found.append(uptake)
        elif answer[0].after_hint:
            found.append(answer[0])
    return found


def self_corrects(units: list[Unit]) -> list[Unit]:
    return [u for u in units if _CORRECTION.search(u.text)]


STRUCTURAL: dict[str, Callable[[list[Unit]], list[Unit]]] = {
    "clarify-first": clarify_first,
    "plan-first": plan_first,
    "think-aloud": think_aloud,
    "takes-hints": takes_hints,
    "self-corrects": self_corrects,
}

OCCASIONS: dict[str, Callable[[list[Unit]], bool]] = {
    "takes-hints": lambda units: any(unit.after_hint for unit in units),
    "self-corrects": lambda units: bool(self_corrects(units)),
    "think-aloud": lambda units: sum(1 for answer in by_answer(units) if len(answer) >= 2) >= THINK_ALOUD_MIN_ANSWERS,
}
"""Signals that only an occasion can show: without one, not showing them says nothing about the candidate (a
round of three answers says little about a habit of thinking aloud). A
candidate who made no mistake had nothing to correct, and a transcript does not show mistakes nobody caught, so
correcting oneself counts when it happens and is never held against anyone. A hint the candidate asked for
(/hint) is an occasion to take one; pushback in a transcript from elsewhere cannot
be told apart from any other question, so there a hint taken up counts and none missed is held against anyone."""

NEEDS_OCCASION = frozenset({"takes-hints", "self-corrects", "think-aloud"})
"""Signals that only show when the conversation offers the chance (a hint to take, an error to correct, enough
answers to tell a habit of reasoning aloud): not seeing them is never claimed as an absence ("never explained
the reasoning" would be false of a candidate who gave reasons in fewer answers than the share asks)."""

HINT_IS_THE_SIGNAL = frozenset({"takes-hints"})
"""Signals whose evidence follows a hint by definition, so it is never discounted as shown only after one."""
