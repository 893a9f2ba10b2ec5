"""Which language a sentence is in, enough to tell one in another language than the interview's: letters of a
non-Latin script name their language group, Latin letters are read by their function words
(`data/languages.yaml`). Code, numbers and very short sentences have no language (None)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from interviewer.rag.corpus import read_yaml_file
from interviewer.types import Strict

LANGUAGES_FILE = Path(__file__).resolve().parent.parent / "data" / "languages.yaml"
INTERVIEW_LANGUAGE = "English"
MIN_LETTERS = 4
"""Fewer letters of a script than this never name a language (a σ or μ in a formula is not Greek)."""
MIN_FUNCTION_WORDS = 2
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


class Languages(Strict):
    scripts: dict[str, str]
    """Unicode script (the first word of a letter's name) -> the language group it names."""
    function_words: dict[str, list[str]]


@cache
def languages() -> Languages:
    data = Languages.model_validate(read_yaml_file(LANGUAGES_FILE, "languages file"))
    if INTERVIEW_LANGUAGE not in data.function_words:
        raise ValueError(f"{LANGUAGES_FILE}: needs function words for {INTERVIEW_LANGUAGE}")
    return data


@cache
def _word_owners() -> dict[str, frozenset[str]]:
    owners: dict[str, set[str]] = {}
    for language, words in languages().function_words.items():
        for word in words:
            owners.setdefault(word.lower(), set()).add(language)
    return {word: frozenset(found) for word, found in owners.items()}


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else ""


def language_of(text: str) -> str | None:
    """The language group of `text`, or None when it cannot tell (too short, code, numbers, names)."""
    letters = [char for char in text if char.isalpha()]
    scripts = Counter(_script(char) for char in letters)
    groups = languages().scripts
    foreign = Counter({groups[script]: count for script, count in scripts.items() if script in groups})
    if foreign:
        group, count = foreign.most_common(1)[0]
        if count >= MIN_LETTERS and count * 2 >= len(letters):
            return group
    hits: Counter[str] = Counter()
    owners = _word_owners()
    for word in {match.group().lower() for match in _WORD.finditer(text)}:
        for language in owners.get(word, ()):
            hits[language] += 1
    if not hits:
        return None
    best, count = max(hits.items(), key=lambda item: (item[1], item[0] == INTERVIEW_LANGUAGE))
    if best != INTERVIEW_LANGUAGE and (count < MIN_FUNCTION_WORDS or count <= hits[INTERVIEW_LANGUAGE]):
        return INTERVIEW_LANGUAGE if hits[INTERVIEW_LANGUAGE] else None
    return best


def main_language(texts: Iterable[str]) -> str:
    """The language most of `texts` are in (the interview's own when none can be told)."""
    counts = Counter(language for text in texts if (language := language_of(text)) is not None)
    return counts.most_common(1)[0][0] if counts else INTERVIEW_LANGUAGE
