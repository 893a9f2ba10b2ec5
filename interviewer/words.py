"""Small text helpers shared by the modules that read answers: sentences and word stems."""

from __future__ import annotations

import re

_SENTENCES = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+")
_WORD = re.compile(r"[a-z][a-z0-9-]+")


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCES.split(text.strip()) if part and part.strip()]


def words(text: str) -> list[str]:
    """Lower-case words (letters, digits and hyphens, starting with a letter)."""
    return _WORD.findall(text.lower())


def stem(word: str) -> str:
    """A crude stem: plurals and common endings cut ("boxes" -> "box", "followers" -> "follow")."""
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 4 and word.endswith(("xes", "ses", "zes", "ches", "shes")):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    for ending in ("ing", "ed", "er"):
        if len(word) > 5 and word.endswith(ending):
            return word[: -len(ending)]
    return word


def stems(text: str) -> set[str]:
    """The stems of a text's words."""
    return {stem(word) for word in words(text)}
