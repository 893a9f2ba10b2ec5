"""Checking one HTTP response of a service test against what the test expects, in the parent.

A failure names the request as sent and what came back, e.g. `POST /messages {"user": "ana", "text": ""}
returned 500 (KeyError: 'text' (line 12)), expected 400`, so the interviewer can ask about it.

Expected JSON is matched loosely where an API may reasonably differ and strictly where it may not: objects by
the keys the test names (extra keys are fine), lists item by item (or in any order, `{"$unordered": [...]}`),
placeholders "<int>", "<str>", "<any>" for values the service chooses, and "${name}" for a value saved from an
earlier response (an id, say).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from interviewer.sandbox.values import short
from interviewer.types import HttpRequest

_SAVED = re.compile(r"\$\{(\w+)\}")
_PLACEHOLDERS = {"<int>", "<str>", "<any>", "<number>", "<bool>"}
_MISSING = object()


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    """Header names in lower case."""
    body: bytes
    exception: str | None = None
    """The exception the app raised while answering, as the service reported it."""

    def json(self) -> Any:
        """The body as JSON, or `_MISSING` if it is not JSON."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return _MISSING


def substitute(value: Any, saved: dict[str, Any]) -> Any:
    """`value` with every "${name}" replaced by the saved value (kept as is when it is the whole string)."""
    if isinstance(value, str):
        whole = _SAVED.fullmatch(value)
        if whole:
            return saved[whole.group(1)]
        return _SAVED.sub(lambda m: str(saved[m.group(1)]), value)
    if isinstance(value, list):
        return [substitute(item, saved) for item in value]
    if isinstance(value, dict):
        return {key: substitute(item, saved) for key, item in value.items()}
    return value


def describe_request(request: HttpRequest, saved: dict[str, Any]) -> str:
    """The request as sent: method, path and a short body."""
    line = substitute(request.request, saved)
    if request.body is not None:
        return f"{line} with body {short(request.body)}"
    if request.json_body is not None:
        text = json.dumps(substitute(request.json_body, saved))
        return f"{line} {text if len(text) <= 100 else text[:97] + '...'}"
    return line


def _statuses(want: int | list[int]) -> list[int]:
    return want if isinstance(want, list) else [want]


def check_response(request: HttpRequest, response: Response, saved: dict[str, Any]) -> str | None:
    """None if the response is what the test expects, else one line naming the request and what came back."""
    sent = describe_request(request, saved)
    crash = f" ({response.exception})" if response.exception and response.status >= 500 else ""
    expected = " or ".join(str(s) for s in _statuses(request.expect.status))
    if response.status not in _statuses(request.expect.status):
        return f"{sent} returned {response.status}{crash}, expected {expected}"
    for name, value in request.expect.headers.items():
        got = response.headers.get(name.lower())
        want = str(substitute(value, saved))
        if got != want:
            shown = "no " + name if got is None else f"{name} {short(got)}"
            return f"{sent} returned {response.status} with {shown}, expected {name} {short(want)}"
    wanted = request.expect.json_body
    needs_json = wanted is not None or request.save
    body = response.json() if needs_json else None
    if needs_json and body is _MISSING:
        return (f"{sent} returned {response.status} with a body that is not JSON "
                f"({short(response.body.decode('utf-8', 'replace'))})")
    if wanted is not None:
        difference = _match(body, substitute(wanted, saved), "")
        if difference is not None:
            where, got, want = difference
            return f"{sent} returned {response.status}, but {where or 'the body'} was {short(got)}, expected {want}"
    for name, path in request.save.items():
        if _at(body, path) is _MISSING:
            return f"{sent} returned {response.status} without the field {path!r} (needed as {name} later)"
    return None


def saved_value(response: Response, path: str) -> Any:
    return _at(response.json(), path)


def _at(data: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return _MISSING
    return data


def _describe(want: Any) -> str:
    if isinstance(want, str) and want in _PLACEHOLDERS:
        return {"<int>": "an integer", "<str>": "a string", "<any>": "a value", "<number>": "a number",
                "<bool>": "true or false"}[want]
    if isinstance(want, dict) and "$unordered" in want:
        return f"{len(want['$unordered'])} items in any order: {short(want['$unordered'])}"
    return short(want)


def _match(got: Any, want: Any, path: str) -> tuple[str, Any, str] | None:
    """None if `got` matches `want`, else (where, what was there, what was expected)."""
    if isinstance(want, str) and want in _PLACEHOLDERS:
        ok = {"<int>": isinstance(got, int) and not isinstance(got, bool),
              "<str>": isinstance(got, str),
              "<number>": isinstance(got, int | float) and not isinstance(got, bool),
              "<bool>": isinstance(got, bool),
              "<any>": got is not _MISSING}[want]
        return None if ok else (path, got, _describe(want))
    if isinstance(want, dict) and "$unordered" in want:
        return _match_unordered(got, want["$unordered"], path)
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return (path, got, "an object with " + ", ".join(map(repr, want)))
        for key, item in want.items():
            inner = f"{path}.{key}" if path else str(key)
            if key not in got:
                return (inner, "missing", _describe(item))
            found = _match(got[key], item, inner)
            if found is not None:
                return found
        return None
    if isinstance(want, list):
        if not isinstance(got, list):
            return (path, got, f"a list of {len(want)}")
        if len(got) != len(want):
            return (path, got, f"{len(want)} items: {short(want)}")
        for index, (g, w) in enumerate(zip(got, want, strict=True)):
            found = _match(g, w, f"{path}[{index}]")
            if found is not None:
                return found
        return None
    same = got == want and isinstance(got, bool) == isinstance(want, bool)
    return None if same else (path, got, _describe(want))


def _match_unordered(got: Any, want: list[Any], path: str) -> tuple[str, Any, str] | None:
    if not isinstance(got, list) or len(got) != len(want):
        return (path, got, _describe({"$unordered": want}))
    left = list(got)
    for item in want:
        hit = next((i for i, candidate in enumerate(left) if _match(candidate, item, path) is None), None)
        if hit is None:
            return (path, got, _describe({"$unordered": want}))
        left.pop(hit)
    return None
