"""The interview's nodes. Each returns a partial state update; models and retrieval come from the run's
context, never from a global. `ask` is the only node that waits for the candidate (an `interrupt()`); it
has no side effects, because it runs again from its top when the graph resumes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from langgraph.config import get_stream_writer
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from interviewer.artefact_probes import artefact_probe
from interviewer.diagram import diagram_in
from interviewer.feedback.code_evidence import code_so_far, entry_of, run_hidden_tests
from interviewer.feedback.concept_match import ConceptMatcher
from interviewer.feedback.detector import SignalDetector
from interviewer.feedback.evidence import candidate_units
from interviewer.graph.state import InterviewState, turn
from interviewer.planner import (
    Analysis,
    Clock,
    Ground,
    Move,
    classify_answer,
    next_move,
    phase_budgets,
    pick_quote,
)
from interviewer.rag.index import Snippet
from interviewer.sandbox import defines, without_code
from interviewer.types import CompanyProfile, Feedback, Transcript, Turn
from interviewer.voice import Scene

CANDIDATE = "Candidate"
QUOTE_SIMILARITY = 0.45
FACT_SIMILARITY = 0.3
EXCERPT_CHARS = 600
"""Retrieved sample excerpts are kept this short in the state (they ride along in every checkpoint)."""


class Retriever(Protocol):
    def ready(self) -> bool: ...

    def retrieve(self, query: str, **filters: Any) -> list[Snippet]: ...


class Grader(Protocol):
    def __call__(self, transcript: Transcript) -> Feedback: ...


class Voice(Protocol):
    """Says a move: yields the words as they come; afterwards `text` holds the words for the transcript."""

    name: str
    text: str

    def speak(self, move: Move, scene: Scene, turn: int, turns: list[dict[str, Any]]) -> Iterator[str]: ...


@dataclass
class InterviewContext:
    """What the nodes need besides the state: the scene, the detector, retrieval and the grader."""

    scene: Scene
    detector: SignalDetector
    retriever: Retriever
    grade: Grader
    voice: Voice
    company: CompanyProfile | None = None
    concepts: ConceptMatcher | None = None
    """ML fundamentals questions: hears the misconceptions an answer voices, so the interviewer can challenge them."""


def open_round(state: InterviewState) -> dict[str, Any]:
    return {"phase": 0, "phase_started": 0.0, "clock": 0.0, "shown": [], "asked": [], "elaborated": False,
            "closing_asked": False, "done": False, "move": Move("opening", 0).to_dict()}


def speak(state: InterviewState, runtime: Runtime[InterviewContext]) -> dict[str, Any]:
    """Say the planner's move (streamed to whoever listens) and set it as the pending question."""
    move = Move(**state["move"])
    turn_id = len(state.get("turns", [])) + 1
    voice = runtime.context.voice
    writer = get_stream_writer()
    for chunk in voice.speak(move, runtime.context.scene, turn_id, state.get("turns", [])):
        writer({"turn": turn_id, "text": chunk})
    text = voice.text
    pending = {"turn": turn_id, "text": text, "kind": move.kind, "probe": move.probe, "signal": move.signal,
               "phase": move.phase, "hint": move.kind == "hint", "probe_text": move.probe_text}
    update: dict[str, Any] = {"pending": pending, "elaborated": move.kind == "elaborate"}
    if move.kind == "hint" and move.probe:
        pending["probe"] = move.probe  # the hint leaves the same question open
    if move.probe and move.kind == "probe":
        update["asked"] = [*state.get("asked", []), move.probe]
    if move.kind == "closing_questions":
        update["closing_asked"] = True
    if move.kind == "end":
        update["turns"] = [turn(turn_id, runtime.context.scene.persona.name, "interviewer", text)]
    return update


