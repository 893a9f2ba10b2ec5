"""Where a round is shown and answers come from: what an answer is, what the status shows, the commands the
candidate can type, and the non-interactive conversation (answers from a file or stdin)."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TextIO, runtime_checkable

from interviewer.artefact_probes import diagram_rounds
from interviewer.diagram import diagram_block, read_diagram
from interviewer.errors import UserError

HELP = """Commands:
  /time   time left in each phase
  /hint   a nudge (recorded as a hint and weighed in the feedback)
  /skip   skip this question
  /end    finish now and get feedback
  /diagram FILE  attach a diagram (Mermaid flowchart or Excalidraw export) below your answer; design rounds
  /quit   save and leave (continue later with 'interviewer resume')
  /help   this list
Enter sends your answer; Esc-Enter (or Alt-Enter) starts a new line; a pasted block stays one answer."""

GRAPH_COMMANDS = {"hint", "skip", "end"}
SPEAKING_WORDS_PER_SECOND = 2.2
THINKING_SECONDS = 20.0


@dataclass(frozen=True)
class Answer:
    """What the candidate submitted: text, or a command (hint, skip, end). `seconds` is how long it took (a
    script's simulated time); `clock` the interview time when it was sent (set by the round's clock)."""

    text: str = ""
    command: str | None = None
    seconds: float = 0.0
    clock: float | None = None

    def to_resume(self) -> dict[str, Any]:
        return {"text": self.text, "command": self.command, "seconds": self.seconds, "clock": self.clock,
                "at": datetime.now(UTC).isoformat(timespec="seconds")}


@dataclass(frozen=True)
class Status:
    round_title: str
    level: str
    phase_name: str
    phase_number: int
    phases: int
    phase_left: float
    total_left: float
    table: list[tuple[str, float, float]]
    """Per phase: name, time allowed and seconds left (0 for phases gone by)."""
    ready: bool = True
    """False while the interviewer is still being prepared (a first run)."""
    round: str = ""
    """The round's id (`system-design`), for commands that only some rounds take (/diagram)."""


class Conversation(Protocol):
    """Where the interview is shown and answers come from: a terminal, or a script. A script's answers are read
    one at a time, each after the interviewer's turn it answers."""

    def say(self, speaker: str, chunks: Iterator[str]) -> None: ...

    def info(self, text: str) -> None: ...

    def read(self, status: Callable[[], Status]) -> Answer | None:
        """The next answer or command; None when the candidate leaves (/quit, Ctrl-C, end of input)."""
        ...


@runtime_checkable
class LiveConversation(Conversation, Protocol):
    """A conversation the candidate types into while the interviewer speaks: reading never waits for the
    interviewer, and what the interviewer says appears above the input line."""

    def live_output(self) -> AbstractContextManager[Any]:
        """While active, output from any thread appears above the input line."""
        ...

    def stop_reading(self) -> None:
        """End the `read` in progress (the round is over): it returns None."""
        ...


def command_of(text: str) -> str | None:
    """'/hint' -> 'hint'; anything that does not start with a slash is an answer."""
    match = re.fullmatch(r"\s*/(\w+)\s*", text)
    return match.group(1).lower() if match else None


def minutes(seconds: float) -> str:
    seconds = max(seconds, 0.0)
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def time_table(status: Status) -> str:
    lines = [f"{'phase':<28}{'budget':>8}{'left':>8}"]
    for index, (name, budget, left) in enumerate(status.table, start=1):
        mark = "▶" if index == status.phase_number else " "
        if index < status.phase_number:  # gone by: its budget no longer counts towards the round's
            lines.append(f"{mark} {name:<26}{'':>8}{'done':>8}")
        else:
            lines.append(f"{mark} {name:<26}{minutes(budget):>8}{minutes(left):>8}")
    lines.append(f"  {'total left':<26}{'':>8}{minutes(status.total_left):>8}")
    return "\n".join(lines)


