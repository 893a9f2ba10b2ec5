"""Run a practice round: the first question at once, the graph and retrieval loading behind it, every turn
logged before the graph sees it, and a resume that recovers an answer the graph never received."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from interviewer.catalog import Catalog, load_persona, load_phrases
from interviewer.config import Settings
from interviewer.errors import UserError
from interviewer.feedback.concept_match import ConceptMatcher
from interviewer.feedback.detector import SignalDetector
from interviewer.feedback.render import ROUND_TITLES
from interviewer.feedback.replay import grade
from interviewer.graph.state import turn
from interviewer.llm.base import Model
from interviewer.llm.voice import ModelVoice, OfflineVoice
from interviewer.planner import home_phases, phase_budgets, phase_probes
from interviewer.rag.embeddings import Embedder
from interviewer.rag.index import CorpusIndex, Snippet, corpus_index
from interviewer.session import SessionMeta
from interviewer.session_store import Store, StoredSession, open_store
from interviewer.types import CompanyType, Feedback, Level, Question, Round, Transcript, Turn
from interviewer.voice import Scene, opening_text

if TYPE_CHECKING:
    from interviewer.graph.nodes import InterviewContext, Retriever


@dataclass(frozen=True)
class Answer:
    """What the candidate submitted: text, or a command (hint, skip, end), and how long it took."""

    text: str = ""
    command: str | None = None
    seconds: float = 0.0

    def to_resume(self) -> dict[str, Any]:
        return {"text": self.text, "command": self.command, "seconds": self.seconds,
                "at": datetime.now(UTC).isoformat(timespec="seconds")}


@dataclass(frozen=True)
class Status:
    round_title: str
    level: str
    phase_name: str
    phase_number: int
    phases: int
    phase_left: float
    total_left: float
    table: list[tuple[str, float, float]]
    """Per phase: name, budget and seconds left (the current and later phases)."""
    round: str = ""
    """The round's id (`system-design`), for commands that only some rounds take (/diagram)."""


class Conversation(Protocol):
    """Where the interview is shown and answers come from: a terminal, or a script."""

    def say(self, speaker: str, chunks: Iterator[str]) -> None: ...

    def info(self, text: str) -> None: ...

    def read(self, status: Callable[[], Status]) -> Answer | None:
        """The next answer or command; None when the candidate leaves (/quit, Ctrl-C, end of input)."""
        ...


# --- the scene ----------------------------------------------------------------------------------


def choose_question(catalog: Catalog, round_: Round, level: Level, company: CompanyType | None,
                    question_id: str | None, practised: set[str]) -> Question:
    if question_id is not None:
        question = catalog.questions.get(question_id)
        if question is None or question.round != round_:
            known = ", ".join(q.id for q in catalog.questions_for(round_)) or "none yet"
            raise UserError(f"no question {question_id!r} for {round_.value} (known: {known})")
        return question
    options = [q for q in catalog.questions_for(round_) if level in q.levels]
    if not options:
        raise UserError(f"the corpus has no {round_.value} questions yet")
    preferred = [q for q in options if company is None or company in q.companies] or options
    fresh = [q for q in preferred if q.id not in practised] or preferred
    return random.Random().choice(fresh)


def make_scene(catalog: Catalog, session: StoredSession) -> Scene:
    return scene_for(catalog, session.meta)


def scene_for(catalog: Catalog, meta: SessionMeta) -> Scene:
    if meta.round not in {r.value for r in Round} or meta.question not in catalog.questions:
        raise UserError(f"session {meta.id} asks question {meta.question!r} ({meta.round}), which this corpus "
                        "no longer has: it cannot be resumed")
    round_ = Round(meta.round)
    return Scene(
        persona=load_persona(round_), phrases=load_phrases(), question=catalog.questions[meta.question],
        rubric=catalog.rubric(round_), phases=catalog.phases[round_], level=Level(meta.level),
        company=CompanyType(meta.company) if meta.company else None, minutes=meta.minutes, session_id=meta.id,
        signal_phases=home_phases(catalog.questions_for(round_)),
    )


# --- retrieval that loads in the background -----------------------------------------------------


class BackgroundIndex:
    """The corpus index, built or opened on a thread. Until it is ready, retrieval returns nothing."""

    def __init__(self, index: CorpusIndex) -> None:
        self._index = index
        self._ready = threading.Event()
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._load, name="index", daemon=True)
        self._thread.start()

    def _load(self) -> None:
        try:
            self._index.ensure(cancel=self._cancel)
            self._index.retrieve("warm up", k=1)
            self._ready.set()
        except Exception:  # noqa: BLE001 - retrieval is an aid; the round goes on without it
            pass

    def close(self, timeout: float = 30.0) -> None:
        """Stop a build in progress (it resumes next time) and wait for the thread."""
        self._cancel.set()
        self._thread.join(timeout)

    def ready(self) -> bool:
        return self._ready.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._ready.wait(timeout)

    def retrieve(self, query: str, **filters: Any) -> list[Snippet]:
        return self._index.retrieve(query, **filters) if self.ready() else []


