"""Run a practice round: the first question at once and the input ready with it, the graph and retrieval
loading behind it; every answer logged the moment it is sent (`inbox.py`), the interviewer working on its own
thread so the candidate is never kept from typing, and a resume that shows the conversation so far."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from interviewer.catalog import Catalog, load_persona, load_phrases
from interviewer.clocks import RoundClock, ScriptClock, WallClock
from interviewer.config import Settings
from interviewer.conversation import Answer, Conversation, LiveConversation, Status
from interviewer.errors import UserError
from interviewer.feedback.concept_match import ConceptMatcher
from interviewer.feedback.detector import SignalDetector
from interviewer.feedback.render import ROUND_TITLES
from interviewer.feedback.replay import grade
from interviewer.graph.reading import scene_texts
from interviewer.graph.state import question_turn, turn
from interviewer.inbox import Inbox
from interviewer.llm.base import Model
from interviewer.llm.voice import ModelVoice, OfflineVoice
from interviewer.planner import Clock, home_phases, phase_budgets
from interviewer.rag.embeddings import Embedder
from interviewer.rag.index import MANIFEST, CorpusIndex, Snippet, corpus_index
from interviewer.rag.onnx_model import int8_path
from interviewer.session import SessionMeta
from interviewer.session_store import Store, StoredSession, open_store
from interviewer.threads import ENGINE_THREAD, INDEX_THREAD
from interviewer.types import CompanyType, Feedback, Level, Question, Round, Transcript, Turn
from interviewer.voice import Scene, opening_text

if TYPE_CHECKING:
    from interviewer.graph.nodes import InterviewContext, Retriever

__all__ = ["Answer", "BackgroundIndex", "Conversation", "Engine", "Practice", "Status", "choose_question",
           "make_scene"]
SETUP_NOTICE = ("First run in this home: the interviewer is being prepared (about a minute). Start answering "
                "whenever you like; it replies as soon as it's ready.")
QUIT_WAIT_SECONDS = 5.0


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


def embed_round_texts(catalog: Catalog, embedder: Embedder) -> int:
    """Embed what every round compares answers with (done with the index build, so a first round is quick)."""
    texts = []
    for question in catalog.questions.values():
        phase_ids = [phase.id for phase in catalog.phases.get(question.round, [])]
        texts += scene_texts(question, catalog.moves.get(question.round), phase_ids, load_persona(question.round))
    embedder.embed(texts)
    return len(texts)


def first_run(settings: Settings) -> bool:
    """Whether this home still lacks the exported model or the index (`interviewer index` makes both); an index on
    a Chroma server (`chroma_url`) is not this home's to build."""
    if not int8_path(settings.cache_dir / "models").exists():
        return True
    return settings.chroma_url is None and not (settings.index_dir / MANIFEST).exists()


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
        signal_phases=home_phases(catalog.questions_for(round_)), library=catalog.moves.get(round_),
        common_words=catalog.common_words(),
    )


# --- retrieval that loads in the background -----------------------------------------------------


class BackgroundIndex:
    """The corpus index, built or opened on a thread. Until it is ready, retrieval returns nothing."""

    def __init__(self, index: CorpusIndex, start: bool = True) -> None:
        self._index = index
        self._ready = threading.Event()
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._load, name=INDEX_THREAD, daemon=True)
        self._starting = threading.Lock()
        self._started = False
        if start:
            self.start()

    def start(self) -> None:
        """Load the index on its thread, once: a shared index is started by every round that uses it."""
        with self._starting:
            if not self._started:
                self._started = True
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
        if self._thread.is_alive():
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
    # What answers are compared with is fixed: embed it now (a cache hit after `interviewer index`).
    embedder.embed(scene_texts(scene.question, scene.library, [phase.id for phase in scene.phases], scene.persona))
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
        self._position: dict[str, Any] | None = None
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
                    if self._position is not None:
                        self._position.update({key: value for key, value in (update or {}).items()
                                               if key in ("phase", "phase_started")})
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
                # Answers typed before the interviewer was ready are logged before the graph starts; a reply
                # beyond the opening in the log means the graph had moved on and its checkpoint is lost.
                if any(logged["role"] == "interviewer" and logged["id"] > 1 for logged in self.session.logged_turns()):
                    raise UserError(f"session {meta.id} cannot be resumed: its checkpoint is gone (a damaged "
                                    f"checkpoints file was set aside); your answers are in {self.session.log_location}")
                initial: dict[str, Any] = {
                    "session_id": meta.id, "round": meta.round, "level": meta.level, "company": meta.company,
                    "question_id": meta.question, "minutes": meta.minutes, "turns": []}
                for _ in self._run(initial):
                    pass
            elif snapshot.values.get("done"):
                return
            else:
                # Killed after a step's writes were saved but before the checkpoint that follows them: nothing is
                # next and nothing waits, yet the round is not over. Going on from the checkpoint applies them.
                for _ in self._run(None):
                    pass
                if self.graph.get_state(self.config).config == snapshot.config:
                    raise RuntimeError(f"session {self.session.meta.id}: the interview graph cannot go on")

    def submit(self, answer: Answer) -> Iterator[str]:
        from langgraph.types import Command

        return self._run(Command(resume=answer.to_resume()))

    def values(self) -> dict[str, Any]:
        return dict(self.graph.get_state(self.config).values)

    def position(self) -> tuple[int, float]:
        """The phase the round is in and the interview time it started: read from the state once, then followed
        through the graph's updates."""
        if self._position is None:
            values = self.values()
            self._position = {"phase": values.get("phase", 0), "phase_started": values.get("phase_started", 0.0)}
        return self._position["phase"], self._position["phase_started"]

    def pending(self) -> dict[str, Any] | None:
        """The question waiting for the candidate (None when the round is over)."""
        if not self._known:
            snapshot = self.graph.get_state(self.config)
            self._pending = snapshot.interrupts[0].value if snapshot.interrupts else None
            self._known = True
        return self._pending


