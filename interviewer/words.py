"""Small text helpers shared by the modules that read answers: sentences and word stems."""

from __future__ import annotations

import re

_SENTENCES = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+")
_WORD = re.compile(r"[a-z][a-z0-9-]+")
_SUFFIX = re.compile(r"(ings?|ers?|ed|es|s)$")


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCES.split(text.strip()) if part and part.strip()]


def words(text: str) -> list[str]:
    """Lower-case words (letters, digits and hyphens, starting with a letter)."""
    return _WORD.findall(text.lower())


def stems(text: str) -> set[str]:
    """Lower-case words with common endings cut ("followers" and "follow" meet)."""
    return {_SUFFIX.sub("", word) if len(word) > 5 else word for word in words(text)}