# --- the engine: graph, checkpointer, context ---------------------------------------------------


def interview_context(scene: Scene, embedder: Embedder, retriever: Retriever, catalog: Catalog,
                      model: Model | None = None) -> InterviewContext:
    """What the graph's nodes need for one round: detector, retrieval, grader and voice, warmed up."""
    from interviewer.graph.nodes import InterviewContext

    detector = SignalDetector(scene.rubric, embedder)
    detector.warm()
    # The question's probes (its own and the generic ones) are fixed: embed them now, not turn by turn.
    embedder.embed([probe.text for phase in scene.phases
                    for probe in phase_probes(scene.question, scene.rubric, phase.id, scene.signal_phases)])
    company = catalog.companies.get(scene.company) if scene.company else None
    concepts = ConceptMatcher(scene.question.concepts, embedder) if scene.question.concepts else None
    if concepts is not None:
        concepts.warm()

    def grade_round(transcript: Transcript) -> Feedback:
        return grade(transcript, scene.rubric, detector, target=scene.level, company=company, model=model,
                     question=scene.question)

    voice: ModelVoice | OfflineVoice = ModelVoice(model) if model is not None else OfflineVoice()
    return InterviewContext(scene=scene, detector=detector, retriever=retriever, grade=grade_round, voice=voice,
                            company=company, concepts=concepts)



class Engine:
    """The compiled graph with the store's checkpointer, bound to one session."""

    def __init__(self, store: Store, session: StoredSession, scene: Scene, embedder: Embedder,
                 retriever: BackgroundIndex, catalog: Catalog, model: Model | None = None) -> None:
        from interviewer.graph.build import build_graph

        self.graph = build_graph(store.checkpointer())
        self.config = {"configurable": {"thread_id": session.thread_id}}
        self.context = interview_context(scene, embedder, retriever, catalog, model)
        self.model = model
        self.retriever = retriever
        self.session = session
        self._pending: dict[str, Any] | None = None
        self._known = False
        self.new_interviewer_turns: list[dict[str, Any]] = []

    def _run(self, value: Any) -> Iterator[str]:
        """Run until the next interrupt or the end, yielding what the interviewer says as it is said.
        Remembers the new interrupt and the interviewer turns added, so no state read is needed after."""
        self._pending = None
        self.new_interviewer_turns = []
        for mode, chunk in self.graph.stream(value, self.config, context=self.context,
                                             stream_mode=["custom", "updates"], durability="sync"):
            if mode == "custom":
                yield chunk["text"]
            elif "__interrupt__" in chunk:
                self._pending = chunk["__interrupt__"][0].value
            else:
                for update in chunk.values():
                    for item in (update or {}).get("turns", []):
                        if item["role"] == "interviewer":
                            self.new_interviewer_turns.append(item)
        self._known = True

    def settle(self) -> None:
        """Bring the graph to a resting point: start it if it never ran, finish a step that a crash cut
        short (from its last checkpoint), and stop at the question that waits for the candidate, or the end."""
        while True:
            snapshot = self.graph.get_state(self.config)
            if snapshot.interrupts:
                return
            if snapshot.next:
                for _ in self._run(None):
                    pass
            elif not snapshot.values:
                meta = self.session.meta
                if any(logged["role"] == "candidate" for logged in self.session.logged_turns()):
                    raise UserError(f"session {meta.id} cannot be resumed: its checkpoint is gone (a damaged "
                                    f"checkpoints file was set aside); your answers are in {self.session.log_location}")
                initial: dict[str, Any] = {
                    "session_id": meta.id, "round": meta.round, "level": meta.level, "company": meta.company,
                    "question_id": meta.question, "minutes": meta.minutes, "turns": []}
                for _ in self._run(initial):
                    pass
            else:
                return

    def submit(self, answer: Answer) -> Iterator[str]:
        from langgraph.types import Command

        return self._run(Command(resume=answer.to_resume()))

    def values(self) -> dict[str, Any]:
        return dict(self.graph.get_state(self.config).values)

    def pending(self) -> dict[str, Any] | None:
        """The question waiting for the candidate (None when the round is over)."""
        if not self._known:
            snapshot = self.graph.get_state(self.config)
            self._pending = snapshot.interrupts[0].value if snapshot.interrupts else None
            self._known = True
        return self._pending

    def status(self) -> Status:
        values = self.values()
        scene = self.context.scene
        budgets = phase_budgets(scene.phases, scene.minutes)
        phase = values.get("phase", 0)
        clock = values.get("clock", 0.0)
        used = clock - values.get("phase_started", 0.0)
        table = []
        for index, item in enumerate(scene.phases):
            left = budgets[index] - used if index == phase else (budgets[index] if index > phase else 0.0)
            table.append((item.name, budgets[index], max(left, 0.0)))
        return Status(ROUND_TITLES[scene.question.round.value], scene.level.value, scene.phases[phase].name,
                      phase + 1, len(scene.phases), budgets[phase] - used, sum(budgets) - clock, table,
                      round=scene.question.round.value)

    def close(self) -> None:
        """Stop the index loading; the checkpointer is the store's and stays open."""
        self.retriever.close()


