"""Evidence units (verbatim spans of the candidate's turns) and quote verification."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from interviewer.types import Claim, Evidence, Transcript

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n+")
MIN_WORDS = 6
_LIST_ITEM = re.compile(r"\s*(?:[-*•]|\d{1,2}[.)])\s+\S")
"""A line that starts a list item: a unit of its own however short ("- CDN for global distribution"), so that
items of a list are not read as one sentence; a short heading still joins the item after it."""
_LIST_NUMBER = re.compile(r"\d{1,2}[.)]")
MAX_WORDS = 60


@dataclass(frozen=True)
class Unit:
    """A span of one candidate turn: one sentence, or a short sentence joined with the next."""

    turn_id: int
    start: int
    end: int
    text: str
    after_hint: bool
    asked: str | None = None
    """The rubric signal the interviewer's question before it asked about (recorded in our rounds)."""


def candidate_units(transcript: Transcript, excluded: Mapping[int, Sequence[tuple[int, int]]] | None = None,
                    ) -> list[Unit]:
    """The candidate's sentences as units. `excluded` spans (per turn id: text addressed to the grader) are left
    out, and no unit reaches across one."""
    units: list[Unit] = []
    hint_pending = False
    asked: str | None = None
    for turn in transcript.turns:
        if turn.role == "interviewer":
            hint_pending, asked = turn.hint, turn.probes
            continue
        for offset, part in _parts(turn.text, (excluded or {}).get(turn.id, ())):
            for start, end in _spans(part):
                units.append(Unit(turn.id, offset + start, offset + end, part[start:end], hint_pending, asked))
        hint_pending, asked = False, None
    return units


def by_answer(units: list[Unit], answer_of: Mapping[int, int] | None = None) -> list[list[Unit]]:
    """The candidate's sentences grouped by answer, in order: by turn, or by `answer_of` (turn id -> answer), where
    turns split by the interviewer's "mm-hmm" are one answer."""
    answers: dict[int, list[Unit]] = {}
    for unit in units:
        answers.setdefault((answer_of or {}).get(unit.turn_id, -unit.turn_id), []).append(unit)
    return list(answers.values())


def _parts(text: str, excluded: Sequence[tuple[int, int]]) -> list[tuple[int, str]]:
    """The pieces of `text` between the excluded spans, each with its offset."""
    parts = []
    position = 0
    for start, end in sorted(excluded):
        if start > position:
            parts.append((position, text[position:start]))
        position = max(position, end)
    parts.append((position, text[position:]))
    return parts


def _spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans; a sentence under MIN_WORDS words joins the next one in the same turn, unless it is a list
    item."""
    raw: list[tuple[int, int]] = []
    position = 0
    for match in _SENTENCE_END.finditer(text):
        raw.append((position, match.start()))
        position = match.end()
    raw.append((position, len(text)))
    spans: list[tuple[int, int]] = []
    pending: tuple[int, int] | None = None
    numbered = False
    for start, end in raw:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            continue
        list_item = numbered or _LIST_ITEM.match(text, start) is not None
        numbered = _LIST_NUMBER.fullmatch(text, start, end) is not None  # "1." cut off its item by the full stop
        if pending is not None:
            start = pending[0]
        if numbered or (len(text[start:end].split()) < MIN_WORDS and not list_item):
            pending = (start, end)
            continue
        pending = None
        spans.extend(_split_long(text, start, end))
    if pending is not None:
        if spans and len(text[pending[0] : pending[1]].split()) < MIN_WORDS:
            spans[-1] = (spans[-1][0], pending[1])
        else:
            spans.append(pending)
    return spans


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Run-on speech without full stops: cut at commas or spaces into pieces of at most MAX_WORDS words."""
    words = list(re.finditer(r"\S+", text[start:end]))
    if len(words) <= MAX_WORDS:
        return [(start, end)]
    pieces = []
    for index in range(0, len(words), MAX_WORDS):
        chunk = words[index : index + MAX_WORDS]
        pieces.append((start + chunk[0].start(), start + chunk[-1].end()))
    return pieces


def normalize(text: str) -> str:
    return " ".join(text.split())


