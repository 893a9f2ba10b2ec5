"""Thought-process signals read from the shape of the conversation, not from any one sentence's meaning:
questions asked before solving, a plan laid out before diving in, reasons given aloud, a mistake corrected.
Each returns the candidate's own sentences as evidence, like the embedding detector."""

from __future__ import annotations

import re
from collections.abc import Callable

from interviewer.feedback.evidence import Unit

OPENING_TURNS = 2
"""Clarifying and planning count when they happen in the candidate's first turns."""
THINK_ALOUD_SHARE = 0.2
THINK_ALOUD_MIN_SENTENCES = 10

_QUESTION = re.compile(r"\?\s*$")
_PLAN = re.compile(
    r"\b(first(ly)?\b.{0,80}\b(then|next|after that)|i'?ll (start|begin) (with|by)|let me (outline|structure|lay out)|"
    r"here'?s (my|the) plan|my plan is|i'?d structure|the way i'?ll (approach|tackle)|"
    r"(three|two|four) (parts|steps|phases|things))", re.IGNORECASE)
_REASON = re.compile(r"\b(because|so that|which means|the reason|since|that'?s why|therefore|otherwise)\b",
                     re.IGNORECASE)
_CORRECTION = re.compile(
    r"\b(actually,? (no|wait|that'?s wrong|let me)|wait,? (no|that'?s)|i was wrong|let me (correct|revise|fix) "
    r"(that|myself|this)|correction:|scratch that|on second thought|i made a mistake|that'?s not right)\b",
    re.IGNORECASE)


def _opening(units: list[Unit]) -> list[Unit]:
    turns = sorted({unit.turn_id for unit in units})[:OPENING_TURNS]
    return [unit for unit in units if unit.turn_id in turns]


def clarify_first(units: list[Unit]) -> list[Unit]:
    return [u for u in _opening(units) if _QUESTION.search(u.text)]


def plan_first(units: list[Unit]) -> list[Unit]:
    return [u for u in _opening(units) if _PLAN.search(u.text)]


def think_aloud(units: list[Unit]) -> list[Unit]:
    reasons = [u for u in units if _REASON.search(u.text)]
    enough = len(units) >= THINK_ALOUD_MIN_SENTENCES and len(reasons) >= THINK_ALOUD_SHARE * len(units)
    return reasons if enough else []


def self_corrects(units: list[Unit]) -> list[Unit]:
    return [u for u in units if _CORRECTION.search(u.text)]


STRUCTURAL: dict[str, Callable[[list[Unit]], list[Unit]]] = {
    "clarify-first": clarify_first,
    "plan-first": plan_first,
    "think-aloud": think_aloud,
    "self-corrects": self_corrects,
}
