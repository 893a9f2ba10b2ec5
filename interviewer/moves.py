"""The interviewer's library of follow-ups: the question's own probes, plus the round's moves from
`interviewer/data/moves.yaml`, some of which build on a number or a component from the candidate's last answer.
Loading and validation here; choosing among them is the planner's job."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from interviewer.errors import UserError, first_problem
from interviewer.hooks import Hook
from interviewer.rag.corpus import load_yaml
from interviewer.types import Question, RegexText, Round, Rubric, Strict

MOVES_FILE = Path(__file__).parent / "data" / "moves.yaml"

HookKind = Literal["number", "rate", "component", "name"]
Source = Literal["question", "library", "hook"]


class LibraryMove(Strict):
    id: str
    signal: str
    phases: list[str]
    hook: HookKind | None = None
    text: str
    answered_if: RegexText | None = None
    """A regular expression: when an answer matches it (the last one for a hook move, any for the others), the
    answer already does what the move asks (gave the numbers' consequence, said what fails at ten times the
    load) and the move is not asked."""
    hook_if: RegexText | None = None
    """A regular expression (case-insensitive) the hook's words must match for the move to build on them: a
    latency question needs a time or a load ("200 ms", "4,600 a second"), not "1% of traffic for an hour"."""


class RoundMoves(Strict):
    components: list[str] = []
    moves: list[LibraryMove] = []

    def component_names(self) -> list[tuple[str, list[str]]]:
        """Each component's name and the wordings that find it ("name|other|...")."""
        out = []
        for entry in self.components:
            parts = [part.strip() for part in entry.split("|") if part.strip()]
            out.append((parts[0], parts))
        return out


@cache
def load_moves(path: Path = MOVES_FILE) -> dict[Round, RoundMoves]:
    data = load_yaml(path.read_text(encoding="utf-8"))
    library: dict[Round, RoundMoves] = {}
    for name, item in data.items():
        if name not in {r.value for r in Round}:
            raise UserError(f"{path.name}: unknown round {name!r}")
        try:
            library[Round(name)] = RoundMoves.model_validate(item)
        except ValidationError as error:
            raise UserError(f"{path.name}: {name}: {first_problem(error)}") from None
    return library


def check_moves(library: dict[Round, RoundMoves], rubrics: dict[Round, Rubric],
                phase_ids: dict[Round, set[str]]) -> None:
    """Every move names a signal of its round's rubric and phases of its round; its text has {hook} exactly
    when it needs one; ids are unique per round."""
    for round_, moves in library.items():
        rubric = rubrics.get(round_)
        seen: set[str] = set()
        for move in moves.moves:
            where = f"moves.yaml: {round_.value}: {move.id}"
            if move.id in seen:
                raise UserError(f"{where}: duplicate id")
            seen.add(move.id)
            if rubric is None or move.signal not in rubric.signals:
                raise UserError(f"{where}: unknown signal {move.signal}")
            unknown = set(move.phases) - phase_ids.get(round_, set())
            if unknown or not move.phases:
                raise UserError(f"{where}: unknown phases {sorted(unknown)}")
            if ("{hook}" in move.text) != (move.hook is not None):
                raise UserError(f"{where}: a move has {{hook}} in its text exactly when it names a hook")
            if move.hook_if is not None and move.hook is None:
                raise UserError(f"{where}: hook_if needs a hook")
        if any(move.hook in ("component", "name") for move in moves.moves) and not moves.components:
            raise UserError(f"moves.yaml: {round_.value}: component moves need a components list")


def template_of(candidate_id: str) -> str:
    """The move a follow-up id comes from ("move-ten-times:20,000 at peak" -> "move-ten-times")."""
    return candidate_id.split(":", 1)[0]


@dataclass(frozen=True)
class Candidate:
    """One follow-up the interviewer could ask now."""

    id: str
    signal: str
    phase: str
    text: str
    source: Source
    hook: str | None = None
    """The candidate's words the move builds on (a hook move only)."""
    answered_if: str | None = None


def phase_candidates(question: Question, library: RoundMoves | None, phase_id: str,
                     hooks: list[Hook]) -> list[Candidate]:
    """The question's probes for the phase, then the library's moves for it (a hook move only when the last
    answer has its kind of hook; its id names the hook, so it can build on other words another time). A probe
    counts as answered as the library's moves on its signal do (their `answered_if`): "Who made the final call?"
    is not asked after "they agreed and signed off"."""
    stated: dict[str, list[str]] = {}
    for move in library.moves if library else []:
        if move.hook is None and move.answered_if:
            stated.setdefault(move.signal, []).append(move.answered_if)
    found = []
    for probe in question.probes:
        if probe.phase != phase_id:
            continue
        patterns = [*([probe.answered_if] if probe.answered_if else []), *stated.get(probe.signal, [])]
        found.append(Candidate(probe.id, probe.signal, phase_id, " ".join(probe.text.split()), "question",
                               answered_if="|".join(f"(?:{pattern})" for pattern in patterns) or None))
    by_kind = {hook.kind: hook.text for hook in hooks}
    for move in library.moves if library else []:
        if phase_id not in move.phases:
            continue
        if move.hook is None:
            found.append(Candidate(f"move-{move.id}", move.signal, phase_id, move.text, "library",
                                   answered_if=move.answered_if))
        elif move.hook in by_kind and (move.hook_if is None
                                       or re.search(move.hook_if, by_kind[move.hook], re.IGNORECASE)):
            found.append(Candidate(f"move-{move.id}:{by_kind[move.hook]}", move.signal, phase_id,
                                   move.text.replace("{hook}", by_kind[move.hook]), "hook", by_kind[move.hook],
                                   move.answered_if))
    return found


def fixed_texts(question: Question, library: RoundMoves | None, phase_ids: list[str]) -> list[str]:
    """Every candidate text that does not depend on the answer (embedded once, when a round starts)."""
    return [c.text for phase in phase_ids for c in phase_candidates(question, library, phase, [])]
