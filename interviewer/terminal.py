"""The interactive terminal: prompt_toolkit input with history, a status bar and streamed interviewer text."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.history import FileHistory
from prompt_toolkit.key_binding import KeyBindings

from interviewer.conversation import (
    GRAPH_COMMANDS,
    attach_diagram,
    command_of,
    diagram_command,
    local_reply,
    status_line,
)
from interviewer.diagram import diagram_in
from interviewer.errors import UserError
from interviewer.practice import Answer, Status

MAX_ANSWER_SECONDS = 15 * 60
"""An answer that took longer (the terminal was left alone) counts as this much interview time."""


def _bindings() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("enter")
    def _submit(event) -> None:  # type: ignore[no-untyped-def]
        event.current_buffer.validate_and_handle()

    @bindings.add("escape", "enter")
    def _newline(event) -> None:  # type: ignore[no-untyped-def]
        event.current_buffer.insert_text("\n")

    return bindings


class TerminalConversation:
    def __init__(self, history: Path) -> None:
        history.parent.mkdir(parents=True, exist_ok=True)
        self._status: Callable[[], Status] | None = None
        self._session: PromptSession[str] = PromptSession(
            multiline=True, key_bindings=_bindings(), history=FileHistory(str(history)),
            bottom_toolbar=self._toolbar, prompt_continuation="  ",
        )
        self._shown_at = time.monotonic()

    def _toolbar(self) -> str:
        return status_line(self._status()) if self._status else ""

    def say(self, speaker: str, chunks: Iterator[str]) -> None:
        started = False
        for chunk in chunks:
            if not started:
                sys.stdout.write(f"\n\033[1m{speaker}:\033[0m ")
                started = True
            sys.stdout.write(chunk)
            sys.stdout.flush()
        if started:
            sys.stdout.write("\n\n")
            sys.stdout.flush()
        self._shown_at = time.monotonic()

    def info(self, text: str) -> None:
        sys.stdout.write(f"\033[2m{text}\033[0m\n")
        sys.stdout.flush()

    def read(self, status: Callable[[], Status]) -> Answer | None:
        self._status = status
        draft = ""
        while True:
            try:
                text = self._session.prompt("› ", default=draft)
            except (KeyboardInterrupt, EOFError):
                return None
            draft = ""
            if diagram_command(text):
                try:
                    text = attach_diagram(text, status().round)
                except UserError as error:  # what was typed comes back, to fix the path or drop the line
                    self.info(f"{error}. Your answer is back in the box: fix the file name, or remove the line.")
                    draft = text
                    continue
                attached = diagram_in(text)
                if attached is not None:
                    self.info(f"Attached {attached.summary()}.")
            command = command_of(text)
            seconds = min(time.monotonic() - self._shown_at, MAX_ANSWER_SECONDS)
            if command is None:
                if text.strip():
                    return Answer(text=text, seconds=seconds)
                continue
            if command == "quit":
                return None
            if command in GRAPH_COMMANDS:
                return Answer(command=command, seconds=seconds)
            self.info(local_reply(command, status))