def ask(state: InterviewState, runtime: Runtime[InterviewContext]) -> dict[str, Any]:
    """Wait for the candidate. The answer is {"text" | "command", "seconds", "at"}."""
    pending = state["pending"]
    answer = interrupt(pending)
    name = runtime.context.scene.persona.name
    turns = [turn(pending["turn"], name, "interviewer", pending["text"], hint=pending["hint"])]
    text = (answer.get("text") or "").strip()
    if text:
        turns.append(turn(pending["turn"] + 1, CANDIDATE, "candidate", text, at=answer.get("at")))
    return {"turns": turns, "clock": state.get("clock", 0.0) + float(answer.get("seconds", 0.0)),
            "last": {"text": text, "command": answer.get("command")}}


def analyze(state: InterviewState, runtime: Runtime[InterviewContext]) -> dict[str, Any]:
    """Which signals did the last answer show, and what kind of answer was it?"""
    context = runtime.context
    last = state["last"]
    if not last["text"]:
        return {"last": {**last, "kind": "command"}}
    recent = [Turn.model_validate(t) for t in state["turns"][-2:]]
    sentences = [unit.text for unit in candidate_units(Transcript(turns=recent))]
    context.detector.embedder.embed([last["text"], *sentences])  # one model call; the steps below hit the cache
    detection = context.detector.detect(Transcript(turns=recent))
    shown = sorted(set(state.get("shown", [])) | detection.shown())
    topic = _topic_similarity(context, last["text"], state["pending"])
    analysis = classify_answer(last["text"], None, topic)
    tests = _run_tests(context, recent[-1], state["turns"])
    if tests is not None or diagram_in(last["text"]) is not None:
        analysis = Analysis("answer", last["text"])  # pasted code or a diagram is an answer, however short its prose
    return {"shown": shown, "last": {**last, "kind": analysis.kind, "topic": topic, "tests": tests,
                                     "misconceptions": _misconceptions(context, recent[-1])}}


def plan(state: InterviewState, runtime: Runtime[InterviewContext]) -> dict[str, Any]:
    context = runtime.context
    scene = context.scene
    last = state["last"]
    analysis = Analysis(last.get("kind", "answer"), last["text"], last.get("command"))
    relevance, snippets = _retrieve(context, state, last["text"])
    clock = Clock(phase_budgets(scene.phases, scene.minutes), state.get("clock", 0.0), state.get("phase", 0),
                  state.get("phase_started", 0.0))
    ground = Ground(question=scene.question, rubric=scene.rubric, signal_phases=scene.signal_phases,
                    level=scene.level,
                    weights=context.company.weights.get(scene.rubric.round, {}) if context.company else {})
    move = next_move(
        ground=ground, analysis=analysis, clock=clock, phases=scene.phases, shown=set(state.get("shown", [])),
        asked=set(state.get("asked", [])), relevance=relevance, current_probe=state["pending"].get("probe"),
        current_signal=state["pending"].get("signal"),
        closing_asked=state.get("closing_asked", False), elaborated=state.get("elaborated", False),
        fact=_fact(context, last["text"]) if analysis.kind == "clarifying" else None,
        tests=last.get("tests"),
    )
    if move.kind == "probe" and analysis.kind == "answer" and move.probe_text:
        move.quote = _quote(context, last["text"], move.probe_text)
    followup = artefact_probe(move, round_=scene.rubric.round, turns=state["turns"], last=last,
                              asked=set(state.get("asked", [])), last_probe=state["pending"].get("probe"),
                              phase=state.get("phase", 0))
    move = followup or move
    move.context = snippets
    update: dict[str, Any] = {"move": move.to_dict()}
    if move.phase != state.get("phase", 0):
        update.update(phase=move.phase, phase_started=state.get("clock", 0.0))
    return update


def grade(state: InterviewState, runtime: Runtime[InterviewContext]) -> dict[str, Any]:
    scene = runtime.context.scene
    transcript = Transcript(round=scene.question.round, level=scene.level, company=scene.company,
                            question=scene.question.id, turns=[Turn.model_validate(t) for t in state["turns"]])
    feedback = runtime.context.grade(transcript)
    return {"feedback": feedback.model_dump(mode="json"), "done": True}


# --- helpers ------------------------------------------------------------------------------------


