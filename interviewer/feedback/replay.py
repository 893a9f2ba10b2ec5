"""Replay: grade a saved transcript with the offline evidence grader."""

from __future__ import annotations

from interviewer.catalog import load_catalog
from interviewer.config import Settings
from interviewer.errors import UserError
from interviewer.feedback.detector import SignalDetector
from interviewer.feedback.grading import grade_transcript
from interviewer.rag.embeddings import Embedder
from interviewer.types import CompanyType, Feedback, Level, Round, Transcript


def replay_feedback(
    transcript: Transcript,
    settings: Settings,
    *,
    round_: Round | None,
    level: Level | None,
    company: CompanyType | None,
    embedder: Embedder,
) -> Feedback:
    chosen_round = round_ or transcript.round
    if chosen_round is None:
        raise UserError("this transcript does not say its round: give --round (e.g. --round system-design)")
    target = level or transcript.level or Level.L5
    catalog = load_catalog(settings.corpus)
    rubric = catalog.rubric(chosen_round)
    chosen_company = company or transcript.company
    profile = catalog.companies.get(chosen_company) if chosen_company else None
    detector = SignalDetector(rubric, embedder)
    return grade_transcript(transcript, rubric, detector, target=target, company=profile)
