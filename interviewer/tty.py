"""Keystrokes typed before the input line opens are held, not echoed: prompt_toolkit shows them once, in the
input line, when it starts (otherwise the terminal echoes them and the input line shows them again)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def _set_echo(on: bool) -> list[Any] | None:
    """Set the terminal's echo; returns the settings before, or None when stdin is not a terminal."""
    try:
        import termios

        descriptor = sys.stdin.fileno()
        saved = termios.tcgetattr(descriptor)
        changed = list(saved)
        changed[3] = changed[3] | termios.ECHO if on else changed[3] & ~termios.ECHO
        termios.tcsetattr(descriptor, termios.TCSANOW, changed)
        return saved
    except (ImportError, OSError, ValueError, AttributeError):
        return None


def _restore(saved: list[Any] | None) -> None:
    if saved is not None:
        import termios

        termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, saved)


@contextmanager
def echo(on: bool) -> Iterator[None]:
    """The terminal's echo on or off for the duration (when stdin is a terminal), restored after: off while a
    round runs, on for questions asked before it starts."""
    saved = _set_echo(on)
    try:
        yield
    finally:
        _restore(saved)
