"""The interactive terminal: prompt_toolkit input with history and a status bar that ticks every second. The
input line is always open, even while the interviewer prepares its turn; what the interviewer says appears
above it, line by line as it is spoken."""

from __future__ import annotations

import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from prompt_toolkit import PromptSession
from prompt_toolkit.application import Application
from prompt_toolkit.history import FileHistory
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.patch_stdout import patch_stdout

from interviewer.conversation import (
    GRAPH_COMMANDS,
    Answer,
    Status,
    attach_diagram,
    command_of,
    diagram_command,
    local_reply,
    status_line,
)
from interviewer.diagram import diagram_in
from interviewer.errors import UserError

BOLD, DIM, RESET = "\033[1m", "\033[2m", "\033[0m"
REFRESH_SECONDS = 1.0


def _bindings() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("enter")
    def _submit(event) -> None:  # type: ignore[no-untyped-def]
        event.current_buffer.validate_and_handle()

    @bindings.add("escape", "enter")
    def _newline(event) -> None:  # type: ignore[no-untyped-def]
        event.current_buffer.insert_text("\n")

    return bindings


def wrap_stream(chunks: Iterator[str], width: int, indent: int) -> Iterator[str]:
    """Whole lines (with their newline) as the words arrive: text above a live input line is only drawn a
    line at a time. The first line leaves `indent` columns for the speaker's name."""
    pending = ""
    room = max(width - indent, 20)
    for chunk in chunks:
        pending += chunk
        while len(pending) > room or "\n" in pending[:room + 1]:
            cut = pending.find("\n", 0, room + 1)
            if cut < 0:
                cut = pending.rfind(" ", 0, room + 1)
            if cut <= 0:
                cut = room
            yield pending[:cut].rstrip() + "\n"
            pending = pending[cut:].lstrip(" \n")
            room = max(width, 20)
    if pending.strip():
        yield pending.rstrip() + "\n"


class TerminalConversation:
    def __init__(self, history: Path) -> None:
        history.parent.mkdir(parents=True, exist_ok=True)
        self._status: Callable[[], Status] | None = None
        self._session: PromptSession[str] = PromptSession(
            multiline=True, key_bindings=_bindings(), history=FileHistory(str(history)),
            bottom_toolbar=self._toolbar, prompt_continuation="  ", refresh_interval=REFRESH_SECONDS,
        )
        self._stopped = threading.Event()

    def _toolbar(self) -> str:
        return status_line(self._status()) if self._status else ""

    def live_output(self) -> AbstractContextManager[Any]:
        return patch_stdout(raw=True)

    def say(self, speaker: str, chunks: Iterator[str]) -> None:
        width = shutil.get_terminal_size((100, 24)).columns - 1
        started = False
        for line in wrap_stream(chunks, width, len(speaker) + 2):
            sys.stdout.write(line if started else f"\n{BOLD}{speaker}:{RESET} {line}")
            sys.stdout.flush()
            started = True

    def info(self, text: str) -> None:
        sys.stdout.write(f"\n{DIM}{text}{RESET}\n")
        sys.stdout.flush()

    def stop_reading(self) -> None:
        self._stopped.set()
        app = self._session.app
        loop = app.loop if app.is_running else None
        if loop is not None:
            loop.call_soon_threadsafe(self._exit_if_stopped, app)

    def _exit_if_stopped(self, app: Application[Any]) -> None:
        if self._stopped.is_set() and app.is_running and app.future is not None and not app.future.done():
            app.exit(result=None)

    def read(self, status: Callable[[], Status]) -> Answer | None:
        self._status = status
        draft = ""
        while not self._stopped.is_set():
            try:
                text = self._session.prompt("› ", default=draft,
                                            pre_run=lambda: self._exit_if_stopped(self._session.app))
            except (KeyboardInterrupt, EOFError):
                return None
            if text is None or self._stopped.is_set():
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
            if command is None:
                if text.strip():
                    return Answer(text=text)
                continue
            if command == "quit":
                return None
            if command in GRAPH_COMMANDS:
                return Answer(command=command)
            self.info(local_reply(command, status))
        return None
