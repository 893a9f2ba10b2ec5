"""Scripted candidates of known level, run through the practice graph to make labelled transcripts.

A candidate file (`evals/candidates/*.yaml`) holds the answers a candidate of that level gives, each tagged with
the gap it belongs to (if any). A planted gap removes its answers. The candidate then sits a real offline round:
for each interviewer question it gives the unused answer closest in meaning to the question (or, when none is
close, the next one in its own order), and the round ends when its answers run out.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interviewer.catalog import Catalog, validate_data
from interviewer.config import Settings
from interviewer.conversation import SPEAKING_WORDS_PER_SECOND, THINKING_SECONDS
from interviewer.errors import UserError
from interviewer.practice import Answer, Practice, Status
from interviewer.rag.corpus import read_yaml_file
from interviewer.rag.embeddings import Embedder
from interviewer.sandbox import without_code
from interviewer.session import SessionStore
from interviewer.types import CompanyType, Level, Round, Strict, Transcript

RELEVANT_ANSWER = 0.3
"""Cosine from which an unused answer counts as answering the interviewer's question."""
ROUND_MINUTES = 45.0


class CandidateAnswer(Strict):
    text: str
    gaps: list[str] = []


class ScriptedCandidate(Strict):
    id: str
    round: Round
    question: str
    level: Level
    company: CompanyType | None = None
    answers: list[CandidateAnswer]


class Gap(Strict):
    description: str
    signals: dict[Round, list[str]]


class GapCatalog(Strict):
    gaps: dict[str, Gap]


@dataclass(frozen=True)
class Variant:
    """The candidate with one gap planted (or none): its answers and what the feedback should then report."""

    id: str
    candidate: ScriptedCandidate
    gap: str | None
    answers: list[str]


def load_candidate(path: Path, catalog: Catalog, gaps: GapCatalog) -> ScriptedCandidate:
    candidate = validate_data(ScriptedCandidate, read_yaml_file(path, "candidate"), str(path))
    if candidate.question not in catalog.questions:
        raise UserError(f"{path}: unknown question {candidate.question!r}")
    for answer in candidate.answers:
        for gap in answer.gaps:
            if gap not in gaps.gaps or candidate.round not in gaps.gaps[gap].signals:
                raise UserError(f"{path}: gap {gap!r} is not defined for {candidate.round.value}")
    return candidate


def load_gaps(path: Path, catalog: Catalog) -> GapCatalog:
    gaps = validate_data(GapCatalog, read_yaml_file(path, "gaps file"), str(path))
    for name, gap in gaps.gaps.items():
        for round_, signals in gap.signals.items():
            unknown = set(signals) - set(catalog.rubric(round_).signals)
            if unknown:
                raise UserError(f"{path}: gap {name} names signals not in the {round_.value} rubric: {sorted(unknown)}")
    return gaps


def variants(candidate: ScriptedCandidate) -> list[Variant]:
    """The candidate as written, then one variant per gap its answers carry."""
    planted = list(dict.fromkeys(gap for answer in candidate.answers for gap in answer.gaps))
    out = [Variant(candidate.id, candidate, None, [answer.text for answer in candidate.answers])]
    for gap in planted:
        kept = [answer.text for answer in candidate.answers if gap not in answer.gaps]
        out.append(Variant(f"{candidate.id}+{gap}", candidate, gap, kept))
    return out


class Responder:
    """A Conversation that answers each question with the closest unused answer."""

    def __init__(self, answers: list[str], embedder: Embedder) -> None:
        self._answers = answers
        # Matched on what is said, not on pasted code: a question that hands over code would otherwise draw
        # whichever answer pastes the most similar code.
        spoken = [without_code(answer).strip() or answer for answer in answers]
        self._vectors = embedder.embed(spoken) if answers else np.zeros((0, 384), dtype=np.float32)
        self._embedder = embedder
        self._used = [False] * len(answers)
        self._last_question = ""

    def say(self, speaker: str, chunks: Iterator[str]) -> None:
        text = "".join(chunks).strip()
        if text:
            self._last_question = text

    def info(self, text: str) -> None:
        pass

    def read(self, status: Callable[[], Status]) -> Answer | None:
        index = self._choose()
        if index is None:
            return Answer(command="end")
        self._used[index] = True
        text = self._answers[index]
        return Answer(text=text, seconds=THINKING_SECONDS + len(text.split()) / SPEAKING_WORDS_PER_SECOND)

    def _choose(self) -> int | None:
        unused = [i for i, used in enumerate(self._used) if not used]
        if not unused:
            return None
        if self._last_question:
            question = self._embedder.embed([without_code(self._last_question).strip() or self._last_question])[0]
            scores = self._vectors[unused] @ question
            best = int(np.argmax(scores))
            if float(scores[best]) >= RELEVANT_ANSWER:
                return unused[best]
        return unused[0]


def run_variant(variant: Variant, settings: Settings, catalog: Catalog, embedder: Embedder) -> Transcript:
    """Sit the round offline (sessions in a throw-away folder) and return its transcript."""
    candidate = variant.candidate
    with tempfile.TemporaryDirectory(prefix="interviewer-scripted-") as folder:
        store = SessionStore(Path(folder))
        session = store.create(round=candidate.round.value, level=candidate.level.value,
                               company=candidate.company.value if candidate.company else None,
                               question=candidate.question, minutes=ROUND_MINUTES)
        practice = Practice(settings, catalog, session, embedder, None, store=store)
        responder = Responder(variant.answers, embedder)
        try:
            practice.show_opening(responder)
            practice.run(responder)
        finally:
            practice.close()
            store.close()
        return Transcript.model_validate_json((session.folder / "transcript.json").read_text(encoding="utf-8"))


def gap_signals(gaps: GapCatalog, gap: str, round_: Round) -> list[str]:
    return gaps.gaps[gap].signals[round_]
