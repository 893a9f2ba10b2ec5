"""A candidate without a browser: speaks the page's JSON API and reads its event stream (tests, benchmarks,
scripts that drive `interviewer serve`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import httpx

END_OF_TURN = {"waiting", "feedback", "left", "error", "closed"}


class WebCandidate:
    """One browser's worth of state: its cookie, its live round and that round's event stream."""

    def __init__(self, base_url: str, timeout: float = 300.0) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=timeout)
        self.http.get("/").raise_for_status()  # the page hands out the candidate cookie
        self.round: str | None = None
        self._stack = ExitStack()
        self._events: Iterator[dict[str, Any]] | None = None

    def close(self) -> None:
        self._stack.close()
        self.http.close()

    def __enter__(self) -> WebCandidate:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return self.http.post(path, json=body)

    def sessions(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.http.get("/api/sessions").json()["sessions"]
        return found

    def start(self, **choices: Any) -> list[dict[str, Any]]:
        """Start a round (round, level, company, minutes, question); the events up to the first question."""
        response = self.post("/api/rounds", choices)
        response.raise_for_status()
        return self._listen(response.json()["id"])

    def resume(self, session_id: str) -> list[dict[str, Any]]:
        response = self.post(f"/api/rounds/{session_id}/resume", {})
        response.raise_for_status()
        return self._listen(response.json()["id"])

    def _listen(self, session_id: str) -> list[dict[str, Any]]:
        self._stack.close()
        self.round = session_id
        stream = self._stack.enter_context(self.http.stream("GET", f"/api/rounds/{session_id}/events"))
        stream.raise_for_status()
        self._events = _parse(stream.iter_lines())
        return self.until_turn()

    def say(self, text: str) -> list[dict[str, Any]]:
        """Send an answer or a command; the events it caused, up to the next question (or the end)."""
        assert self.round is not None, "start or resume a round first"
        self.post(f"/api/rounds/{self.round}/answer", {"text": text}).raise_for_status()
        if text.strip() in ("/time", "/help"):
            return [self.next_event()]
        return self.until_turn()

    def next_event(self) -> dict[str, Any]:
        assert self._events is not None
        return next(self._events)

    def until_turn(self) -> list[dict[str, Any]]:
        events = []
        while True:
            event = self.next_event()
            events.append(event)
            if event["type"] in END_OF_TURN:
                return events


def _parse(lines: Iterator[str]) -> Iterator[dict[str, Any]]:
    """Server-sent events: `data:` lines until a blank line; comments (keep-alives) skipped."""
    data: list[str] = []
    for line in lines:
        if line.startswith("data:"):
            data.append(line[5:].strip())
        elif not line and data:
            yield json.loads("\n".join(data))
            data = []


def spoken(events: list[dict[str, Any]]) -> str:
    """What the interviewer said in these events."""
    return "".join(event["text"] for event in events if event["type"] == "chunk")
