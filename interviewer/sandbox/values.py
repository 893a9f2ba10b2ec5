"""The parent's side of a function test: rebuild the value the child reported, evaluate the expected value, and
compare the two. Nothing here runs in the child, so the candidate's code cannot change how it judges.
"""

from __future__ import annotations

import builtins
import math
import reprlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Opaque:
    """A reported value of a type the child does not serialise (a custom object): equal to nothing expected."""

    type_name: str
    text: str

    def __repr__(self) -> str:
        return self.text


class BadValue(ValueError):
    """The child's report is not a valid encoding."""


def decode(data: Any) -> Any:
    """The inverse of the child's `encode`: lists, and tagged objects for dicts, sets, bytes and others."""
    if data is None or isinstance(data, bool | int | float | str):
        return data
    if isinstance(data, list):
        return [decode(item) for item in data]
    if isinstance(data, dict) and len(data) >= 1:
        if "$dict" in data:
            return {_hashable(decode(k)): decode(v) for k, v in data["$dict"]}
        if "$set" in data:
            return frozenset(_hashable(decode(item)) for item in data["$set"])
        if "$bytes" in data:
            return bytes.fromhex(data["$bytes"])
        if "$object" in data:
            return Opaque(str(data.get("$type", "object")), str(data["$object"]))
    raise BadValue(f"cannot decode {str(data)[:80]}")


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((repr(k), _hashable(v)) for k, v in value.items()))
    return value


EXPECT_NAMES = {"math": math, "inf": math.inf, "nan": math.nan}


def expected_value(expression: str) -> Any:
    """A test's `expect` expression (data we wrote: literals, arithmetic, `math`), evaluated here."""
    return eval(expression, {"__builtins__": builtins, **EXPECT_NAMES})


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


Difference = tuple[str, Any, Any]
"""Where two values first differ (a path such as "[2]['id']"), what was got and what was expected."""


def compare(got: Any, want: Any, tolerance: float | None, path: str = "") -> Difference | None:
    """None if `got` matches `want`, else the first difference. Numbers within `tolerance` when one is given
    (exact otherwise; NaN matches NaN), tuples and lists alike, dicts by keys, sets as sets."""
    if _is_number(want):
        if not _is_number(got):
            return (path, got, want)
        if isinstance(want, int) and isinstance(got, int) and tolerance is None:
            return None if got == want else (path, got, want)
        g, w = float(got), float(want)
        if math.isnan(w) or math.isnan(g):
            return None if math.isnan(w) and math.isnan(g) else (path, got, want)
        if math.isinf(w) or math.isinf(g) or tolerance is None:
            return None if g == w else (path, got, want)
        return None if abs(g - w) <= tolerance else (path, got, want)
    if isinstance(want, list | tuple):
        if not isinstance(got, list):
            return (path, got, want)
        if len(got) != len(want):
            return ("the length of " + (path or "the result"), len(got), len(want))
        for index, (g, w) in enumerate(zip(got, want, strict=True)):
            found = compare(g, w, tolerance, f"{path}[{index}]")
            if found is not None:
                return found
        return None
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return (path, got, want)
        if set(got) != set(want):
            return ("the keys of " + (path or "the result"), sorted(map(repr, got)), sorted(map(repr, want)))
        for key in want:
            found = compare(got[key], want[key], tolerance, f"{path}[{key!r}]")
            if found is not None:
                return found
        return None
    if isinstance(want, set | frozenset):
        wanted = frozenset(_hashable(item) for item in want)
        return None if isinstance(got, frozenset) and got == wanted else (path, got, want)
    if isinstance(want, bool):
        return None if isinstance(got, bool | int) and got == want else (path, got, want)
    if want is None:
        return None if got is None else (path, got, want)
    return None if type(got) is type(want) and got == want else (path, got, want)


_repr = reprlib.Repr()
_repr.maxlist = _repr.maxtuple = _repr.maxdict = _repr.maxset = _repr.maxfrozenset = 6
_repr.maxlevel = 3
_repr.maxstring = _repr.maxother = 60


def short(value: Any) -> str:
    """A value in at most 120 characters, for a failure's detail."""
    if isinstance(value, frozenset):
        value = set(value)
    try:
        text = _repr.repr(value)
    except Exception:  # noqa: BLE001 - a repr that fails still needs a description
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 120 else text[:117] + "..."


def mismatch_detail(got: Any, want: Any, difference: Difference) -> str:
    """"got X, expected Y (first difference at P: a vs b)", at most 400 characters."""
    detail = f"got {short(got)}, expected {short(want)}"
    where, got_part, want_part = difference
    if where:
        detail += f" (first difference at {where}: {short(got_part)} vs {short(want_part)})"
    return detail[:400]
