"""Matching a candidate's sentences against an ML fundamentals question's key points and misconceptions.

A sentence makes a key point when it is close in meaning to the point's anchors (its examples and its own
sentence, a cue phrase adding a bonus) and says it the same way round. It voices a misconception only when it is
close to the misconception's anchors, holds one of its cue phrases (meaning alone cannot tell "uses the batch's
statistics" from "uses the running statistics"), is closer to it than to any key point it says the same way round,
and says it the same way round: the clause that voices it is negated exactly when the anchor clause nearest to it
is, so "at inference it does not use the test batch" or "people used to say it removes covariate shift" is not taken
for the belief. A misconception is corrected when the key point that contradicts it is made later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from interviewer.feedback.detector import cue_pattern
from interviewer.feedback.evidence import Unit
from interviewer.rag.corpus import read_yaml_file
from interviewer.rag.embeddings import Embedder
from interviewer.types import (
    ConceptSpec,
    KeyPoint,
    Misconception,
    Strict,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

POLICY_FILE = Path(__file__).resolve().parent.parent / "data" / "concept_grading.yaml"
_NEGATION = re.compile(r"\b(not|no|never|none|nothing|neither|nor|without|cannot|rarely|seldom|useless|misleading|"
                       r"meaningless|worthless|pointless)\b|n't\b|^(rather than|instead of|unlike)\b", re.IGNORECASE)
_REFUTING = re.compile(r"\b(used to (say|think|believe)|people (often )?(say|think|believe|claim)|often (said|claimed)|"
                       r"commonly (said|believed)|myth|misconception|a mistake to|wrong to (say|think))\b",
                       re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;:]\s+|\s+(?:but|whereas|although|though|while)\s+|"
                           r"\s+(?=(?:rather than|instead of|that|which|who)\s)", re.IGNORECASE)


class ConceptPolicy(Strict):
    key_point_threshold: float
    key_point_cue_bonus: float
    key_point_margin: float
    misconception_threshold: float
    misconception_margin: float
    absence_threshold: float
    accuracy_dimension: str
    execution_coverage: float
    approaching_coverage: float


@cache
def load_concept_policy(path: Path = POLICY_FILE) -> ConceptPolicy:
    return ConceptPolicy.model_validate(read_yaml_file(path, "concept grading policy"))


@dataclass(frozen=True)
class PointMade:
    point: KeyPoint
    unit: Unit


@dataclass(frozen=True)
class MisconceptionHeard:
    misconception: Misconception
    unit: Unit
    corrected_by: Unit | None = None


@dataclass(frozen=True)
class ConceptCheck:
    """What the candidate's answers show against the question's key points and misconceptions."""

    made: list[PointMade]
    missed: list[KeyPoint]
    """Key points no sentence came near (below the absence threshold): safe to call absent."""
    total: int
    heard: list[MisconceptionHeard]

    @property
    def coverage(self) -> float:
        return len(self.made) / self.total if self.total else 0.0

    @property
    def standing(self) -> list[MisconceptionHeard]:
        """Misconceptions voiced and never corrected afterwards."""
        return [item for item in self.heard if item.corrected_by is None]


def _has_cue(text: str, cues: list[str]) -> bool:
    pattern = cue_pattern(tuple(cues))
    return pattern is not None and pattern.search(text) is not None


def _negated(text: str) -> bool:
    """Says the opposite of its bare content: a negation, or a belief reported in order to reject it."""
    return bool(_NEGATION.search(text) or _REFUTING.search(text))


def clauses(sentence: str) -> list[str]:
    """The sentence's clauses (split at commas, semicolons, colons and contrasting conjunctions)."""
    parts = [part.strip() for part in _CLAUSE_BREAK.split(sentence)]
    return [part for part in parts if len(part.split()) >= 3] or [sentence]


def _top_two_mean(similarities: NDArray[np.float32], columns: list[int]) -> NDArray[np.float32]:
    block = np.sort(similarities[:, columns], axis=1)[:, -2:]
    return np.asarray(block.mean(axis=1), dtype=np.float32)


@dataclass(frozen=True)
class Scores:
    """Per sentence (rows) and key point or misconception (columns): closeness in meaning (the cue bonus included
    for key points), and whether the sentence says it the same way round: the sentence's clause that holds one of
    its cue phrases (else the clause closest to it) is negated exactly when the anchor clause closest to that
    clause is."""

    points: NDArray[np.float32]
    beliefs: NDArray[np.float32]
    points_agree: NDArray[np.bool_]
    beliefs_agree: NDArray[np.bool_]


