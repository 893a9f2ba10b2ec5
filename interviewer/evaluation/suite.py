"""Eval suites: YAML files under `evals/` that say what to run and which thresholds a run must meet.

    name: feedback
    kind: feedback            # feedback: grade labelled transcripts; checker: meta-evaluate the checker
    samples: all              # corpus sample transcripts: all, none, or a list of ids
    candidates: [candidates/*.yaml]   # scripted candidates (feedback suites), globs relative to the suite file
    seeds: data/checker_seeds.yaml    # true claims to edit (checker suites)
    edits: data/edits.yaml
    gaps: data/gaps.yaml
    concurrency: 8
    thresholds:
      level_accuracy: {min: 0.8}
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import model_validator

from interviewer.catalog import validate_data
from interviewer.errors import UserError
from interviewer.rag.corpus import read_yaml_file
from interviewer.types import Strict

MAX_CONCURRENCY = 64


class Threshold(Strict):
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> Threshold:
        if self.min is None and self.max is None:
            raise ValueError("a threshold needs min or max")
        return self

    def passed(self, value: float | None) -> bool:
        if value is None:
            return False
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def describe(self) -> str:
        parts = ([f">= {self.min:g}"] if self.min is not None else []) + (
            [f"<= {self.max:g}"] if self.max is not None else [])
        return " and ".join(parts)


class Suite(Strict):
    name: str
    kind: Literal["feedback", "checker"]
    description: str = ""
    samples: Literal["all", "none"] | list[str] = "all"
    candidates: list[str] = []
    seeds: str | None = None
    edits: str | None = None
    gaps: str | None = None
    concurrency: int = 8
    thresholds: dict[str, Threshold] = {}
    folder: Path = Path(".")
    """The suite file's folder: relative paths above are resolved against it (set on loading)."""

    @model_validator(mode="after")
    def _complete(self) -> Suite:
        if not 1 <= self.concurrency <= MAX_CONCURRENCY:
            raise ValueError(f"concurrency must be between 1 and {MAX_CONCURRENCY}")
        if self.kind == "checker" and (self.seeds is None or self.edits is None):
            raise ValueError("a checker suite needs seeds and edits")
        if self.kind == "feedback" and self.candidates and self.gaps is None:
            raise ValueError("a feedback suite with scripted candidates needs gaps")
        return self

    def path(self, relative: str) -> Path:
        return (self.folder / relative).resolve()

    def candidate_files(self) -> list[Path]:
        files: list[Path] = []
        for pattern in self.candidates:
            matched = sorted(self.folder.glob(pattern))
            if not matched:
                raise UserError(f"suite {self.name}: no candidate file matches {pattern!r}")
            files += matched
        return list(dict.fromkeys(files))


def load_suite(path: Path) -> Suite:
    data = read_yaml_file(path, "suite")
    if not isinstance(data, dict):
        raise UserError(f"suite {path} must be a mapping")
    return validate_data(Suite, {**data, "folder": path.resolve().parent}, f"suite {path}")