def status_line(status: Status) -> str:
    waiting = " · the interviewer is getting ready" if not status.ready else ""
    over = "time is up" if status.total_left <= 0 else f"{minutes(status.total_left)} left in round"
    return (f"{status.round_title} · {status.level} · phase {status.phase_number}/{status.phases}: "
            f"{status.phase_name} · {minutes(status.phase_left)} left in phase · {over} · /help{waiting}")


def local_reply(command: str, status: Callable[[], Status]) -> str:
    """What a command that never reaches the interviewer shows: /time, /help, or a note on an unknown command."""
    if command == "time":
        return time_table(status())
    if command == "help":
        return HELP
    return f"unknown command /{command} (try /help)"


_FENCE_LINE = re.compile(r"^\s*(`{3,}|~{3,})")
_DIAGRAM_LINE = re.compile(r"^[ \t]*/diagram\b[ \t]*(?P<path>.*?)[ \t]*$", re.MULTILINE)


def diagram_command(text: str) -> bool:
    return _DIAGRAM_LINE.search(text) is not None


def without_diagram_command(text: str) -> str:
    """The answer without its `/diagram FILE` line: what the candidate typed in words."""
    return _DIAGRAM_LINE.sub("", text).strip()


def attach_diagram(text: str, round_: str) -> str:
    """The answer with its `/diagram FILE` line replaced by the diagram read from FILE. A file that cannot be read,
    or a round that takes no diagrams, is a UserError of one line (the caller keeps what was typed)."""
    match = _DIAGRAM_LINE.search(text)
    if match is None:
        return text
    path = match.group("path").strip().strip("'\"")
    if not path:
        raise UserError("usage: /diagram FILE, a Mermaid flowchart (.mmd) or an Excalidraw export (.excalidraw)")
    if round_ not in diagram_rounds():
        raise UserError(f"/diagram is for the design rounds ({', '.join(diagram_rounds())}), not {round_}")
    diagram = read_diagram(Path(path).expanduser())
    return f"{without_diagram_command(text)}\n\n{diagram_block(diagram)}".strip()


def split_answers(text: str) -> list[str]:
    """Answers separated by blank lines; a blank line inside a fenced code block (pasted code) does not end
    the answer."""
    answers: list[str] = []
    current: list[str] = []
    fence: str | None = None
    for line in text.splitlines():
        marker = _FENCE_LINE.match(line)
        if marker:
            if fence is None:
                fence = marker.group(1)[0] * 3
            elif marker.group(1).startswith(fence):
                fence = None
        if not line.strip() and fence is None:
            if current:
                answers.append("\n".join(current).strip())
                current = []
            continue
        current.append(line)
    if current:
        answers.append("\n".join(current).strip())
    return [answer for answer in answers if answer]


class ScriptConversation:
    """Answers from a list (a file or stdin). When they run out, the round ends and is graded."""

    def __init__(self, answers: list[str], out: TextIO = sys.stdout) -> None:
        self._answers = list(answers)
        self._out = out

    def say(self, speaker: str, chunks: Iterator[str]) -> None:
        text = "".join(chunks).strip()
        if text:
            self._out.write(f"{speaker}: {text}\n\n")
            self._out.flush()

    def info(self, text: str) -> None:
        self._out.write(f"[{text}]\n\n")
        self._out.flush()

    def read(self, status: Callable[[], Status]) -> Answer | None:
        while self._answers:
            block = self._answers.pop(0)
            if diagram_command(block):
                try:
                    block = attach_diagram(block, status().round)
                except UserError as error:
                    self.info(f"{error}; the round goes on without the diagram")
                    block = without_diagram_command(block)
                    if not block:
                        continue
            command = command_of(block)
            if command is None:
                self._out.write(f"Candidate: {block}\n\n")
                words = len(block.split())
                return Answer(text=block, seconds=THINKING_SECONDS + words / SPEAKING_WORDS_PER_SECOND)
            if command == "quit":
                return None
            if command in GRAPH_COMMANDS:
                self._out.write(f"Candidate: /{command}\n\n")
                return Answer(command=command, seconds=5.0)
            reply = local_reply(command, status)
            if command in ("time", "help"):
                self._out.write(reply + "\n\n")
            else:
                self.info(reply)
        return Answer(command="end")
