"""Which rubric dimensions did the interviewer ask about, and in which exchange?

A dimension's `asked_by` questions (rubric data) are matched by meaning against each interviewer question, so
"So do you think you are a leader?" finds the ownership dimension however it is worded. A dimension nobody
asked about and the candidate never spoke to has insufficient evidence, not a low grade.
"""

from __future__ import annotations

import numpy as np

from interviewer.feedback.exchanges import Exchange
from interviewer.rag.embeddings import Embedder
from interviewer.types import Question, Rubric

ASKED_SIMILARITY = 0.55
"""Cosine from which an interviewer question asks about a dimension (all-MiniLM-L6-v2: paraphrased interview
questions score 0.6-0.9 against each other, different questions 0.2-0.5)."""
ASKED_MARGIN = 0.05
"""A question asks about its closest dimension, and about any other within this margin of it ("Tell me about a
time..." openings make every behavioral prototype somewhat close)."""
QUESTION_WORDS = 60
"""A question is read from its opening words: a long turn's tail is usually commentary."""


def asked_dimensions(exchanges: list[Exchange], rubric: Rubric, embedder: Embedder,
                     small_talk: set[int] | frozenset[int] = frozenset(),
                     question: Question | None = None) -> dict[str, list[int]]:
    """Per dimension that questions can ask about (its `asked_by`, and the probes of the interview `question`
    tied to its signals), the indexes of the exchanges whose question asks about it. A question that asks about
    no dimension (and is not small talk) is a follow-up: "Can you be more specific?" belongs to the dimensions of
    the exchange before it."""
    by_dimension = {d.id: list(d.asked_by) for d in rubric.dimensions}
    for probe in question.probes if question is not None else []:
        if probe.signal in rubric.signals:
            by_dimension[rubric.dimension_of(probe.signal).id].append(probe.text)
    asking = [d for d in rubric.dimensions if by_dimension[d.id]]
    questions = [(i, e.question.text) for i, e in enumerate(exchanges)
                 if e.question is not None and i not in small_talk]
    out: dict[str, list[int]] = {d.id: [] for d in asking}
    if not asking or not questions:
        return out
    prototypes = [text for d in asking for text in by_dimension[d.id]]
    owners = np.array([index for index, d in enumerate(asking) for _ in by_dimension[d.id]])
    texts = [" ".join(text.split()[:QUESTION_WORDS]) for _, text in questions]
    similarity = embedder.embed(texts) @ embedder.embed(prototypes).T
    previous: tuple[int, list[str]] = (-2, [])
    for row, (exchange_index, _) in enumerate(questions):
        per_dimension = [float(similarity[row, owners == column].max()) for column in range(len(asking))]
        floor = max(ASKED_SIMILARITY, max(per_dimension) - ASKED_MARGIN)
        current = [d.id for d, score in zip(asking, per_dimension, strict=True) if score >= floor]
        if not current and previous[0] == exchange_index - 1:
            current = previous[1]
        for dimension_id in current:
            out[dimension_id].append(exchange_index)
        previous = (exchange_index, current)
    return out
