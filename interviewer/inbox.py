"""Answers on their way to the interviewer.

The candidate may send an answer at any moment, even while the interviewer is still preparing its next turn.
Each answer is written to the session's log (flushed and fsynced) the moment it is sent, under the turn id it
will have, and then queued; the interviewer takes answers in order, one per question it asks. After a crash,
an answer that is in the log but never reached the graph is taken from the log. Commands (/hint, /skip, /end)
wait in memory only: they carry no words to lose.

Turn ids are predictable: every answer with words is one candidate turn followed by one interviewer turn; a
/hint or /skip is followed by one interviewer turn.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from interviewer.conversation import Answer
from interviewer.graph.state import turn
from interviewer.session_store import StoredSession

CANDIDATE = "Candidate"


@dataclass(frozen=True)
class Queued:
    at: int
    """The interviewer turn it answers."""
    answer: Answer


class Inbox:
    def __init__(self, session: StoredSession) -> None:
        self._session = session
        self._queue: deque[Queued] = deque()
        self._ready = threading.Condition()
        self._next = session.next_question_turn()
        self._waiting = False
        self._closed = False
        self._finished = False

    def put(self, answer: Answer) -> None:
        """Log the answer (durable when this returns) and queue it for the question it answers."""
        with self._ready:
            at = self._next
            if answer.text:
                self._session.log_turn({**turn(at + 1, CANDIDATE, "candidate", answer.text), "clock": answer.clock})
                self._next = at + 2
            elif answer.command in ("hint", "skip"):
                self._next = at + 1
            self._queue.append(Queued(at, answer))
            self._ready.notify_all()

    def take(self, question_turn: int) -> tuple[Answer, bool] | None:
        """The answer to the interviewer's turn `question_turn`, and whether it was recovered from the log (sent
        before a crash, never received): the one queued for it, else the logged one. Waits until there is one;
        None once the inbox is closed. The log is read once: an answer sent from now on comes through the queue."""
        with self._ready:
            recovered = self._session.logged_answer(question_turn + 1)
            while True:
                while self._queue and self._queue[0].at < question_turn:
                    self._queue.popleft()  # a command that the round's end made moot
                if self._queue and self._queue[0].at == question_turn:
                    self._waiting = False
                    return self._queue.popleft().answer, False
                if recovered is not None:
                    self._waiting = False
                    return Answer(text=recovered["text"], clock=recovered.get("clock")), True
                if self._closed:
                    return None
                if not self._queue:
                    self._next = question_turn  # nothing in flight: the next answer is this question's
                self._waiting = True
                self._ready.notify_all()
                self._ready.wait()

    def wait_for_question(self) -> bool:
        """Block until the interviewer waits for an answer nothing in the queue gives (True) or the round is
        over (False): a script answers one question at a time."""
        with self._ready:
            while not self._finished and not (self._waiting and not self._queue):
                self._ready.wait()
            return not self._finished

    def close(self) -> None:
        """No more answers: the interviewer stops at its next question."""
        with self._ready:
            self._closed = True
            self._ready.notify_all()

    def finish(self) -> None:
        """The round is over (or the interviewer stopped): whoever waits for a question stops waiting."""
        with self._ready:
            self._finished = True
            self._closed = True
            self._ready.notify_all()
