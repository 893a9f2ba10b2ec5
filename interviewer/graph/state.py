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
    """Seconds of interview time when the last answer was sent: wall time in a live round, simulated time
    (thinking plus speaking) for answers from a script."""
    turns: Annotated[list[dict[str, Any]], operator.add]
    """Transcript turns as `Turn` dicts, appended only."""
    shown: list[str]
    """Signals the candidate has shown so far (the detector's view, turn by turn)."""
    touched: list[str]
    """Signals some answer came near, shown or not (the planner asks about untouched ground first)."""
    asked: list[str]
    """Follow-up ids already asked: never asked again."""
    asked_signals: list[str]
    """The signal of each follow-up asked, in order (a signal gets a second angle at most)."""
    hooked: list[str]
    """The candidate's words that follow-ups have built on (a component is built on once)."""
    hinted: list[str]
    """The probe on the table at each hint (a second hint on one probe says more)."""
    wrap_exchanges: int
    """How many times the candidate's questions at the end were answered."""
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


def question_turn(pending: dict[str, Any], speaker: str) -> dict[str, Any]:
    """The interviewer turn of the question waiting for the candidate, as the transcript and the log keep it."""
    return turn(pending["turn"], speaker, "interviewer", pending["text"], hint=pending["hint"],
                probes=pending.get("signal"))


def turn(turn_id: int, speaker: str, role: str, text: str, *, hint: bool = False, at: str | None = None,
         probes: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"id": turn_id, "speaker": speaker, "role": role, "text": text}
    if hint:
        data["hint"] = True
    if probes:
        data["probes"] = probes
    if at:
        data["at"] = at
    return data
