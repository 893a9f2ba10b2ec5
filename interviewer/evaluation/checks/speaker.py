"""Who said it, when one side has several speakers (a meeting, a chat): a claim that names one of them ("Stewart
suggested the cinema", "the project manager proposed fifty euros") must be backed best by that speaker's
sentences, not by another's; a claim given to the whole group ("the team agreed ...") needs at least two speakers
behind it. Who a sentence gives the act to counts, not only who said it (`roles`): "Ronald will call her" from
Ronald's "Call me when you get back" gives the call to the wrong person, and in a conversation of two "Don has a
trip" is backed by Cindy's "your trip next week". An interview has one candidate, so this check is silent about
the candidate's words there (quotes given to the wrong side are check 2's, uncited claims that match the interviewer
check 5's)."""

from __future__ import annotations

import functools
import re

import numpy as np

from interviewer.evaluation.checks import roles
from interviewer.evaluation.checks.base import Context, Located, Verdict, cached_words
from interviewer.evaluation.claim_text import claim_opening
from interviewer.evaluation.lexicon import lexicon, thresholds
from interviewer.feedback.evidence import Unit


@functools.lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(name.lower()) + r"(?:['’]s)?(?![\w-])")


def named_speakers(text: str, names: list[str]) -> list[str]:
    """The speaker names the text mentions (longest first, so "phd a" is not also read as a shorter name)."""
    lowered = text.lower()
    found: list[str] = []
    for name in sorted(names, key=len, reverse=True):
        pattern = _name_pattern(name)
        if pattern.search(lowered):
            found.append(name)
            lowered = pattern.sub(" ", lowered)
    return found


def speaker_backs(located: Located, context: Context) -> Verdict:
    claim = located.claim
    if claim.quotes or located.cited:
        return Verdict("speaker")
    units = context.units[claim.speaker]
    speaker_of = {turn.id: turn.speaker for turn in context.transcript.turns}
    names = sorted({speaker_of[unit.turn_id] for unit in units})
    if len(names) < 2:
        return Verdict("speaker")
    named = named_speakers(claim.text, names)
    group = bool(_collective().match(claim.text))
    if not named and not group:
        return Verdict("speaker")
    rest = claim.text.lower()
    for name in named:
        rest = _name_pattern(name).sub(" ", rest)
    wanted = cached_words(rest)
    if len(wanted) < 2:
        return Verdict("speaker")
    closeness = context.vectors(claim.speaker) @ context.embed([rest])[0]
    overlap = np.array([len(wanted & cached_words(unit.text)) / len(wanted) for unit in units])
    best: dict[str, float] = {}
    where: dict[str, Unit] = {}
    for unit, value in zip(units, closeness + overlap, strict=True):
        name = speaker_of[unit.turn_id]
        if value > best.get(name, -np.inf):
            best[name], where[name] = float(value), unit
    top = max(best, key=lambda name: best[name])
    limits = thresholds()
    if named:
        own = max(best.get(name, -np.inf) for name in named)
        subject = roles.subject(claim.text, named)
        if top in named or best[top] - own <= limits.speaker_margin:
            return _not_asked_of_others(subject, where)
        if len(context.speaker_names) == 2 and subject and _given_to_listener(subject, where[top], wanted):
            return Verdict("speaker")
        return Verdict("speaker", (f"attributed to {', '.join(named)} but said by {top} "
                                   f"(turn {where[top].turn_id})",))
    behind = [name for name in best if best[name] >= best[top] - limits.group_margin]
    if len(behind) >= 2:
        return Verdict("speaker")
    return Verdict("speaker", (f"attributed to the group but backed by {top} alone (turn {where[top].turn_id})",))


@functools.cache
def _collective() -> re.Pattern[str]:
    """A claim whose subject is the group ("The team agreed", "However, everyone thought")."""
    words = "|".join(re.escape(word) for word in sorted(lexicon().collective_subjects, key=len, reverse=True))
    return re.compile(claim_opening() + rf"(?:the\s+)?(?:whole\s+)?(?:{words})\b", re.IGNORECASE)


def _not_asked_of_others(subject: roles.Subject | None, where: dict[str, Unit]) -> Verdict:
    """A claim whose subject does what their own closest sentence asks someone else to do fails. (Their own "you"
    does not count against them: "Ellie thinks he's awkward" reports Ellie's "you're awkward".)"""
    request = roles.request_for(where[subject.name], subject) if subject else None
    if subject is None or request is None:
        return Verdict("speaker")
    return Verdict("speaker", (f"{subject.name} asked someone else to {request} (turn {where[subject.name].turn_id});"
                               f" the claim has {subject.name} do it",))


def _given_to_listener(subject: roles.Subject, unit: Unit, wanted: frozenset[str]) -> bool:
    """Whether the other speaker's sentence, in a conversation of two, gives the claim's act to its subject: says
    it of "you" (who can only be the subject), or asks it of them."""
    return roles.said_of_listener(unit, wanted, subject) or roles.request_for(unit, subject) is not None
