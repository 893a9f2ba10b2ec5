"""Text as a reader would take it, with what hides words undone: invisible characters removed, compatibility
forms folded (full-width letters), letters spaced out joined ("i g n o r e" -> "ignore") and base64 that decodes
to words decoded. Checks for instructions aimed at the grader run on this form of a sentence."""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from dataclasses import dataclass

_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u206f\ufe00-\ufe0f\ufeff]")
_SPACED = re.compile(r"(?<![^\W\d_])(?:[^\W\d_]  ?){5,}[^\W\d_](?![^\W\d_])")
"""Six or more single letters one or two spaces apart: words written out letter by letter (two spaces end a
word)."""
SPACED_LETTERS = 10
"""A run of this many spaced letters is hidden text by itself: no one says a sentence letter by letter."""
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/=])")
_WORDS = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class Revealed:
    text: str
    """The sentence as a reader takes it."""
    hidden: str | None
    """What was hidden, when the sentence hid words in a way no candidate speaks (spaced-out letters, base64
    prose); None when nothing was, or only invisible characters or full-width forms were."""


def reveal(text: str) -> Revealed:
    folded = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    hidden: list[str] = []

    def join(match: re.Match[str]) -> str:
        words = [word.replace(" ", "") for word in match.group().split("  ")]
        if sum(map(len, words)) >= SPACED_LETTERS:
            hidden.append("letters spaced out")
        return " ".join(words)

    joined = _SPACED.sub(join, folded)

    def decode(match: re.Match[str]) -> str:
        words = _decoded_words(match.group())
        if words is None:
            return match.group()
        hidden.append("base64")
        return words

    revealed = _BASE64.sub(decode, joined)
    return Revealed(revealed, ", ".join(dict.fromkeys(hidden)) or None)


def _decoded_words(token: str) -> str | None:
    """The text a base64 token decodes to, when that is prose (mostly letters and spaces, three words or more)."""
    try:
        raw = base64.b64decode(token + "=" * (-len(token) % 4), validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    if not text.isprintable() or len(_WORDS.findall(text)) < 3:
        return None
    letters = sum(char.isalpha() or char.isspace() for char in text)
    return text if letters >= 0.8 * len(text) else None
