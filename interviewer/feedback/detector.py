"""Which rubric signals does a transcript show? Embedding similarity to each signal's examples,
plus its cue phrases, over the candidate's own sentences. The planner and the grader share it."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import yaml

from interviewer.evaluation.quantities import spoken_numbers
from interviewer.feedback.evidence import Unit, candidate_units
from interviewer.feedback.exchanges import exchanges
from interviewer.feedback.speech import disfluency
from interviewer.feedback.story_shape import STORY_SHAPES
from interviewer.feedback.structure import HINT_IS_THE_SIGNAL, OCCASIONS, STRUCTURAL
from interviewer.rag.embeddings import Embedder
from interviewer.types import Rubric, Strict, Transcript

if TYPE_CHECKING:
    from numpy.typing import NDArray

POLICY_FILE = Path(__file__).resolve().parent.parent / "data" / "grading.yaml"


class DimensionPolicy(Strict):
    execution_meets: float
    strategy_meets: float
    approaching: float


class LevelBar(Strict):
    execution: float
    strategy: float


class VerdictCuts(Strict):
    """How far above (or, negative, below) the target's bar each verdict starts, in shares of the bar."""

    strong_hire: float
    hire: float
    lean_hire: float
    lean_no_hire: float


class Attainment(Strict):
    """What a dimension short of full evidence counts toward the execution bar."""

    approaching: float
    """A dimension graded 2 (approaching the execution bar)."""
    answers_only: float
    """A dimension graded 3 only because of how its answers were given, with no rubric behaviour shown."""


class GradingPolicy(Strict):
    detect_threshold: float
    absence_threshold: float
    touch_threshold: float
    touch_threshold_by_round: dict[str, float] = {}
    """Rounds whose answers sit near every dimension without addressing it (behavioral: every answer is a story)."""
    unasked_by_round: dict[str, list[str]] = {}
    """Signals a round gives no occasion for unless its question probes them: graded only if shown anyway."""
    support_floor: float
    top_floor: float
    top_margin: float
    spread_bonus: float
    cue_bonus: float
    second_cue_bonus: float
    asked_bonus: float
    second_cue_bonus_by_round: dict[str, float] = {}
    """Rounds whose cue words set the scene as often as they show the signal (behavioral: "dropped" and "percent"
    describe the incident as readily as its result)."""
    quote_margin: float
    hint_credit: float
    evidence_per_claim: int
    dimension: DimensionPolicy
    levels: dict[str, LevelBar]
    attainment: Attainment
    verdict: VerdictCuts


    def touch_for(self, round_: str) -> float:
        return self.touch_threshold_by_round.get(round_, self.touch_threshold)

    def second_cue_for(self, round_: str) -> float:
        return self.second_cue_bonus_by_round.get(round_, self.second_cue_bonus)


@cache
def load_policy(path: Path = POLICY_FILE) -> GradingPolicy:
    return GradingPolicy.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@dataclass
class SignalResult:
    signal: str
    best: float
    """Detection score: best sentence similarity (cue bonus included) plus the elaboration bonus."""
    support: list[tuple[Unit, float]] = field(default_factory=list)
    """Sentences that show the signal, best first."""
    quotes: list[tuple[Unit, float]] = field(default_factory=list)
    """The supporting sentences that are about this signal more than (or about as much as) any other: the only
    ones a claim about the signal may quote."""
    nearest: Unit | None = None
    """The candidate sentence closest to the signal, whatever its score."""
    shown: bool = False
    hint_only: bool = False
    cued: bool = False
    """Some candidate sentence contains one of the signal's cue phrases: the topic came up in some words, so the
    grader never claims it was absent."""
    occasion: bool = True
    """False when the conversation gave no occasion to show the signal (structure.OCCASIONS): not graded."""


