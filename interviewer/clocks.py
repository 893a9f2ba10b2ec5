"""The round's clock. In a live round it is wall time: it runs while the candidate thinks and types, and a
resumed round goes on from the time it had used. Answers from a script keep a simulated clock: each answer
takes its thinking time plus its words at a speaking pace (`conversation.SPEAKING_WORDS_PER_SECOND`)."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Protocol

from interviewer.conversation import Answer


class RoundClock(Protocol):
    def now(self) -> float:
        """Seconds of interview time used so far."""
        ...

    def stamp(self, answer: Answer) -> Answer:
        """The answer with the interview time at which it was sent."""
        ...


class WallClock:
    """Wall time since the round (re)started, on top of the time used before."""

    def __init__(self, base: float = 0.0) -> None:
        self._base = base
        self._started = time.monotonic()

    def now(self) -> float:
        return self._base + time.monotonic() - self._started

    def stamp(self, answer: Answer) -> Answer:
        return replace(answer, clock=self.now())


class ScriptClock:
    """Simulated time: advances by each answer's `seconds` (thinking plus speaking) when it is sent."""

    def __init__(self, base: float = 0.0) -> None:
        self._elapsed = base

    def now(self) -> float:
        return self._elapsed

    def stamp(self, answer: Answer) -> Answer:
        self._elapsed += answer.seconds
        return replace(answer, clock=self._elapsed)
