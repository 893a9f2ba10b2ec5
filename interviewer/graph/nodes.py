"""The interview's nodes. Each returns a partial state update; models and retrieval come from the run's
context, never from a global. `ask` is the only node that waits for the candidate (an `interrupt()`); it
has no side effects, because it runs again from its top when the graph resumes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from langgraph.config import get_stream_writer
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from interviewer.artefact_probes import artefact_probe
from interviewer.candidate_questions import questions_in
from interviewer.diagram import diagram_in
from interviewer.feedback.code_evidence import code_so_far, entry_of, run_hidden_tests
from interviewer.feedback.concept_match import ConceptMatcher
from interviewer.feedback.detector import SignalDetector, independent_clauses
from interviewer.feedback.evidence import candidate_units
from interviewer.graph import reading
from interviewer.graph.state import InterviewState, question_turn, turn
from interviewer.hooks import Hook, hooks_in
from interviewer.moves import Candidate, phase_candidates
from interviewer.planner import (
    Analysis,
    Clock,
    Ground,
    Move,
    Situation,
    classify_answer,
    next_move,
    phase_budgets,
    pick_quote,
)
from interviewer.rag.embeddings import Embedder
from interviewer.rag.index import Snippet
from interviewer.sandbox import defines
from interviewer.types import CompanyProfile, Feedback, Transcript, Turn
from interviewer.voice import Scene

CANDIDATE = "Candidate"
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
    return {"phase": 0, "phase_started": 0.0, "clock": 0.0, "shown": [], "touched": [], "asked": [],
            "asked_signals": [],
            "hooked": [], "hinted": [], "elaborated": False, "closing_asked": False, "wrap_exchanges": 0,
            "done": False, "move": Move("opening", 0).to_dict()}


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
               "phase": move.phase, "hint": move.kind == "hint", "probe_text": move.probe_text,
               "source": move.source}
    update: dict[str, Any] = {"pending": pending, "elaborated": move.kind == "elaborate"}
    if move.kind == "hint" and move.probe:
        pending["probe"] = move.probe  # the hint leaves the same question open
        update["hinted"] = [*state.get("hinted", []), move.probe]
    if move.probe and move.kind == "probe":
        update["asked"] = [*state.get("asked", []), move.probe]
        update["asked_signals"] = [*state.get("asked_signals", []), move.signal]
        if move.hook:
            update["hooked"] = [*state.get("hooked", []), move.hook]
    if move.kind == "closing_questions":
        update["closing_asked"] = True
    if move.kind == "answer_questions":
        update["wrap_exchanges"] = state.get("wrap_exchanges", 0) + 1
    if move.kind == "end":
        update["turns"] = [turn(turn_id, runtime.context.scene.persona.name, "interviewer", text)]
    return update


def ask(state: InterviewState, runtime: Runtime[InterviewContext]) -> dict[str, Any]:
    """Wait for the candidate. The answer is {"text" | "command", "clock" (interview seconds when it was
    sent) or "seconds" (how long it took), "at"}."""
    pending = state["pending"]
    answer = interrupt(pending)
    name = runtime.context.scene.persona.name
    turns = [question_turn(pending, name)]
    text = (answer.get("text") or "").strip()
    if text:
        turns.append(turn(pending["turn"] + 1, CANDIDATE, "candidate", text, at=answer.get("at")))
    before = state.get("clock", 0.0)
    clock = answer["clock"] if answer.get("clock") is not None else before + float(answer.get("seconds", 0.0))
    return {"turns": turns, "clock": max(before, float(clock)),
            "last": {"text": text, "command": answer.get("command")}}


def analyze(state: InterviewState, runtime: Runtime[InterviewContext]) -> dict[str, Any]:
    """What did the last answer show (and touch), what kind of answer was it, what does it ask, and which of
    its words can a follow-up build on?"""
    context = runtime.context
    scene = context.scene
    last = state["last"]
    if not last["text"]:
        return {"last": {**last, "kind": "command"}}
    embedder = context.detector.embedder
    text = reading.for_planning(last["text"], embedder)
    recent_turns = [Turn.model_validate({**t, "text": reading.for_planning(t["text"], embedder)}
                                        if t["role"] == "candidate" else t) for t in state["turns"][-2:]]
    sentences = reading.answer_sentences(text)
    clauses = [clause for sentence in sentences for clause in independent_clauses(sentence)]
    embedder.embed([text, *sentences, *clauses])  # one model call; the steps below hit the cache
    detection = context.detector.detect(Transcript(turns=recent_turns))
    shown = sorted(set(state.get("shown", [])) | detection.shown())
    floor = context.detector.policy.support_floor
    touched = sorted(s for s, r in detection.results.items() if r.best >= floor)
    pending = state["pending"]
    topic = reading.topic_similarity(embedder, scene.question, text, pending.get("probe_text") or pending["text"])
    on_subject = any(r.best >= context.detector.policy.touch_threshold for r in detection.results.values())
    analysis = classify_answer(text, None, None if on_subject else topic)
    tests = _run_tests(context, recent_turns[-1], state["turns"])
    if tests is not None or diagram_in(last["text"]) is not None:
        analysis = Analysis("answer", text)  # pasted code or a diagram is an answer, however short its prose
    company = scene.persona.companies[scene.company].answers if scene.company else []
    words = reading.spoken(text)
    asked = next((t["text"] for t in reversed(state["turns"][:-1]) if t["role"] == "interviewer"), "")
    reply = reading.reply_to(embedder, questions_in(words, asked), scene.question.facts, scene.persona.answers, company,
                             wrap_up=bool(state.get("closing_asked")), background=_background(scene),
                             said=[t["text"] for t in state["turns"] if t["role"] == "interviewer"])
    components = scene.library.component_names() if scene.library else []
    hooks = hooks_in(words, components, frozenset(state.get("hooked", [])))
    return {"shown": shown, "touched": sorted(set(state.get("touched", [])) | set(touched)),
            "last": {**last, "kind": analysis.kind, "topic": topic, "tests": tests,
                     "showed": sorted(detection.shown()), "recent": touched, "facts": reply.answers,
                     "unanswered": reply.unanswered, "confirm": reply.confirm, "not_mine": reply.not_mine,
                     "hooks": [{"kind": h.kind, "text": h.text} for h in hooks],
                     "misconceptions": _misconceptions(context, Turn.model_validate(state["turns"][-1]))}}


def plan(state: InterviewState, runtime: Runtime[InterviewContext]) -> dict[str, Any]:
    context = runtime.context
    scene = context.scene
    last = state["last"]
    embedder = context.detector.embedder
    analysis = Analysis(last.get("kind", "answer"), last["text"], last.get("command"))
    answer = reading.for_planning(last["text"], embedder)
    hooks = [Hook(h["kind"], h["text"]) for h in last.get("hooks", [])]
    candidates = _all_candidates(scene, hooks)
    pending = state["pending"]
    background = _background(scene)
    hint = None
    if analysis.command == "hint":
        asked = pending.get("probe_text") or pending["text"]
        given = state.get("hinted", []).count(pending.get("probe") or "")
        hint = reading.hint_for(embedder, scene.question, asked, given)
    clock = Clock(phase_budgets(scene.phases, scene.minutes), state.get("clock", 0.0), state.get("phase", 0),
                  state.get("phase_started", 0.0))
    ground = Ground(question=scene.question, rubric=scene.rubric, signal_phases=scene.signal_phases,
                    level=scene.level, library=scene.library,
                    weights=context.company.weights.get(scene.rubric.round, {}) if context.company else {})
    stated = reading.already_answered(embedder, _answers(state, embedder), candidates, background, scene.common_words,
                                      {sid: signal.cues for sid, signal in scene.rubric.signals.items()}) \
        if last["text"] else set()
    situation = Situation(
        analysis=analysis, clock=clock, shown=set(state.get("shown", [])), recent=set(last.get("recent", [])),
        touched=set(state.get("touched", [])), showed=set(last.get("showed", [])),
        asked=list(state.get("asked", [])), asked_signals=list(state.get("asked_signals", [])),
        stated=stated, stated_signals={c.signal for c in candidates if c.id in stated},
        relevance=reading.relevance(embedder, answer, candidates) if answer else {},
        hooks=hooks, current_probe=pending.get("probe"), current_signal=pending.get("signal"),
        last_source=pending.get("source"), closing_asked=state.get("closing_asked", False),
        wrap_exchanges=state.get("wrap_exchanges", 0), elaborated=state.get("elaborated", False),
        facts=list(last.get("facts", [])), unanswered=list(last.get("unanswered", [])),
        not_mine=list(last.get("not_mine", [])),
        confirm=bool(last.get("confirm")), hint=hint,
        tests=last.get("tests"),
    )
    move = next_move(ground, situation, scene.phases)
    quotable = move.kind == "probe" and analysis.kind == "answer" and move.source in ("question", "library")
    if quotable and move.probe_text:
        move.quote = reading.quote_for(embedder, answer, move.probe_text)
    followup = artefact_probe(move, round_=scene.rubric.round, turns=state["turns"], last=last,
                              asked=set(state.get("asked", [])), last_probe=pending.get("probe"),
                              phase=state.get("phase", 0))
    move = followup or move
    move.context = _samples(context, answer)
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


def _background(scene: Scene) -> str:
    """The problem statement: its words say nothing about which fact or follow-up a sentence is about."""
    return f"{scene.question.title} {scene.question.prompt} {scene.question.ambiguous_prompt}"


def _answers(state: InterviewState, embedder: Embedder) -> list[str]:
    return [reading.for_planning(t["text"], embedder) for t in state.get("turns", []) if t["role"] == "candidate"]


def _all_candidates(scene: Scene, hooks: list[Hook]) -> list[Candidate]:
    return [c for phase in scene.phases for c in phase_candidates(scene.question, scene.library, phase.id, hooks)]


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


def _samples(context: InterviewContext, answer: str) -> list[dict[str, str]]:
    """Strong sample excerpts on the same ground as the answer, for a model voice's judgement. While the index
    is still loading, the round goes on without them."""
    if not answer or not context.retriever.ready():
        return []
    scene = context.scene
    samples = context.retriever.retrieve(answer, round=scene.rubric.round.value, kind="transcript", level="L6", k=2)
    return [{"source": s.source, "heading": s.heading, "text": s.text[:EXCERPT_CHARS]} for s in samples]