# --- the loop -----------------------------------------------------------------------------------


@dataclass
class _Outcome:
    """What the interviewer's thread leaves for the candidate's: the feedback, or what went wrong."""

    feedback: Feedback | None = None
    error: BaseException | None = None
    done: bool = False


class Practice:
    """One session's round, from its first question (or where it stopped) to its feedback."""

    def __init__(self, settings: Settings, catalog: Catalog, session: StoredSession, embedder: Embedder,
                 model: Model | None = None, store: Store | None = None, index: BackgroundIndex | None = None) -> None:
        """`index`: retrieval shared with other rounds (a server's), which this round neither starts nor stops;
        without it the round opens its own once the interviewer is ready."""
        self.settings = settings
        self.model = model
        self.catalog = catalog
        self.session = session
        self.store = store or open_store(settings)
        self.scene = make_scene(catalog, session)
        self.embedder = embedder
        self._shared_index = index
        self._own_index: BackgroundIndex | None = None
        self._engine: Engine | None = None
        self._engine_error: BaseException | None = None
        self._engine_ready = threading.Event()
        self._clock: RoundClock = ScriptClock(session.clock_used())
        self._position = (0, 0.0)
        """The phase the round is in and the interview time it started (the interviewer's thread keeps it)."""
        self._quit_cleanly = True
        self._quiet = threading.Event()
        """Set while the interviewer is not working on a turn: a background index build runs only then."""
        self._quiet.set()

    def show_opening(self, conversation: Conversation) -> None:
        """Say and log the first question now; load the graph and the model behind it."""
        text = opening_text(self.scene)
        self.session.log_turn(turn(1, self.scene.persona.name, "interviewer", text))
        conversation.say(self.scene.persona.name, iter([text]))
        self.load_in_background()

    def load_in_background(self) -> None:
        """The model, the detector and the graph first (the interviewer needs them to reply), then the index
        (retrieval is an aid the round can start without)."""
        def load() -> None:
            try:
                self.embedder.warm()
                self.embedder.defer(INDEX_THREAD, self._quiet)
                retriever = self._shared_index
                if retriever is None:
                    retriever = self._own_index = BackgroundIndex(corpus_index(self.settings, self.embedder),
                                                                  start=False)
                engine = Engine(self.store, self.session, self.scene, self.embedder, retriever, self.catalog,
                                self.model)
                engine.settle()
                retriever.start()
                self._engine = engine
            except BaseException as error:  # noqa: BLE001 - reported on the main thread
                self._engine_error = error
            finally:
                self._engine_ready.set()

        threading.Thread(target=load, name=ENGINE_THREAD, daemon=True).start()

    def close(self) -> None:
        """Stop background work and release the checkpoint database. A round left while the interviewer was
        still being prepared, or mid-turn, leaves that to the process's end: everything said is logged."""
        if self._engine_ready.is_set() and self._own_index is not None and self._quit_cleanly:
            self._own_index.close()  # stops a build in progress; the checkpointer is the store's and stays open

    def engine(self) -> Engine:
        self._engine_ready.wait()
        if self._engine is None:
            raise self._engine_error or RuntimeError("the interview engine did not start")
        return self._engine

    def status(self) -> Status:
        """Where the round stands now, on the round's clock (wall time in a live round)."""
        scene = self.scene
        phase, started = self._position
        clock = Clock(phase_budgets(scene.phases, scene.minutes), self._clock.now(), phase, started)
        table = [(item.name, allowed, left) for item, (allowed, left) in zip(scene.phases, clock.table(), strict=True)]
        return Status(ROUND_TITLES[scene.question.round.value], scene.level.value, scene.phases[phase].name,
                      phase + 1, len(scene.phases), clock.phase_left, clock.total_left, table,
                      ready=self._engine is not None, round=scene.question.round.value)

    def run(self, conversation: Conversation) -> Feedback | None:
        """Until the round ends (feedback) or the candidate leaves (None). The candidate's answers are read on
        this thread, the interviewer works on its own; a script waits for each question before answering."""
        live = isinstance(conversation, LiveConversation)
        base = self.session.clock_used()
        self._clock = WallClock(base) if live else ScriptClock(base)
        inbox = Inbox(self.session)
        outcome = _Outcome()
        interviewer = threading.Thread(target=self._interview, args=(conversation, inbox, outcome, live),
                                       name="interviewer", daemon=True)
        output = conversation.live_output() if isinstance(conversation, LiveConversation) else nullcontext()
        with output:
            if live:
                self._notice_setup(conversation)
            interviewer.start()
            left = self._read_answers(conversation, inbox, outcome, live)
            if left:
                inbox.close()
            interviewer.join(QUIT_WAIT_SECONDS if left else None)
        if outcome.error is not None:
            raise outcome.error
        if left:
            self._quit_cleanly = not interviewer.is_alive()
            self.session.meta.elapsed = self._clock.now()
            self.session.save_meta()
            conversation.info(f"Saved. Continue with: interviewer resume {self.session.meta.id}")
            return None
        return outcome.feedback

    def _read_answers(self, conversation: Conversation, inbox: Inbox, outcome: _Outcome, live: bool) -> bool:
        """Read and send answers until the round is over (False) or the candidate leaves (True)."""
        while True:
            if not live and not inbox.wait_for_question():
                return False
            if outcome.done:
                return False
            answer = conversation.read(self.status)
            if answer is None:
                return not outcome.done
            inbox.put(self._clock.stamp(answer))
            if answer.command == "end":
                return False

    def _interview(self, conversation: Conversation, inbox: Inbox, outcome: _Outcome, live: bool) -> None:
        """The interviewer's thread: take each answer, say the next turn, log it, until the round ends."""
        name = self.scene.persona.name
        try:
            engine = self.engine()
            pending = engine.pending()
            self._show_pending(conversation, pending)
            while pending is not None:
                self._position = engine.position()
                taken = inbox.take(pending["turn"])
                if taken is None:
                    return
                answer, recovered = taken
                if recovered:
                    conversation.info("Recovered an answer you sent before the interruption.")
                self._quiet.clear()
                try:
                    conversation.say(name, engine.submit(answer))
                finally:
                    self._quiet.set()
                for item in engine.new_interviewer_turns:
                    self.session.log_turn(item)
                pending = engine.pending()
                if pending is not None:
                    self.session.log_turn(question_turn(pending, name))
            outcome.feedback = self._finish(engine)
        except BaseException as error:  # noqa: BLE001 - raised again on the candidate's thread
            outcome.error = error
        finally:
            outcome.done = True
            inbox.finish()
            if isinstance(conversation, LiveConversation):
                conversation.stop_reading()

    def _show_pending(self, conversation: Conversation, pending: dict[str, Any] | None) -> None:
        """A question the graph asked that the log never got (a crash in between) is shown and logged now."""
        if pending is None or any(t["id"] == pending["turn"] for t in self.session.logged_turns()):
            return
        name = self.scene.persona.name
        self.session.log_turn(question_turn(pending, name))
        conversation.say(name, iter([pending["text"]]))

    def _notice_setup(self, conversation: Conversation) -> None:
        """One line on a first run in a new home, where the model is exported and the corpus embedded in the
        background before the interviewer can reply."""
        if not self._engine_ready.is_set() and first_run(self.settings):
            conversation.info(SETUP_NOTICE)

    def _finish(self, engine: Engine) -> Feedback:
        values = engine.values()
        transcript = Transcript(round=self.scene.question.round, level=self.scene.level, company=self.scene.company,
                                question=self.scene.question.id,
                                turns=[Turn.model_validate(t) for t in values["turns"]])
        feedback = Feedback.model_validate(values["feedback"])
        self.session.meta.elapsed = self._clock.now()
        self.session.finish(transcript, feedback)
        return feedback

    def resume_display(self, conversation: Conversation) -> None:
        """Show the conversation so far, from the session's log (the interviewer's thread adds a question the
        log does not have yet)."""
        name = self.scene.persona.name
        for item in self.session.conversation():
            conversation.say(name if item["role"] == "interviewer" else "Candidate", iter([item["text"]]))
