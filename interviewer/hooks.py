"""Hooks in the candidate's own words that a follow-up can build on: a number they gave ("maybe 20,000 at
peak") and a component they named ("Redis", "the fan-out workers"). Pure text functions; the round's component
words come from `interviewer/data/moves.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.words import sentences

_NUMBER = re.compile(
    r"(?<![\w.])(\d[\d,]*(\.\d+)?\s*(%|k\b|m\b|x\b)?|(a|one|two|three|four|five|ten|twenty|fifty|a few)\s+"
    r"(hundred|thousand|million|billion))", re.IGNORECASE)
_SCALE = re.compile(r"\b(thousand|million|billion|trillion|k|m|b|tb|gb|pb|mb)\b", re.IGNORECASE)
_RATE = re.compile(r"\b(per (second|minute|hour|day|month|year|user|request)|a (second|minute|day|month)|qps|rps|"
                   r"at peak|peak|daily|users|requests|writes|reads|events|messages|rows|queries|ms|percent|%|"
                   r"seconds|minutes|hours|days|weeks|tokens|bytes|items|documents|samples|examples|clicks|orders|"
                   r"dollars|cents)",
                   re.IGNORECASE)
_CLAUSE = re.compile(r"[,;:]\s|[()]|\s[-–—]\s|\s(?:and|but|which|so|is|are|means|gives|that'?s|or)\s", re.IGNORECASE)
_LOAD = re.compile(r"(\bper|\ba|/)\s?(second|sec|s|minute|hour|day)\b|\b(qps|rps)\b|\b(requests|reads|writes|"
                   r"users|events|messages|clicks|orders|rides|trips|queries|inserts|updates|notifications|"
                   r"redirects|calls|sessions|searches|predictions)\b", re.IGNORECASE)
_PER_TIME = re.compile(r"(\bper|\ba|/)\s?(second|sec|s|minute|hour|day)\b|\b(qps|rps)\b", re.IGNORECASE)
_PER_SECOND = re.compile(r"\b(per|a)\s(second|sec)\b|/s\b|\b(qps|rps)\b", re.IGNORECASE)
_SIZE = re.compile(r"\b(tb|gb|mb|kb|pb|bytes?|terabytes?|gigabytes?)\b", re.IGNORECASE)
_PEAK = re.compile(r"\b(peak|burst|spike|worst case|p99)\b", re.IGNORECASE)
HOOK_WORDS = 10
_CLAUSE_WORDS = {"that", "which", "who", "against", "because", "since", "while", "where", "so", "but", "and",
                 "with", "if", "when", "than", "to"}
"""A quoted figure stops before these ("1 million reads a second at peak", not "... at peak against ...")."""


@dataclass(frozen=True)
class Hook:
    kind: str
    """"number", "rate" (a number that is a load), "component", or "name" (a component named by a proper name:
    Redis, Kafka)."""
    text: str
    """Verbatim words of the candidate ("4,600 redirects per second on average"), or the component's name."""


def number_hook(answer: str) -> Hook | None:
    """The candidate's most telling figure: a clause with a number and a unit of load or size, quoted
    verbatim (at most HOOK_WORDS words, starting at its number)."""
    best: tuple[int, float, str] | None = None
    for sentence in sentences(answer):
        if sentence.rstrip().endswith("?"):
            continue
        for clause in _CLAUSE.split(sentence):
            match = _NUMBER.search(clause)
            if match is None:
                continue
            words = clause[match.start():].split()[:HOOK_WORDS]
            if len(words) < 2:
                continue
            cut = next((i for i, word in enumerate(words) if i >= 3 and word.lower() in _CLAUSE_WORDS), len(words))
            fragment = " ".join(words[:cut]).rstrip(".,;:!")
            score = (2 * bool(_RATE.search(fragment)) + bool(_SCALE.search(fragment))
                     + bool(re.search(r"\d", fragment)) + bool(_PEAK.search(fragment))
                     + 2 * bool(_PER_SECOND.search(fragment)))
            if score >= 2 and (best is None or (score, _magnitude(fragment)) >= best[:2]):
                best = (score, _magnitude(fragment), fragment)
    return Hook("number", best[2]) if best else None


def _magnitude(fragment: str) -> float:
    """The size of a fragment's first figure ("750,000" -> 750000, "3 million" -> 3000000): among equally telling
    figures, the biggest is the one to build on."""
    match = re.search(r"(\d[\d,]*(?:\.\d+)?)\s*(thousand|million|billion|k|m|b)?\b", fragment, re.IGNORECASE)
    if match is None:
        return 0.0
    scale = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "b": 1e9}
    return float(match.group(1).replace(",", "")) * scale.get((match.group(2) or "").lower(), 1.0)


def rate_hook(answer: str) -> Hook | None:
    """The candidate's most telling figure when it is a load (so much per second, so many requests or users):
    what "ten times bigger" can be asked of."""
    hook = number_hook(answer)
    if hook is None or not _LOAD.search(hook.text) or (_SIZE.search(hook.text) and not _PER_TIME.search(hook.text)):
        return None
    return Hook("rate", hook.text)


_OWNED_ELSEWHERE = re.compile(r"\b(its|their|his|her|(i was|i'm|i am|as) (the|a|an))\s+$")
"""A common noun owned by something else ("its queue grows", about a shard) is not a part of the candidate's
design, which a follow-up could call "your queue"; nor is the candidate's own role ("I was the tech lead": not
"your tech lead")."""


def component_hook(answer: str, components: list[tuple[str, list[str]]],
                   avoid: frozenset[str] = frozenset()) -> Hook | None:
    """The first of the round's components (each a name and the wordings that find it) that the answer names.
    A proper name keeps its spelling ("Redis"); a common noun reads as the candidate's own ("your cache")."""
    lowered = answer.lower()
    found: list[tuple[int, str]] = []
    for name, wordings in components:
        said = name if name[:1].isupper() else f"your {name}"
        if said in avoid:
            continue
        for wording in wordings:
            for match in re.finditer(rf"(?<![\w-]){re.escape(wording.lower())}(?![\w-])", lowered):
                if not _OWNED_ELSEWHERE.search(lowered, 0, match.start()):
                    found.append((match.start(), said))
                    break
    return Hook("component", min(found)[1]) if found else None


def hooks_in(answer: str, components: list[tuple[str, list[str]]],
             avoid: frozenset[str] = frozenset()) -> list[Hook]:
    """The answer's hooks: its most telling number (also a "rate" when it is a load), and the first component it
    names that is not in `avoid`
    (components already built on); a component with a proper name is also a "name" hook (a choice the
    candidate made, which a move can question)."""
    hooks = [hook for hook in (number_hook(answer), rate_hook(answer), component_hook(answer, components, avoid))
             if hook is not None]
    return hooks + [Hook("name", hook.text) for hook in hooks if hook.kind == "component"
                    and not hook.text.startswith("your ")]
