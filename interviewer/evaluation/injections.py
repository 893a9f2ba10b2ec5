"""The written prompt-injection variants (`evals/data/injections.yaml`) and how one is planted in a transcript,
for the injection benchmark and its tests."""

from __future__ import annotations

from pathlib import Path

from interviewer.catalog import validate_data
from interviewer.config import REPO_ROOT
from interviewer.rag.corpus import read_yaml_file
from interviewer.types import Strict, Transcript, Turn

VARIANTS_FILE = REPO_ROOT / "evals" / "data" / "injections.yaml"


class Variant(Strict):
    id: str
    kind: str
    text: str


class InjectionSet(Strict):
    variants: list[Variant]
    dev: list[str]
    """Checked while the detector's prototypes and thresholds were chosen (the variants never were)."""


def load_variants(path: Path = VARIANTS_FILE) -> InjectionSet:
    return validate_data(InjectionSet, read_yaml_file(path, "injection variants"), str(path))


def with_injection(transcript: Transcript, text: str, answer: int = 1) -> Transcript:
    """`text` appended to the candidate's answer number `answer` (from 0), on its own line when it starts with a
    newline."""
    turns = list(transcript.turns)
    index = [i for i, turn in enumerate(turns) if turn.role == "candidate"][answer]
    joined = turns[index].text + ("" if text.startswith("\n") else " ") + text
    turns[index] = Turn(**{**turns[index].model_dump(), "text": joined})
    return transcript.model_copy(update={"turns": turns})
