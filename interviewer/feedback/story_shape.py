"""Behavioral signals read from the shape of a story, which no single sentence's meaning carries: an episode
anchored in time and place, told through the candidate's own actions to a measured outcome, and an outcome with
a number in it. A textbook STAR answer ("Last year I was the tech lead on checkout... So I pulled three months of
funnel data... registered users grew 40%") sits at 0.3-0.45 from every example of these signals sentence by
sentence: the embedding detector alone never credits it. Each function returns the candidate's own sentences as
evidence; these add to the embedding detector, they never take a signal away.

Measured on the MIT dev persons (real interviews, judges' ratings): an anchored episode told through actions to
any outcome, without a number, is found in 12 of 72 interviews and goes with lower ratings (Spearman -0.24 with
Overall, -0.34 with StructuredAnswers), and crediting it lowered the grader's agreement (0.442 -> 0.414); so the
story shape asks for a measured outcome, and a specific episode is credited here only as part of such a story
(on its own it is left to the embedding detector)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from interviewer.evaluation.quantities import spoken_numbers
from interviewer.feedback.evidence import Unit, by_answer

STORY_WORDS = 60
"""An answer this long can hold a story told in full (situation, action, result)."""

_ANCHOR = re.compile(
    r"\b(last (year|summer|spring|fall|autumn|winter|quarter|month|semester|term|week)|"
    r"(a|one|two|three|four|five|six|a few|a couple of|several) (years?|months?|weeks?|summers?|semesters?) ago|"
    r"(this|that) (past )?(summer|spring|fall|semester|quarter)|"
    r"when i was (at|in|on|a|an|the|working|interning|leading|running)|"
    r"(at|in|during) my (last|previous|old|first|second|current|summer|junior|senior|sophomore|freshman) "
    r"(job|role|internship|company|team|year|position|project)|during my (internship|co-?op|time at)|"
    r"i (was|worked|interned) (as|at|on|for|with) (a|an|the|my)\b|back in (19|20)\d\d|in (19|20)\d\d|"
    r"one time|there was a time|to set the scene|the context was)\b", re.IGNORECASE)
"""Where and when the episode happened: what makes a story one real time rather than a habit."""
_ACTION = re.compile(
    r"\b(i|we) (personally |then |also |eventually |finally |first |quickly |immediately )?"
    r"(\w{3,}ed|built|wrote|ran|made|took|led|set up|met|spoke|went|brought|began|chose|found|drew|put|got|gave|"
    r"told|sent|sat down|pulled|did|rewrote|broke|threw|taught|sought|fought|dug|shipped|split)\b", re.IGNORECASE)
"""Something the candidate (or their team) did, in the past tense."""
_CHANGE = (r"grew|increased|decreased|dropped|reduced|improved|cut|saved|doubled|halved|tripled|rose|fell|"
           r"went (up|down)|raised|lowered|shrank|climbed|jumped")
"""Verbs of a change an outcome reports."""
_OUTCOME = re.compile(
    r"\b(in the end|at the end|as a result|eventually|ended up|the (result|outcome) was|which (led|resulted)|"
    r"it worked|(we|they|she|he) (launched|shipped|delivered|won|finished|agreed|accepted|approved|signed off)|"
    rf"({_CHANGE})\b)", re.IGNORECASE)
"""How it turned out."""
_MOVED = re.compile(rf"\b({_CHANGE}|from\b.{{1,40}}\bto\b)", re.IGNORECASE)
"""A change an outcome's number measures ("cut conversion by 11%", "from three weeks to four days")."""


def _statement(unit: Unit) -> bool:
    return not unit.text.rstrip().endswith("?")


def star_structure(units: list[Unit], answer_of: Mapping[int, int]) -> list[Unit]:
    """A story told in order in one answer: the scene set, then what the candidate did, then how it turned out.
    The evidence is the sentence that sets the scene and the one that gives the outcome."""
    found: list[Unit] = []
    for answer in by_answer(units, answer_of):
        if sum(len(unit.text.split()) for unit in answer) < STORY_WORDS:
            continue
        anchor = next((i for i, unit in enumerate(answer) if _ANCHOR.search(unit.text)), None)
        if anchor is None:
            continue
        action = next((i for i in range(anchor, len(answer)) if _ACTION.search(answer[i].text)
                       and (i > anchor or len(_ACTION.findall(answer[i].text)) > 1)), None)
        if action is None:
            continue
        outcome = next((i for i in range(action + 1, len(answer)) if _OUTCOME.search(answer[i].text)
                        and _statement(answer[i]) and _measured(answer[i].text)), None)
        if outcome is not None:
            found += [answer[anchor], answer[outcome]]
    return found


def _measured(text: str) -> bool:
    """A number that measures something: digits, or a number word other than "one" ("improved one thing")."""
    return any(quantity.value != 1 or any(c.isdigit() for c in quantity.surface) for quantity in spoken_numbers(text))


def quantified_result(units: list[Unit], answer_of: Mapping[int, int]) -> list[Unit]:
    """An outcome given as a measured change: a number and what it moved, told after something the candidate did
    (a change in the situation they walked into, "the block rate had dropped from 2% to 0.5%", is no result)."""
    found: list[Unit] = []
    for answer in by_answer(units, answer_of):
        acted = next((i for i, unit in enumerate(answer) if _ACTION.search(unit.text)), len(answer))
        found += [unit for unit in answer[acted + 1:]
                  if _statement(unit) and _MOVED.search(unit.text) and _measured(unit.text)]
    return found


def told_episode(units: list[Unit], answer_of: Mapping[int, int]) -> list[Unit]:
    """A story told in full is one real episode: the sentence that sets its scene."""
    return star_structure(units, answer_of)[0::2]


STORY_SHAPES: dict[str, Callable[[list[Unit], Mapping[int, int]], list[Unit]]] = {
    "beh-star-structure": star_structure,
    "beh-specific-instance": told_episode,
    "beh-quantified-result": quantified_result,
}
