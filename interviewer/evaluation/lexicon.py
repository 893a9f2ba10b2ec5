"""The faithfulness checker's word lists and thresholds, read from `interviewer/data/checker.yaml`."""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import Field, ValidationError, field_validator

from interviewer.errors import UserError, first_problem
from interviewer.rag.corpus import read_yaml_file
from interviewer.types import Strict

LEXICON_FILE = Path(__file__).resolve().parent.parent / "data" / "checker.yaml"


class Thresholds(Strict):
    near_verbatim: float = Field(gt=0, le=1)
    support: float = Field(gt=0, lt=1)
    absence_similarity: float = Field(gt=0, le=1)
    negation_similarity: float = Field(gt=0, le=1)
    authority_similarity: float = Field(gt=0, le=1)
    authority_support: float = Field(gt=0, le=1)
    min_authority_words: int = Field(ge=1)
    misattribution_similarity: float = Field(gt=0, le=1)
    misattribution_margin: float = Field(ge=0, lt=1)
    speaker_margin: float = Field(ge=0)
    group_margin: float = Field(ge=0)
    direct_speech_gap: int = Field(ge=0)


def _distinct(values: list[str]) -> list[str]:
    lowered = [value.lower() for value in values]
    repeated = sorted({value for value in lowered if lowered.count(value) > 1})
    if repeated:
        raise ValueError(f"listed twice: {', '.join(repeated)}")
    if any(not value.strip() for value in values):
        raise ValueError("empty entry")
    return values


class RoleWords(Strict):
    """Who a sentence of a conversation gives an act to (checks/roles.py): single words, in lower case."""

    request_openers: list[str]
    auxiliaries: list[str] = Field(min_length=1)
    future_auxiliaries: list[str] = Field(min_length=1)
    negations: list[str] = Field(min_length=1)
    second_person: list[str] = Field(min_length=1)
    other_persons: list[str] = Field(min_length=1)
    subject_pronouns: list[str] = Field(min_length=1)
    question_words: list[str] = Field(min_length=1)
    question_auxiliaries: list[str] = Field(min_length=1)
    request_modals: list[str] = Field(min_length=1)

    @field_validator("*")
    @classmethod
    def _single_lower_words(cls, values: list[str]) -> list[str]:
        wrong = [value for value in values if value != value.lower() or not value.strip() or " " in value.strip()]
        if wrong:
            raise ValueError(f"not a single lower-case word: {', '.join(map(repr, wrong))}")
        return _distinct(values)


class Lexicon(Strict):
    thresholds: Thresholds
    claim_verbs: list[str] = Field(min_length=1)
    reporting_words: list[str]
    technologies: list[str] = Field(min_length=1)
    aliases: dict[str, list[str]]
    not_technologies: list[str]
    stopwords: list[str] = Field(min_length=1)
    scope_terms: list[str] = Field(min_length=1)
    generic_words: list[str]
    number_stems: list[str]
    collective_subjects: list[str]
    claim_openers: list[str]
    roles: RoleWords

    _lists = field_validator("claim_verbs", "reporting_words", "technologies", "not_technologies", "stopwords",
                             "scope_terms", "generic_words", "number_stems", "collective_subjects",
                             "claim_openers")(_distinct)

    @field_validator("aliases")
    @classmethod
    def _lower_keys(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        upper = [key for key in value if key != key.lower()]
        if upper:
            raise ValueError(f"alias keys must be lower case: {', '.join(upper)}")
        return value


def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    try:
        return Lexicon.model_validate(read_yaml_file(path, "checker lexicon"))
    except ValidationError as error:
        raise UserError(f"checker lexicon {path}: {first_problem(error)}") from None


@functools.cache
def lexicon() -> Lexicon:
    """The shipped lexicon, read once."""
    return load_lexicon()


def thresholds() -> Thresholds:
    return lexicon().thresholds