@dataclass
class Detection:
    units: list[Unit]
    results: dict[str, SignalResult]
    touched: dict[str, float]
    """Per signal, the best similarity of any turn, interviewer's included (was the topic raised at all?)."""

    def shown(self) -> set[str]:
        return {s for s, r in self.results.items() if r.shown}


INTERVIEWER_WORDS = 60
"""Whether the interviewer raised a topic is judged from the opening words of each interviewer turn."""


def signal_anchors(rubric: Rubric) -> tuple[list[str], list[int]]:
    """The texts a signal is recognised by (its examples, description and name), each with its signal's index."""
    texts: list[str] = []
    owners: list[int] = []
    for index, signal in enumerate(rubric.signals.values()):
        for text in [*signal.examples, signal.description, signal.name]:
            texts.append(text)
            owners.append(index)
    return texts, owners


def embed_all_anchors(rubrics: list[Rubric], embedder: Embedder) -> int:
    """Embed every rubric's anchors into the embedder's cache (done with the index build)."""
    texts = [text for rubric in rubrics for text in signal_anchors(rubric)[0]]
    embedder.embed(texts)
    return len(texts)


class SignalDetector:
    """Signals by embedding similarity of the candidate's sentences to each signal's anchors (plus cue phrases
    and elaboration); the thought-process signals also by the conversation's structure (`structure.py`)."""

    def __init__(self, rubric: Rubric, embedder: Embedder, policy: GradingPolicy | None = None) -> None:
        self.rubric = rubric
        self.embedder = embedder
        self.policy = policy or load_policy()
        self.signal_ids = list(rubric.signals)
        self._examples, owners = signal_anchors(rubric)
        self._owners = np.array(owners)
        self._example_vectors: NDArray[np.float32] | None = None
        self._structural_columns = [i for i, signal_id in enumerate(self.signal_ids) if signal_id in STRUCTURAL]
        self._numeric_columns = [i for i, signal_id in enumerate(self.signal_ids)
                                 if rubric.signals[signal_id].needs_number]
        self._reads_stories = any(signal_id in STORY_SHAPES for signal_id in self.signal_ids)

    def warm(self) -> None:
        """Embed the anchors now (off the hot path), not on the first detection."""
        self._vectors()

    def _vectors(self) -> NDArray[np.float32]:
        if self._example_vectors is None:
            self._example_vectors = self.embedder.embed(self._examples)
        return self._example_vectors

    def similarities(self, texts: list[str]) -> NDArray[np.float32]:
        """A (len(texts), n_signals) matrix: mean of the two best anchors (examples, description, name)."""
        if not texts:
            return np.zeros((0, len(self.signal_ids)), dtype=np.float32)
        sims = self.embedder.embed(texts) @ self._vectors().T
        out = np.empty((len(texts), len(self.signal_ids)), dtype=np.float32)
        for index in range(len(self.signal_ids)):
            column = sims[:, self._owners == index]
            top = np.sort(column, axis=1)[:, -2:]
            out[:, index] = top.mean(axis=1)
        return out

    def sentence_similarities(self, texts: list[str]) -> NDArray[np.float32]:
        """`similarities`, where a sentence of two independent clauses ("If the store is down, cached links keep
        working; I'd alert on p99 and page on errors") scores as its closest clause: each clause is one idea, and
        the whole sentence's meaning is diluted between them."""
        clauses = [(row, clause) for row, text in enumerate(texts) for clause in independent_clauses(text)]
        scored = self.similarities([*texts, *(clause for _, clause in clauses)])  # one model call
        whole = scored[:len(texts)]
        for (row, _), scores in zip(clauses, scored[len(texts):], strict=True):
            whole[row] = np.maximum(whole[row], scores)
        return whole

    def _clear_winners(self, similarities: NDArray[np.float32]) -> NDArray[np.int64]:
        """Per sentence, the signal it matches clearly best (top_floor, top_margin), or -1. A thought-process
        signal is never won this way: it is about how the conversation went, which one sentence's closeness
        to "corrects itself" or "thinks aloud" does not show (`structure.py` reads it)."""
        winners = np.full(len(similarities), -1, dtype=np.int64)
        if similarities.shape[0] == 0 or similarities.shape[1] < 2:
            return winners
        ranked = np.sort(similarities, axis=1)
        top = similarities.argmax(axis=1)
        clear = (ranked[:, -1] >= self.policy.top_floor) & (ranked[:, -1] - ranked[:, -2] >= self.policy.top_margin)
        winners[clear] = top[clear]
        winners[np.isin(winners, self._structural_columns)] = -1
        return winners

    def _drop_numberless(self, texts: list[str], similarities: NDArray[np.float32],
                         cues: NDArray[np.float32]) -> None:
        """A sentence without a number says nothing for a signal that `needs_number`."""
        if not self._numeric_columns:
            return
        numberless = np.array([not spoken_numbers(text) for text in texts], dtype=bool)
        for column in self._numeric_columns:
            similarities[numberless, column] = 0.0
            cues[numberless, column] = 0.0

    def cue_bonuses(self, texts: list[str]) -> NDArray[np.float32]:
        """Per sentence and signal, the cue bonus: `cue_bonus` for one of the signal's cue phrases, and
        the round's `second_cue_bonus` more when it holds two different ones ("monitoring: I'd alert on p99")."""
        matrix = np.zeros((len(texts), len(self.signal_ids)), dtype=np.float32)
        second = self.policy.second_cue_for(self.rubric.round.value)
        for column, signal_id in enumerate(self.signal_ids):
            cues = tuple(self.rubric.signals[signal_id].cues)
            pattern = cue_pattern(cues)
            if pattern is None:
                continue
            for row, text in enumerate(texts):
                if pattern.search(text):
                    distinct = sum(1 for cue in cues if (one := cue_pattern((cue,))) and one.search(text))
                    matrix[row, column] = self.policy.cue_bonus + (second if distinct >= 2 else 0.0)
        return matrix

    def _asked_bonuses(self, units: list[Unit]) -> NDArray[np.float32]:
        """`asked_bonus` for a sentence on the signal the interviewer's question before it asked about: an answer
        is read as being about what was asked ("Which features look great offline and differ at serving?" then
        "the served feature values are logged and trained on")."""
        matrix = np.zeros((len(units), len(self.signal_ids)), dtype=np.float32)
        column = {signal_id: index for index, signal_id in enumerate(self.signal_ids)}
        for row, unit in enumerate(units):
            if unit.asked in column:
                matrix[row, column[unit.asked]] = self.policy.asked_bonus
        return matrix

    def detect(self, transcript: Transcript,
               excluded: Mapping[int, Sequence[tuple[int, int]]] | None = None) -> Detection:
        """A signal is shown when its score reaches the threshold: its best sentence (similarity plus cue
        bonus) plus a small bonus per further supporting sentence (elaboration, up to three). It is also
        shown when some sentence matches it clearly better than any other signal (a paraphrase that
        shares no cue word with the examples). `excluded` spans of candidate turns (text addressed to the grader)
        are not read."""
        policy = self.policy
        units = candidate_units(transcript, excluded)
        texts = [unit.text for unit in units]
        similarities = self.sentence_similarities(texts)
        cues = self.cue_bonuses(texts)
        self._drop_numberless(texts, similarities, cues)
        scores = similarities + cues + self._asked_bonuses(units)
        clear_winner = self._clear_winners(similarities)
        topical = np.delete(similarities, self._structural_columns, axis=1) if units else similarities
        sentence_best = topical.max(axis=1) if topical.size else np.zeros(len(units), dtype=np.float32)
        results: dict[str, SignalResult] = {}
        answer_of = ({turn_id: number for number, exchange in enumerate(exchanges(transcript))
                      for turn_id in exchange.turn_ids} if self._reads_stories else {})
        for column, signal_id in enumerate(self.signal_ids):
            result = SignalResult(signal_id, 0.0)
            results[signal_id] = result
            if not units:
                continue
            column_scores = scores[:, column]
            order = np.argsort(-column_scores)
            result.nearest = units[int(order[0])]
            result.cued = bool(cues[:, column].any())
            rows = [int(row) for row in order
                    if column_scores[row] >= policy.support_floor or clear_winner[row] == column]
            support = [(units[row], float(column_scores[row])) for row in rows]
            spread = min(max(len(support) - 1, 0), 3)
            result.best = float(column_scores[order[0]]) + policy.spread_bonus * spread
            if result.best >= policy.detect_threshold or bool((clear_winner == column).any()):
                result.shown = True
                result.support = support
                result.hint_only = all(unit.after_hint for unit, _ in support)
                # A sentence is quoted for the signal it is most about, or for one whose own words it uses
                # ("4,600 a second on average, 20,000 at peak" shows the estimate and peak versus average).
                result.quotes = [(units[row], float(column_scores[row])) for row in rows
                                 if similarities[row, column] >= sentence_best[row] - policy.quote_margin
                                 or cues[row, column] > 0]
            occasion = OCCASIONS.get(signal_id)
            result.occasion = occasion(units) if occasion else True
            structural = STRUCTURAL.get(signal_id)
            story_shape = STORY_SHAPES.get(signal_id)
            found = (structural(units) if structural else
                     story_shape(units, answer_of) if story_shape else [])
            if found and not result.shown:
                result.shown = True
                result.best = max(result.best, policy.detect_threshold)
                result.support = [(unit, policy.detect_threshold) for unit in found]
                result.quotes = sorted(result.support, key=lambda pair: disfluency(pair[0].text))
                result.hint_only = signal_id not in HINT_IS_THE_SIGNAL and all(unit.after_hint for unit in found)
        interviewer_texts = [" ".join(t.text.split()[:INTERVIEWER_WORDS]) for t in transcript.turns
                             if t.role == "interviewer"]
        asked = self.similarities(interviewer_texts)
        touched = {
            signal_id: max(results[signal_id].best, float(asked[:, column].max()) if len(asked) else 0.0)
            for column, signal_id in enumerate(self.signal_ids)
        }
        return Detection(units=units, results=results, touched=touched)


