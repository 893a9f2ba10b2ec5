"""Numbers in a claim or in what a speaker said, as values with their kind: digits with units ("10k", "99.9%",
"50 ms", "2x") and numbers in words ("ten thousand", "a hundred", "fifty milliseconds")."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_UNITS: dict[str, tuple[str | None, float]] = {
    "%": ("percent", 1), "percent": ("percent", 1), "pct": ("percent", 1),
    "thousand": (None, 1e3), "k": (None, 1e3), "million": (None, 1e6), "mil": (None, 1e6), "m": (None, 1e6),
    "billion": (None, 1e9), "bn": (None, 1e9), "b": (None, 1e9), "trillion": (None, 1e12),
    "ms": ("time", 1e-3), "millisecond": ("time", 1e-3), "milliseconds": ("time", 1e-3),
    "us": ("time", 1e-6), "µs": ("time", 1e-6), "microseconds": ("time", 1e-6),
    "s": ("time", 1), "sec": ("time", 1), "secs": ("time", 1), "second": ("time", 1), "seconds": ("time", 1),
    "min": ("time", 60), "mins": ("time", 60), "minute": ("time", 60), "minutes": ("time", 60),
    "h": ("time", 3600), "hr": ("time", 3600), "hrs": ("time", 3600), "hour": ("time", 3600),
    "hours": ("time", 3600), "day": ("time", 86400), "days": ("time", 86400),
    "kb": ("bytes", 1e3), "mb": ("bytes", 1e6), "gb": ("bytes", 1e9), "tb": ("bytes", 1e12), "pb": ("bytes", 1e15),
    "x": ("times", 1), "×": ("times", 1),
}
_ATTACHED_ONLY = {"k", "m", "b"}
"""Single letters that scale a number only when written against it ("5m", "3b"): "5 m" may be metres or
minutes, "3 b" a list item, so a spaced letter leaves the number as it is."""
_UNIT_PATTERN = "|".join(sorted((re.escape(unit) for unit in _UNITS), key=len, reverse=True))
_NUMBER = re.compile(
    rf"(?<![\w.,/])(?:[pP](?=\d))?\$?(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)(?:st|nd|rd|th)?"
    rf"(?:[ \t]?(?P<unit>{_UNIT_PATTERN})(?![\w]))?(?![\w])",
    re.IGNORECASE,
)
_RATING = re.compile(r"\b\d(?:\.\d)?\s*(?:/\s*(?:4|5|10)\b|out of\s+(?:4|5|10)\b)", re.IGNORECASE)
_LEVEL = re.compile(r"\b[LlEe]\d\b")
_SMALL = {word: value for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_TENS = {word: 10 * (index + 2) for index, word in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}


@dataclass(frozen=True)
class Quantity:
    surface: str
    value: float
    kind: str | None
    """percent, time (seconds), bytes, times, or None for a plain count."""

    def matches(self, other: Quantity) -> bool:
        same = abs(self.value - other.value) <= 1e-9 * max(abs(self.value), abs(other.value), 1.0)
        return same and (self.kind is None or other.kind is None or self.kind == other.kind)


def numbers_in(text: str) -> list[Quantity]:
    """Numbers written with digits, with their units (10k, 99.9%, 50 ms, 2x), as values."""
    return list(_numbers_in(text))


@functools.lru_cache(maxsize=16384)
def _numbers_in(text: str) -> tuple[Quantity, ...]:
    text = _LEVEL.sub(" ", _RATING.sub(" ", text))
    found: list[Quantity] = []
    for match in _NUMBER.finditer(text):
        value = float(match.group("num").replace(",", ""))
        unit = (match.group("unit") or "").lower()
        surface = match.group().strip()
        if unit in _ATTACHED_ONLY and not surface.lower().endswith(match.group("num") + unit):
            unit, surface = "", surface[: -len(unit)].strip()
        kind, scale = _UNITS.get(unit, (None, 1.0))
        found.append(Quantity(surface, value * scale, kind))
    return tuple(found)


def spoken_numbers(text: str) -> list[Quantity]:
    """Digits as in `numbers_in`, plus numbers in words ("ten thousand", "fifty milliseconds", "a hundred")."""
    return list(_spoken_numbers(text))


@functools.lru_cache(maxsize=16384)
def _spoken_numbers(text: str) -> tuple[Quantity, ...]:
    found = list(_numbers_in(text))
    tokens = re.findall(r"[a-z%×µ]+|\d+(?:\.\d+)?", text.lower().replace("-", " "))
    index = 0
    while index < len(tokens):
        total, current, used, end = 0.0, 0.0, False, index
        while end < len(tokens):
            token = tokens[end]
            if token in _SMALL:
                current += _SMALL[token]
            elif token in _TENS:
                current += _TENS[token]
            elif token == "hundred" and (used or (end > 0 and tokens[end - 1] == "a")):
                current = (current or 1) * 100
            elif token in _SCALES and (used or (end > 0 and tokens[end - 1] == "a")):
                total += (current or 1) * _SCALES[token]
                current = 0
            elif token == "and" and used and end + 1 < len(tokens) and (
                    tokens[end + 1] in _SMALL or tokens[end + 1] in _TENS):
                pass
            else:
                break
            used = True
            end += 1
        if used:
            value = total + current
            kind: str | None = None
            if end < len(tokens) and tokens[end] in _UNITS and tokens[end] not in _ATTACHED_ONLY:
                unit_kind, scale = _UNITS[tokens[end]]
                kind, value = unit_kind, value * scale
            found.append(Quantity(" ".join(tokens[index:end]), value, kind))
            index = end
        else:
            index += 1
    return tuple(found)
