"""Load and validate the corpus' structured data: rubrics, questions, samples, companies, phases.

Every reference is checked (a probe's signal exists in its round, a phase id exists, a sample labels each
of its round's signals exactly once). A bad file fails loudly with its path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from interviewer.errors import UserError, first_problem
from interviewer.rag.corpus import CorpusFile, corpus_files, load_yaml
from interviewer.transcripts import parse_plain
from interviewer.types import (
    CompanyProfile,
    CompanyType,
    Dimension,
    LabelledTranscript,
    Level,
    Question,
    Round,
    Rubric,
    Signal,
    Strict,
)

PHASES_FILE = Path(__file__).parent / "data" / "phases.yaml"
PERSONAS_DIR = Path(__file__).parent / "personas"
PHRASES_FILE = Path(__file__).parent / "data" / "phrases.yaml"

Model = TypeVar("Model", bound=BaseModel)


class Phase(Strict):
    id: str
    name: str
    minutes: float
    goal: str


class LevelOverlay(Strict):
    prompt: Literal["scoped", "ambiguous"]
    stance: str
    clarify_none: str


class CompanyOverlay(Strict):
    push: str


class Persona(Strict):
    """An interviewer: who they are, how they open and close, and how level and company change them."""

    round: Round
    name: str
    role: str
    voice: str
    opening: str
    closing: str
    levels: dict[Literal["execution", "strategy"], LevelOverlay]
    companies: dict[CompanyType, CompanyOverlay]

    def overlay(self, level: Level) -> LevelOverlay:
        return self.levels[level.bar]


class Phrases(Strict):
    transition: list[str]
    time_up: list[str]
    refer: list[str]
    dont_know: list[str]
    short: list[str]
    off_topic: list[str]
    clarify_answer: list[str]
    hint: list[str]
    skip: list[str]
    acknowledge: list[str]
    open_question: list[str]
    closing_questions: list[str]


def load_persona(round_: Round, folder: Path = PERSONAS_DIR) -> Persona:
    path = folder / f"{round_.value}.yaml"
    if not path.exists():
        raise UserError(f"no interviewer persona for round {round_.value} ({path.name} is missing)")
    persona = validate_data(Persona, load_yaml(path.read_text(encoding="utf-8")), path.name)
    if persona.round != round_:
        raise UserError(f"{path.name}: says round {persona.round.value}, expected {round_.value}")
    return persona


@cache
def load_phrases(path: Path = PHRASES_FILE) -> Phrases:
    return validate_data(Phrases, load_yaml(path.read_text(encoding="utf-8")), path.name)


@dataclass
class Catalog:
    rubrics: dict[Round, Rubric]
    questions: dict[str, Question]
    samples: list[LabelledTranscript]
    companies: dict[CompanyType, CompanyProfile]
    phases: dict[Round, list[Phase]]
    files: list[CorpusFile] = field(default_factory=list)

    def rubric(self, round_: Round) -> Rubric:
        try:
            return self.rubrics[round_]
        except KeyError:
            raise UserError(f"the corpus has no rubric for round {round_}") from None

    def questions_for(self, round_: Round) -> list[Question]:
        return [q for q in self.questions.values() if q.round == round_]

    def samples_for(self, round_: Round) -> list[LabelledTranscript]:
        return [s for s in self.samples if s.round == round_]

    def signal(self, signal_id: str) -> Signal:
        for rubric in self.rubrics.values():
            if signal_id in rubric.signals:
                return rubric.signals[signal_id]
        raise KeyError(signal_id)


def validate_data(model: type[Model], data: dict[str, Any], where: str) -> Model:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise UserError(f"{where}: {first_problem(error)}") from None


def _load_phases(path: Path) -> dict[Round, list[Phase]]:
    data = load_yaml(path.read_text(encoding="utf-8"))
    phases: dict[Round, list[Phase]] = {}
    for round_name, items in data.items():
        round_ = validate_data(_RoundName, {"round": round_name}, path.name).round
        phases[round_] = [validate_data(Phase, item, f"{path.name}: {round_name}") for item in items]
    return phases


class _RoundName(Strict):
    round: Round


def _shared_signals(files: list[CorpusFile]) -> dict[str, Signal]:
    shared: dict[str, Signal] = {}
    for file in files:
        if file.kind == "signals":
            for item in file.meta.get("signals", []):
                signal = validate_data(Signal, item, file.relative)
                shared[signal.id] = signal
    return shared


def _rubric(file: CorpusFile, shared: dict[str, Signal]) -> Rubric:
    meta = file.meta
    own = [validate_data(Signal, item, file.relative) for item in meta.get("signals", [])]
    signals = {signal.id: signal for signal in own}
    if len(signals) != len(own):
        raise UserError(f"{file.relative}: a signal id is defined twice")
    dimensions = [validate_data(Dimension, item, file.relative) for item in meta.get("dimensions", [])]
    named: dict[str, Signal] = {}
    for dimension in dimensions:
        for signal_id in dimension.signals:
            if signal_id in named:
                raise UserError(f"{file.relative}: signal {signal_id} is in two dimensions")
            found = signals.get(signal_id) or shared.get(signal_id)
            if found is None:
                raise UserError(f"{file.relative}: dimension {dimension.id} names unknown signal {signal_id}")
            named[signal_id] = found
    unused = set(signals) - set(named)
    if unused:
        raise UserError(f"{file.relative}: signals in no dimension: {', '.join(sorted(unused))}")
    data = {"round": meta.get("round"), "title": meta.get("title"), "dimensions": dimensions,
            "signals": named, "hidden_tests": meta.get("hidden_tests")}
    extra = set(meta) - {"kind", "round", "title", "dimensions", "signals", "hidden_tests"}
    if extra:
        raise UserError(f"{file.relative}: unknown front matter keys: {', '.join(sorted(extra))}")
    rubric = validate_data(Rubric, data, file.relative)
    target = rubric.hidden_tests
    if target is not None and not any(d.id == target.dimension and target.signal in d.signals for d in dimensions):
        raise UserError(f"{file.relative}: hidden_tests names signal {target.signal} of dimension "
                        f"{target.dimension}, which the rubric does not have")
    if target is not None and target.edge_signal is not None and target.edge_signal not in named:
        raise UserError(f"{file.relative}: hidden_tests names unknown edge signal {target.edge_signal}")
    return rubric


def _question(file: CorpusFile, rubrics: dict[Round, Rubric], phases: dict[Round, list[Phase]]) -> Question:
    data = {key: value for key, value in file.meta.items() if key != "kind"}
    question = validate_data(Question, data, file.relative)
    if file.path.stem != question.id:
        raise UserError(f"{file.relative}: file name must be the question id {question.id}.md")
    rubric = rubrics.get(question.round)
    phase_ids = {phase.id for phase in phases.get(question.round, [])}
    probe_ids = [probe.id for probe in question.probes]
    if len(set(probe_ids)) != len(probe_ids):
        raise UserError(f"{file.relative}: probe ids must be unique")
    if (question.code or question.service) and (rubric is None or rubric.hidden_tests is None):
        raise UserError(f"{file.relative}: runs code, but the {question.round.value} rubric has no hidden_tests")
    for probe in question.probes:
        if rubric is None or probe.signal not in rubric.signals:
            raise UserError(f"{file.relative}: probe {probe.id} names unknown signal {probe.signal}")
        if probe.phase not in phase_ids:
            raise UserError(f"{file.relative}: probe {probe.id} names unknown phase {probe.phase}")
    unknown = [s for s in question.not_applicable if rubric is None or s not in rubric.signals]
    if unknown:
        raise UserError(f"{file.relative}: not_applicable names unknown signals {', '.join(unknown)}")
    _check_concepts(file, question)
    return question


def _check_concepts(file: CorpusFile, question: Question) -> None:
    """ML fundamentals questions, and only they, list key points and misconceptions; ids are unique and every
    misconception names a key point of the question that contradicts it."""
    if (question.round == Round.ML_FUNDAMENTALS) != (question.concepts is not None):
        raise UserError(f"{file.relative}: `concepts` (key points and misconceptions) belongs to every "
                        "ml-fundamentals question and to no other")
    if question.concepts is None:
        return
    points = [point.id for point in question.concepts.key_points]
    beliefs = [item.id for item in question.concepts.misconceptions]
    if len(set(points)) != len(points) or len(set(beliefs)) != len(beliefs):
        raise UserError(f"{file.relative}: key point and misconception ids must be unique")
    for item in question.concepts.misconceptions:
        if item.contrast not in points:
            raise UserError(f"{file.relative}: misconception {item.id} names unknown key point {item.contrast}")


def _sample(file: CorpusFile, rubrics: dict[Round, Rubric], questions: dict[str, Question]) -> LabelledTranscript:
    meta = dict(file.meta)
    meta.pop("kind")
    transcript = parse_plain(file.body, source=file.relative)
    sample = validate_data(LabelledTranscript, {**meta, "transcript": transcript}, file.relative)
    transcript.round, transcript.level = sample.round, sample.level
    transcript.company, transcript.question = sample.company, sample.question
    if file.path.stem != sample.id:
        raise UserError(f"{file.relative}: file name must be the transcript id {sample.id}.md")
    if sample.question not in questions:
        raise UserError(f"{file.relative}: unknown question {sample.question}")
    labelled = sample.signals_shown + sample.signals_missed
    expected = set(rubrics[sample.round].signals) if sample.round in rubrics else set()
    if len(labelled) != len(set(labelled)) or set(labelled) != expected:
        extra = sorted(set(labelled) - expected)
        missing = sorted(expected - set(labelled))
        raise UserError(f"{file.relative}: signals_shown + signals_missed must list each signal of the round "
                        f"once (unknown: {extra}, unlabelled: {missing})")
    return sample


def load_catalog(corpus: Path, phases_file: Path = PHASES_FILE) -> Catalog:
    return _load_catalog(corpus.resolve(), phases_file.resolve())


@cache
def _load_catalog(corpus: Path, phases_file: Path) -> Catalog:
    files = corpus_files(corpus)
    known = {"rubric", "signals", "question", "transcript", "company"}
    for file in files:
        if file.kind not in known:
            raise UserError(f"{file.relative}: unknown kind {file.kind!r} (expected one of {sorted(known)})")
    phases = _load_phases(phases_file)
    shared = _shared_signals(files)
    rubrics: dict[Round, Rubric] = {}
    for file in files:
        if file.kind == "rubric":
            rubric = _rubric(file, shared)
            if rubric.round in rubrics:
                raise UserError(f"{file.relative}: a second rubric for {rubric.round}")
            rubrics[rubric.round] = rubric
    _check_unique_signal_ids(rubrics, shared)
    questions: dict[str, Question] = {}
    for file in files:
        if file.kind == "question":
            question = _question(file, rubrics, phases)
            if question.id in questions:
                raise UserError(f"{file.relative}: duplicate question id {question.id}")
            questions[question.id] = question
    samples = [_sample(f, rubrics, questions) for f in files if f.kind == "transcript"]
    companies: dict[CompanyType, CompanyProfile] = {}
    for file in files:
        if file.kind == "company":
            data = {k: v for k, v in file.meta.items() if k != "kind"} | {"emphasis": file.body.strip()}
            profile = validate_data(CompanyProfile, data, file.relative)
            for round_, weights in profile.weights.items():
                dims = {d.id for d in rubrics[round_].dimensions} if round_ in rubrics else set()
                unknown = set(weights) - dims
                if unknown:
                    raise UserError(f"{file.relative}: unknown {round_} dimensions {sorted(unknown)}")
            companies[profile.company] = profile
    return Catalog(rubrics=rubrics, questions=questions, samples=samples, companies=companies,
                   phases=phases, files=files)


def _check_unique_signal_ids(rubrics: dict[Round, Rubric], shared: dict[str, Signal]) -> None:
    owner: dict[str, Round] = {}
    for round_, rubric in rubrics.items():
        for signal_id in rubric.signals:
            if signal_id in shared:
                continue
            if signal_id in owner:
                raise UserError(f"signal {signal_id} is defined by both {owner[signal_id]} and {round_}")
            owner[signal_id] = round_

