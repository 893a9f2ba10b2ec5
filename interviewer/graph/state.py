"""The graph's state: plain data only (dicts, lists, strings, numbers), so checkpoints stay portable."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict


class InterviewState(TypedDict, total=False):
    session_id: str
    round: str
    level: str
    company: str | None
    question_id: str
    minutes: float
    phase: int
    """Index into the round's phases."""
    phase_started: float
    clock: float
    """Seconds of interview time so far: the sum of the time each answer took."""
    turns: Annotated[list[dict[str, Any]], operator.add]
    """Transcript turns as `Turn` dicts, appended only."""
    shown: list[str]
    """Signals the candidate has shown so far (the detector's view, turn by turn)."""
    asked: list[str]
    """Probe ids already asked: never asked again."""
    move: dict[str, Any]
    """The planner's latest decision (`planner.Move` as a dict)."""
    pending: dict[str, Any]
    """What the interviewer says next: text, probe, signal, phase, hint."""
    last: dict[str, Any]
    """The analysis of the candidate's last turn."""
    elaborated: bool
    """True when the last move asked the candidate to say more (asked once per probe)."""
    closing_asked: bool
    feedback: dict[str, Any] | None
    done: bool


def turn(turn_id: int, speaker: str, role: str, text: str, *, hint: bool = False, at: str | None = None
         ) -> dict[str, Any]:
    data: dict[str, Any] = {"id": turn_id, "speaker": speaker, "role": role, "text": text}
    if hint:
        data["hint"] = True
    if at:
        data["at"] = at
    return data