def _run_tests(context: InterviewContext, answer: Turn, turns: list[dict[str, Any]]) -> dict[str, Any] | None:
    """For a question that runs code: when this answer pastes a definition of the entry (a function, class or
    service app), run the candidate's code so far (every answer's definitions, the latest of each winning)
    against the hidden tests."""
    question = context.scene.question
    entry = entry_of(question)
    target = context.scene.rubric.hidden_tests
    if entry is None or target is None or answer.role != "candidate" or not defines(entry, answer.text):
        return None
    code = code_so_far([t["text"] for t in turns if t["role"] == "candidate"], entry)
    if code is None:
        return None
    report = run_hidden_tests(code, question)
    failures = [r.model_dump() for r in report.results if r.status != "passed"]
    failures.sort(key=lambda r: r["step"] or 0)
    return {"turn": answer.id, "summary": report.summary(), "passed": report.passed, "total": report.total,
            "failures": failures, "steps": [list(counts) for counts in report.step_counts()],
            "signal": target.signal, "edge_signal": target.edge_signal or target.signal}


def _misconceptions(context: InterviewContext, answer: Turn) -> list[dict[str, str]]:
    """For an ML fundamentals question: the misconceptions this answer voices, each with its sentence quoted."""
    if context.concepts is None or answer.role != "candidate":
        return []
    units = candidate_units(Transcript(turns=[answer]))
    return [{"id": heard.misconception.id, "quote": pick_quote(heard.unit.text),
             "challenge": heard.misconception.challenge} for heard in context.concepts.voices(units)]


def _similarity(context: InterviewContext, a: list[str], b: list[str]) -> np.ndarray:
    embedder = context.detector.embedder
    return np.asarray(embedder.embed(a) @ embedder.embed(b).T)


def _topic_similarity(context: InterviewContext, answer: str, pending: dict[str, Any]) -> float:
    """How close the answer is to the problem and to what was just asked (for off-topic answers)."""
    question = context.scene.question
    # The probe's own text was embedded (and cached) when its quote was chosen: no new embedding per turn.
    topics = [f"{question.title}. {question.prompt}", pending.get("probe_text") or pending["text"]]
    return float(_similarity(context, [answer], topics).max())


def _quote(context: InterviewContext, answer: str, probe_text: str) -> str | None:
    """The sentence of the last answer closest to the next probe, to refer back to it (from what the candidate
    said, not from code they pasted)."""
    sentences = [u.text for u in candidate_units(Transcript(turns=[
        Turn(id=1, speaker=CANDIDATE, role="candidate", text=without_code(answer))]))]
    if not sentences:
        return None
    scores = _similarity(context, sentences, [probe_text])[:, 0]
    best = int(scores.argmax())
    return pick_quote(sentences[best]) if scores[best] >= QUOTE_SIMILARITY else None


def _fact(context: InterviewContext, asked: str) -> str | None:
    """The question's fact that answers the candidate's clarifying question, if one does."""
    facts = context.scene.question.facts
    if not facts:
        return None
    keys = list(facts)
    scores = _similarity(context, [asked], [f"{key.replace('-', ' ')}: {facts[key]}" for key in keys])[0]
    lowered = asked.lower()
    for index, key in enumerate(keys):
        if any(word in lowered for word in key.split("-") if len(word) > 3):
            scores[index] += 0.15
    best = int(scores.argmax())
    return facts[keys[best]] if scores[best] >= FACT_SIMILARITY else None


def _retrieve(context: InterviewContext, state: InterviewState, answer: str
              ) -> tuple[dict[str, float], list[dict[str, str]]]:
    """Probes of this question ranked by the last answer, and strong sample excerpts on the same ground.
    While the index is still loading, the planner goes on without retrieval."""
    if not answer or not context.retriever.ready():
        return {}, []
    scene = context.scene
    probes = context.retriever.retrieve(answer, round=scene.rubric.round.value, kind="probe",
                                        question=scene.question.id, k=len(scene.question.probes))
    relevance = {str(s.metadata.get("probe")): s.score for s in probes}
    samples = context.retriever.retrieve(answer, round=scene.rubric.round.value, kind="transcript",
                                         level="L6", k=2)
    return relevance, [{"source": s.source, "heading": s.heading, "text": s.text[:EXCERPT_CHARS]} for s in samples]