class ConceptMatcher:
    """Scores candidate sentences against one question's key points and misconceptions."""

    def __init__(self, spec: ConceptSpec, embedder: Embedder, policy: ConceptPolicy | None = None) -> None:
        self.spec = spec
        self.embedder = embedder
        self.policy = policy or load_concept_policy()
        self._anchors: list[str] = []
        self._point_columns = [self._add([*p.examples, p.point]) for p in spec.key_points]
        self._belief_columns = [self._add([*m.examples, m.belief]) for m in spec.misconceptions]
        self._groups = self._point_columns + self._belief_columns
        self._cues = [p.cues for p in spec.key_points] + [m.cues for m in spec.misconceptions]
        self._anchor_clauses = [(group, part) for group, columns in enumerate(self._groups)
                                for column in columns for part in clauses(self._anchors[column])]
        self._clause_negated = np.array([_negated(part) for _, part in self._anchor_clauses])
        self._vectors: NDArray[np.float32] | None = None
        self._clause_vectors: NDArray[np.float32] | None = None

    def warm(self) -> None:
        """Embed the anchors now (off the hot path), not on the first answer."""
        self.scores(["warm up"])

    def _add(self, texts: list[str]) -> list[int]:
        start = len(self._anchors)
        self._anchors.extend(texts)
        return list(range(start, len(self._anchors)))

    def _similarities(self, texts: list[str]) -> NDArray[np.float32]:
        if self._vectors is None:
            self._vectors = self.embedder.embed(self._anchors)
        return np.asarray(self.embedder.embed(texts) @ self._vectors.T, dtype=np.float32)

    def _agreement(self, texts: list[str]) -> NDArray[np.bool_]:
        """Per sentence and key point or misconception: is the sentence's clause that voices it negated exactly when
        the anchor clause closest to that clause is?"""
        if self._clause_vectors is None:
            self._clause_vectors = self.embedder.embed([part for _, part in self._anchor_clauses])
        split = [clauses(text) for text in texts]
        flat = [part for parts in split for part in parts]
        vectors = self.embedder.embed(flat)
        to_anchors = vectors @ self._vectors.T if self._vectors is not None else self._similarities(flat)
        to_clauses = vectors @ self._clause_vectors.T
        owner = np.array([group for group, _ in self._anchor_clauses])
        negated = np.array([_negated(part) for part in flat])
        agree = np.zeros((len(texts), len(self._groups)), bool)
        start = 0
        for row, parts in enumerate(split):
            rows = slice(start, start + len(parts))
            start += len(parts)
            for group, columns in enumerate(self._groups):
                cued = [index for index, part in enumerate(parts) if _has_cue(part, self._cues[group])]
                clause = rows.start + (cued[0] if cued else int(_top_two_mean(to_anchors[rows], columns).argmax()))
                mine = np.flatnonzero(owner == group)
                nearest = mine[int(to_clauses[clause, mine].argmax())]
                agree[row, group] = negated[clause] == self._clause_negated[nearest]
        return agree

    def scores(self, texts: list[str]) -> Scores:
        points_n, beliefs_n = len(self._point_columns), len(self._belief_columns)
        if not texts:
            return Scores(np.zeros((0, points_n), np.float32), np.zeros((0, beliefs_n), np.float32),
                          np.zeros((0, points_n), bool), np.zeros((0, beliefs_n), bool))
        similarities = self._similarities(texts)
        points = np.stack([_top_two_mean(similarities, c) for c in self._point_columns], axis=1)
        beliefs = np.stack([_top_two_mean(similarities, c) for c in self._belief_columns], axis=1)
        for column, point in enumerate(self.spec.key_points):
            points[:, column] += [self.policy.key_point_cue_bonus * _has_cue(text, point.cues)
                                  for text in texts]
        agree = self._agreement(texts)
        return Scores(points, beliefs, agree[:, :points_n], agree[:, points_n:])

    def voices(self, units: list[Unit]) -> list[MisconceptionHeard]:
        """The misconceptions these sentences voice, each at its first sentence (the interviewer challenges them)."""
        return [item for _, item in self._voiced(units, self.scores([unit.text for unit in units]))]

    def _voiced(self, units: list[Unit], scores: Scores) -> list[tuple[int, MisconceptionHeard]]:
        """A misconception is voiced by a sentence close to it, saying it the same way round, holding one of its cue
        phrases, and closer to it (by the margin) than to any key point the sentence says the same way round."""
        policy = self.policy
        competing = np.where(scores.points_agree, scores.points, 0.0).max(axis=1, initial=0.0)
        heard: list[tuple[int, MisconceptionHeard]] = []
        for column, item in enumerate(self.spec.misconceptions):
            for row, unit in enumerate(units):
                score = float(scores.beliefs[row, column])
                if score >= policy.misconception_threshold and scores.beliefs_agree[row, column] \
                        and score - float(competing[row]) >= policy.misconception_margin \
                        and _has_cue(unit.text, item.cues):
                    heard.append((row, MisconceptionHeard(item, unit)))
                    break
        return heard

    def check(self, units: list[Unit]) -> ConceptCheck:
        """Key points made (each with its best sentence), missed, and misconceptions heard and whether a later
        sentence corrected them. A sentence makes the key points it says the same way round that score within the
        margin of its best one; a sentence that voices a misconception makes none."""
        policy = self.policy
        scores = self.scores([unit.text for unit in units])
        heard = self._voiced(units, scores)
        wrong = {row for row, _ in heard}
        agreeing = np.where(scores.points_agree, scores.points, 0.0)
        best = agreeing.max(axis=1, initial=0.0)
        credited = scores.points_agree & (scores.points >= policy.key_point_threshold) \
            & (scores.points >= best[:, None] - policy.key_point_margin)
        made: list[PointMade] = []
        missed: list[KeyPoint] = []
        rows_making: dict[str, list[int]] = {}
        for column, point in enumerate(self.spec.key_points):
            rows = [row for row in range(len(units)) if credited[row, column] and row not in wrong]
            if rows:
                rows_making[point.id] = rows
                made.append(PointMade(point, units[max(rows, key=lambda row: scores.points[row, column])]))
            elif not units or float(scores.points[:, column].max()) < policy.absence_threshold:
                missed.append(point)
        resolved = []
        for row, item in heard:
            later = [other for other in rows_making.get(item.misconception.contrast, []) if other > row]
            resolved.append(MisconceptionHeard(item.misconception, item.unit, units[later[0]] if later else None))
        return ConceptCheck(made=made, missed=missed, total=len(self.spec.key_points), heard=resolved)