def quote_in_turn(transcript: Transcript, evidence: Evidence) -> bool:
    """True when the quote appears verbatim (white space folded) in a candidate turn with that id."""
    if not evidence.quote.strip():
        return False
    try:
        turn = transcript.turn(evidence.turn_id)
    except KeyError:
        return False
    return turn.role == "candidate" and normalize(evidence.quote) in normalize(turn.text)


def verify_claim(transcript: Transcript, claim: Claim) -> bool:
    """An observation or judgment needs at least one piece of evidence, and all of it verbatim."""
    if claim.kind == "absence":
        return claim.verified
    return bool(claim.evidence) and all(quote_in_turn(transcript, e) for e in claim.evidence)


REPORTED_WORDS = 25
_SENTENCE_OPENERS = set("""so then okay ok well and but if for the a an it its this that these those there when
while we our yes no yeah first next after before once since because also now right sure each every most some all
to in on at with what which how why where one two three four five six seven eight nine ten is are do does did can
could would should will has have second third fourth finally last let here given instead otherwise maybe
probably basically actually assuming say""".split())
_FIRST_PERSON = [(re.compile(rf"\b{first}\b"), third) for first, third in [
    ("Let me", "they'd"), ("let me", "they'd"),
    ("I'd", "they'd"), ("I'll", "they'll"), ("I'm", "they're"), ("I've", "they've"), ("I was", "they were"),
    ("I am", "they are"), ("I", "they"), ("myself", "themselves"), ("my", "their"), ("My", "Their"), ("me", "them"),
    ("we'd", "they'd"), ("we'll", "they'll"), ("we're", "they're"), ("we've", "they've"), ("we", "they"),
    ("We'd", "They'd"), ("We'll", "They'll"), ("We're", "They're"), ("We've", "They've"), ("We", "They"),
    ("our", "their"), ("Our", "Their"), ("us", "them"),
]]


_THIRD_PERSON = {"they", "they'd", "they'll", "they're", "they've", "their", "them", "themselves"}
_DISCOURSE = re.compile(
    r"^(?:(?:yes|yeah|yep|sure|ok|okay|well|so|and|but|right|honestly|um+|uh+|thanks|thank you|got it|great|"
    r"alright|all right|good question|fair enough|(?:like|as) i (?:said|mentioned|described|told you))\b[,.!;:]?\s+)+",
    re.IGNORECASE)
"""Words that open a spoken answer without belonging to what it says: left out of a claim's report of it."""
MIN_REPORTED_WORDS = 3
_DOUBLE_QUOTES = re.compile(r"[\"“”]")
_LOWER_FIRST = frozenset(_SENTENCE_OPENERS | _THIRD_PERSON)
"""A report's first word in lower case mid-sentence ("the candidate said their manager ..."); names keep theirs."""
_NEGATION = re.compile(r"\b(not|no|never|none|nothing|nobody|neither|nor|without|cannot)\b|n't\b", re.IGNORECASE)


def reported(quote: str, limit: int = REPORTED_WORDS) -> str:
    """The candidate's words in the third person, for a claim's text: "I'd shard by user" -> "they'd shard by
    user"; cut at `limit` words with an ellipsis, but never where the cut would drop a negation (the claim would
    say the opposite of the sentence): such a sentence is reported whole. Double quotes inside become single ones:
    the claim quotes the sentence after its report, and a cut inner quote ('always "give …') would pair with it."""
    text = _DOUBLE_QUOTES.sub("'", " ".join(quote.split())).lstrip("-*• ").rstrip(".!?:;,")
    stripped = _DISCOURSE.sub("", text)
    if len(stripped.split()) >= MIN_REPORTED_WORDS:
        text = stripped  # "Yes, as I said, the prompt..." -> "the prompt..."
    words = text.split(" ")
    if _NEGATION.search(" ".join(words[limit:])):
        limit = len(words)
    text = " ".join(words[:limit]) + (" …" if len(words) > limit else "")
    for pattern, replacement in _FIRST_PERSON:
        text = pattern.sub(replacement, text)
    first = text.split(" ", 1)[0]
    if re.split(r"['’]", first.strip(",:").lower())[0] in _LOWER_FIRST:  # "That's why" is "that's why"
        text = first.lower() + text[len(first):]  # "My manager" -> "their manager"; "Redis holds" keeps its capital
    return text