CUE_STEM = 6
"""A cue whose last word is this long also matches that word's other forms ("idempotent": "idempotency";
"self-selected": "self-selection")."""


@functools.lru_cache(maxsize=1024)
def cue_pattern(cues: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for a signal's cue phrases, matched as whole words, with hyphens and spaces alike ("at least
    once" finds "at-least-once", "trade-off" finds "trade offs"); "get" no longer fires inside "target"."""
    parts = []
    for cue in cues:
        words = re.findall(r"[a-z0-9]+", cue.lower())
        if not words:
            continue
        last = words[-1]
        if len(last) >= CUE_STEM:
            stem = re.escape(last[:-2] if len(last) >= CUE_STEM + 2 else last[:-1]) + r"[a-z]*"
        else:
            stem = re.escape(last) + "(?:e?s)?"
        parts.append(r"[\s-]+".join([*(re.escape(word) for word in words[:-1]), stem]))
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(parts) + r")(?![a-z0-9])", re.IGNORECASE) if parts else None


_CLAUSE_BREAK = re.compile(r";\s+|\s+(?:—|–|--)\s+")
CLAUSE_WORDS = 5
"""A clause shorter than this many words is not scored on its own (it leans on the rest of the sentence)."""


def independent_clauses(text: str) -> list[str]:
    """The independent clauses of a sentence joined by a semicolon or a dash, when there are two or more."""
    parts = [part.strip() for part in _CLAUSE_BREAK.split(text)]
    parts = [part for part in parts if len(part.split()) >= CLAUSE_WORDS]
    return parts if len(parts) >= 2 else []
