"""Grade a transcript: with the model judge when a model is configured (falling back to the offline grader,
with a flag, when the model fails), else with the offline evidence grader."""

from __future__ import annotations

from pathlib import Path

from interviewer.catalog import load_catalog
from interviewer.config import Settings
from interviewer.errors import UserError
from interviewer.feedback.detector import SignalDetector
from interviewer.feedback.grading import grade_transcript
from interviewer.feedback.judge import judge_transcript
from interviewer.llm.base import Model, ModelError, redact
from interviewer.rag.embeddings import Embedder
from interviewer.types import CompanyProfile, CompanyType, Feedback, Level, Question, Round, Rubric, Transcript


def grade(transcript: Transcript, rubric: Rubric, detector: SignalDetector, *, target: Level,
          company: CompanyProfile | None, model: Model | None, question: Question | None = None,
          prompt_overrides: dict[str, Path] | None = None) -> Feedback:
    if model is None:
        return grade_transcript(transcript, rubric, detector, target=target, company=company, question=question)
    try:
        return judge_transcript(transcript, rubric, model, detector, target=target, company=company,
                                prompt_overrides=prompt_overrides, question=question)
    except ModelError as error:
        feedback = grade_transcript(transcript, rubric, detector, target=target, company=company,
                                    question=question)
        feedback.flags.append(f"{redact(str(error))}: graded by the offline grader instead")
        return feedback


def resolve_round(transcript: Transcript, round_: Round | None) -> Round:
    chosen = round_ or transcript.round
    if chosen is None:
        raise UserError("this transcript does not say its round: give --round (e.g. --round system-design)")
    return chosen


def replay_feedback(
    transcript: Transcript,
    settings: Settings,
    *,
    round_: Round,
    level: Level | None,
    company: CompanyType | None,
    embedder: Embedder,
    model: Model | None = None,
) -> Feedback:
    target = level or transcript.level or Level.L5
    catalog = load_catalog(settings.corpus)
    rubric = catalog.rubric(round_)
    chosen_company = company or transcript.company
    profile = catalog.companies.get(chosen_company) if chosen_company else None
    detector = SignalDetector(rubric, embedder)
    question = catalog.questions.get(transcript.question) if transcript.question else None
    return grade(transcript, rubric, detector, target=target, company=profile, model=model, question=question)
