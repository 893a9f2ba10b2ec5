"""A round in a browser: the same `Practice` loop the terminal runs, on its own thread, with a conversation
whose output is a list of events (streamed to the page) and whose input is a queue of answers (posted by it).

Commands work as in the terminal: `/hint`, `/skip` and `/end` go to the interviewer, `/time` and `/help` are
answered here, `/quit` leaves (the session is saved and can be resumed).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from typing import Any

from interviewer.conversation import GRAPH_COMMANDS, Answer, Status, command_of, local_reply
from interviewer.errors import UserError
from interviewer.practice import Practice
from interviewer.web.render import feedback_html

IDLE_SECONDS = 30 * 60
"""A round nobody answers for this long is saved and left (it can be resumed)."""
LEAVE = object()
MAX_ANSWER_SECONDS = 15 * 60
"""An answer counts at most this long on the round's clock (a page left open is not a long answer)."""

log = logging.getLogger("interviewer.web")


class WebConversation:
    """Events out (`say`, `info`, `waiting`), answers in. Thread-safe; any number of pages may listen."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self._answers: queue.Queue[Any] = queue.Queue()
        self._lock = threading.Lock()
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []
        self._status: Callable[[], Status] | None = None
        self._shown_at = time.monotonic()

    # --- the practice loop's side ---------------------------------------------------------------------

    def emit(self, event: dict[str, Any]) -> None:
        with self._lock:
            self.events.append(event)
            waiters = list(self._waiters)
        for loop, flag in waiters:
            loop.call_soon_threadsafe(flag.set)

    def say(self, speaker: str, chunks: Iterator[str]) -> None:
        started = False
        for chunk in chunks:
            if not started:
                self.emit({"type": "say", "speaker": speaker})
                started = True
            self.emit({"type": "chunk", "text": chunk})
        if started:
            self.emit({"type": "said"})
        self._shown_at = time.monotonic()

    def info(self, text: str) -> None:
        self.emit({"type": "info", "text": text})

    def read(self, status: Callable[[], Status]) -> Answer | None:
        self._status = status
        self.emit({"type": "waiting", "status": asdict(status())})
        try:
            answer = self._answers.get(timeout=IDLE_SECONDS)
        except queue.Empty:
            answer = LEAVE
        return None if answer is LEAVE else answer

    # --- the page's side ------------------------------------------------------------------------------

    def post(self, text: str) -> None:
        """An answer or a command typed on the page."""
        command = command_of(text)
        seconds = min(time.monotonic() - self._shown_at, MAX_ANSWER_SECONDS)
        if command is None:
            if text.strip():
                self._answers.put(Answer(text=text, seconds=seconds))
            return
        if command == "quit":
            self.leave()
        elif command in GRAPH_COMMANDS:
            self._answers.put(Answer(command=command, seconds=seconds))
        elif self._status is not None:
            self.emit({"type": "local", "text": local_reply(command, self._status)})

    def leave(self) -> None:
        self._answers.put(LEAVE)

    def after(self, seen: int) -> list[dict[str, Any]]:
        with self._lock:
            return self.events[seen:]

    async def wait(self, seen: int, timeout: float) -> None:
        """Return when there are events after `seen`, or after `timeout` seconds."""
        flag = asyncio.Event()
        entry = (asyncio.get_running_loop(), flag)
        with self._lock:
            if len(self.events) > seen:
                return
            self._waiters.append(entry)
        try:
            await asyncio.wait_for(flag.wait(), timeout)
        except TimeoutError:
            pass
        finally:
            with self._lock:
                self._waiters.remove(entry)


class LiveRound:
    """One session's round running on its own thread until feedback, leaving, or an error."""

    def __init__(self, practice: Practice, *, resuming: bool) -> None:
        self.practice = practice
        self.conversation = WebConversation()
        self.done = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(resuming,), name=f"round-{self.id}", daemon=True)
        self._thread.start()

    @property
    def id(self) -> str:
        return self.practice.session.meta.id

    def _run(self, resuming: bool) -> None:
        conversation = self.conversation
        try:
            if resuming:
                conversation.info(f"Resuming session {self.id}.")
                self.practice.load_in_background()
                self.practice.resume_display(conversation)
            else:
                self.practice.show_opening(conversation)
            feedback = self.practice.run(conversation)
            if feedback is None:
                conversation.emit({"type": "left", "session": self.id})
            else:
                conversation.emit({"type": "feedback", "html": feedback_html(feedback), "verdict": feedback.verdict,
                                   "level": feedback.level_estimate.value})
        except UserError as error:
            conversation.emit({"type": "error", "text": str(error)})
        except Exception:  # noqa: BLE001 - a bug: logged with its traceback, the page told in one line
            log.exception("round %s failed", self.id)
            conversation.emit({"type": "error", "text": "the interviewer failed; your answers are saved, "
                                                        "resume the session to go on"})
        finally:
            self.practice.close()
            conversation.emit({"type": "closed"})
            self.done.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Leave the round (saved) and wait for its thread."""
        self.conversation.leave()
        self._thread.join(timeout)