# --- the loop -----------------------------------------------------------------------------------


class Practice:
    """One session's round, from its first question (or where it stopped) to its feedback."""

    def __init__(self, settings: Settings, catalog: Catalog, session: StoredSession, embedder: Embedder,
                 model: Model | None = None, store: Store | None = None) -> None:
        self.settings = settings
        self.model = model
        self.catalog = catalog
        self.session = session
        self.store = store or open_store(settings)
        self.scene = make_scene(catalog, session)
        self.embedder = embedder
        self._engine: Engine | None = None
        self._engine_error: BaseException | None = None
        self._engine_ready = threading.Event()

    def show_opening(self, conversation: Conversation) -> None:
        """Say and log the first question now; load the graph and the model behind it."""
        text = opening_text(self.scene)
        self.session.log_turn(turn(1, self.scene.persona.name, "interviewer", text))
        conversation.say(self.scene.persona.name, iter([text]))
        self.load_in_background()

    def load_in_background(self) -> None:
        def load() -> None:
            try:
                self.embedder.warm()
                retriever = BackgroundIndex(corpus_index(self.settings, self.embedder))
                engine = Engine(self.store, self.session, self.scene, self.embedder, retriever, self.catalog,
                                self.model)
                engine.settle()
                self._engine = engine
            except BaseException as error:  # noqa: BLE001 - reported on the main thread
                self._engine_error = error
            finally:
                self._engine_ready.set()

        threading.Thread(target=load, name="engine", daemon=True).start()

    def close(self) -> None:
        """Stop background work and release the checkpoint database."""
        if self._engine_ready.wait(timeout=60) and self._engine is not None:
            self._engine.close()

    def engine(self) -> Engine:
        self._engine_ready.wait()
        if self._engine is None:
            raise self._engine_error or RuntimeError("the interview engine did not start")
        return self._engine

    def run(self, conversation: Conversation) -> Feedback | None:
        """Ask, log, submit, until the round ends (feedback) or the candidate leaves (None)."""
        name = self.scene.persona.name
        engine = self.engine()
        pending = engine.pending()
        recovered = self._recovered_answer(pending)
        while pending is not None:
            if recovered is not None:
                answer: Answer | None = recovered
                recovered = None
                conversation.info("Recovered your last answer from before the interruption.")
            else:
                answer = conversation.read(engine.status)
            if answer is None:
                conversation.info(f"Saved. Continue with: interviewer resume {self.session.meta.id}")
                return None
            if answer.text:
                self.session.log_turn(turn(pending["turn"] + 1, "Candidate", "candidate", answer.text))
            conversation.say(name, engine.submit(answer))
            for item in engine.new_interviewer_turns:
                self.session.log_turn(item)
            pending = engine.pending()
            if pending is not None:
                self.session.log_turn(turn(pending["turn"], name, "interviewer", pending["text"],
                                           hint=pending["hint"]))
        return self._finish(engine)

    def _recovered_answer(self, pending: dict[str, Any] | None) -> Answer | None:
        """An answer logged before a crash but never received by the graph is submitted, not asked again."""
        if pending is None:
            return None
        for logged in self.session.logged_turns():
            if logged["id"] == pending["turn"] + 1 and logged["role"] == "candidate":
                return Answer(text=logged["text"], seconds=0.0)
        return None

    def _finish(self, engine: Engine) -> Feedback:
        values = engine.values()
        transcript = Transcript(round=self.scene.question.round, level=self.scene.level, company=self.scene.company,
                                question=self.scene.question.id,
                                turns=[Turn.model_validate(t) for t in values["turns"]])
        feedback = Feedback.model_validate(values["feedback"])
        self.session.finish(transcript, feedback)
        return feedback

    def resume_display(self, conversation: Conversation) -> None:
        """Show where the round stands: the question that waits for an answer."""
        engine = self.engine()
        pending = engine.pending()
        if pending is not None and self._recovered_answer(pending) is None:
            name = self.scene.persona.name
            self.session.log_turn(turn(pending["turn"], name, "interviewer", pending["text"], hint=pending["hint"]))
            conversation.say(name, iter([pending["text"]]))
