"""What the interviewer does next: pure functions over plain data, no model and no I/O.

The planner keeps the phase clock, reads what kind of answer came in, and picks the next probe for a signal
the candidate has not yet shown that matters at this level and phase, ranked by the company's emphasis and
by how closely the probe follows what the candidate just said.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from interviewer.catalog import Phase
from interviewer.types import Level, Probe, Question, Rubric

AnswerKind = Literal["answer", "dont_know", "short", "clarifying", "off_topic", "command"]
MoveKind = Literal["opening", "probe", "clarify", "elaborate", "hint", "transition", "closing_questions", "end"]
Command = Literal["hint", "skip", "end"]

SHORT_WORDS = 4
CLARIFY_MAX_WORDS = 45
OFF_TOPIC_SIMILARITY = 0.12
QUOTE_WORDS = 18
_DONT_KNOW = re.compile(
    r"^\W*((honestly|um+|uh+|hmm+|well|sorry|so|to\s+be\s+honest)\W+)*"
    r"(i\s+(really\s+)?(do\s*n[o']?t|dunno)\s+know|not\s+sure|no\s+idea|i'?m\s+not\s+(sure|familiar)|"
    r"i\s+can'?t\s+(remember|recall)|pass\b|i\s+have\s+no\s+idea|no\s+clue)",
    re.IGNORECASE,
)
_QUESTION_START = re.compile(
    r"^\W*(can|could|may|should|do|does|did|is|are|will|would|what|how|which|who|when|where|why)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Analysis:
    kind: AnswerKind
    text: str = ""
    command: Command | None = None


def classify_answer(text: str, command: Command | None, topic_similarity: float | None) -> Analysis:
    """Command, "I don't know", one-word, a clarifying question to the interviewer, off-topic, or an answer."""
    if command is not None:
        return Analysis("command", text, command)
    stripped = text.strip()
    words = stripped.split()
    if _DONT_KNOW.match(stripped) and len(words) <= 12:
        return Analysis("dont_know", stripped)
    if len(words) < SHORT_WORDS:
        return Analysis("short", stripped)
    sentences = re.split(r"(?<=[.!?])\s+", stripped)
    asks = any(s.endswith("?") and _QUESTION_START.match(s) for s in sentences)
    if len(words) <= CLARIFY_MAX_WORDS and asks:
        return Analysis("clarifying", stripped)
    if topic_similarity is not None and topic_similarity < OFF_TOPIC_SIMILARITY:
        return Analysis("off_topic", stripped)
    return Analysis("answer", stripped)


@dataclass
class Move:
    """The planner's decision, handed to the voice as plain data."""

    kind: MoveKind
    phase: int
    probe: str | None = None
    probe_text: str | None = None
    signal: str | None = None
    prefix: list[str] = field(default_factory=list)
    """Phrase kinds said before the question: acknowledge, dont_know, skip, refer, transition, time_up ..."""
    quote: str | None = None
    fact: str | None = None
    push: bool = False
    """Add the company's push: the first probe of a phase, on a dimension the company weighs more."""
    note: str | None = None
    """A fact said before the question (for example: "All 8 hidden tests pass.")."""
    previous_phase: int | None = None
    context: list[dict[str, str]] = field(default_factory=list)
    """Retrieved snippets (source, heading, text) that informed the move, for a model voice."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Clock:
    """Where the round stands in time. All figures in seconds of interview time."""

    budgets: list[float]
    elapsed: float
    phase: int
    phase_started: float

    @property
    def total(self) -> float:
        return sum(self.budgets)

    @property
    def phase_used(self) -> float:
        return self.elapsed - self.phase_started

    @property
    def phase_left(self) -> float:
        return self.budgets[self.phase] - self.phase_used

    @property
    def total_left(self) -> float:
        return self.total - self.elapsed


def phase_budgets(phases: list[Phase], minutes: float) -> list[float]:
    """Each phase's share of the round, scaled from its 45-minute budget to the round's length."""
    planned = sum(phase.minutes for phase in phases)
    return [phase.minutes / planned * minutes * 60 for phase in phases]


def signal_matters(signal_bar: str, level: Level) -> int:
    """Priority of a signal at this level: the level's own bar first, the other bar after."""
    return 2 if signal_bar == level.bar else 1


GENERIC_PROBE = "I'd like to hear more on one area: {name}. How would you approach it here?"


def home_phases(questions: list[Question]) -> dict[str, str]:
    """Each signal's usual phase: where the round's question bank probes it most often."""
    counts: dict[str, dict[str, int]] = {}
    for question in questions:
        for probe in question.probes:
            per_phase = counts.setdefault(probe.signal, {})
            per_phase[probe.phase] = per_phase.get(probe.phase, 0) + 1
    return {signal: max(per_phase, key=lambda phase: per_phase[phase]) for signal, per_phase in counts.items()}


def phase_probes(question: Question, rubric: Rubric, phase_id: str, signal_phases: dict[str, str]) -> list[Probe]:
    """The question's probes for the phase, then a generic probe for each rubric signal whose home is this
    phase and which the question itself never probes (communication signals are observed, not asked, and a
    working solution is shown by the hidden tests)."""
    probes = [p for p in question.probes if p.phase == phase_id]
    probed = {p.signal for p in question.probes}
    communication = set(next((d.signals for d in rubric.dimensions if d.id == "communication"), []))
    shown_by_code = {rubric.hidden_tests.signal} if rubric.hidden_tests else set()
    for signal_id, home in signal_phases.items():
        if home == phase_id and signal_id not in probed and signal_id not in communication \
                and signal_id not in shown_by_code and signal_id in rubric.signals:
            name = rubric.signals[signal_id].name
            probes.append(Probe(id=f"generic-{signal_id}", signal=signal_id, phase=phase_id,
                                text=GENERIC_PROBE.format(name=name[0].lower() + name[1:])))
    return probes


def remaining_probes(probes: list[Probe], shown: set[str], asked: set[str]) -> list[Probe]:
    return [p for p in probes if p.id not in asked and p.signal not in shown]


@dataclass(frozen=True)
class Ground:
    """What stays fixed through a round: the question, the rubric, where each signal is usually probed, the
    target level and the company's dimension weights."""

    question: Question
    rubric: Rubric
    signal_phases: dict[str, str]
    level: Level
    weights: dict[str, float]


def choose_probe(ground: Ground, phase_id: str, shown: set[str], asked: set[str],
                 relevance: dict[str, float]) -> Probe | None:
    """The best open probe of the phase: the level's bar first, then the company's emphasis, then how closely it
    follows the candidate's last answer (retrieval similarity), then the question's own order."""
    probes = phase_probes(ground.question, ground.rubric, phase_id, ground.signal_phases)
    candidates = remaining_probes(probes, shown, asked)
    if not candidates:
        return None
    order = {probe.id: index for index, probe in enumerate(probes)}

    def rank(probe: Probe) -> tuple[int, float, float, int]:
        signal = ground.rubric.signals[probe.signal]
        dimension = ground.rubric.dimension_of(probe.signal).id
        return (-signal_matters(signal.bar, ground.level), -ground.weights.get(dimension, 1.0),
                -round(relevance.get(probe.id, 0.0), 2), order[probe.id])

    return min(candidates, key=rank)


def next_move(
    *,
    ground: Ground,
    analysis: Analysis,
    clock: Clock,
    phases: list[Phase],
    shown: set[str],
    asked: set[str],
    relevance: dict[str, float],
    current_probe: str | None,
    current_signal: str | None,
    closing_asked: bool,
    elaborated: bool,
    fact: str | None,
    tests: dict[str, Any] | None = None,
) -> Move:
    """Decide the interviewer's next move after the candidate's last turn."""
    wrap_up = len(phases) - 1
    if analysis.command == "end":
        return Move("end", clock.phase)
    if clock.phase == wrap_up:
        return Move("end", clock.phase) if closing_asked else Move("closing_questions", clock.phase)
    if clock.total_left <= 0:
        return Move("closing_questions", wrap_up, prefix=["time_up"], previous_phase=clock.phase)
    if analysis.command == "hint":
        return Move("hint", clock.phase, probe=current_probe, signal=current_signal)
    if analysis.kind == "clarifying":
        return Move("clarify", clock.phase, probe=current_probe, fact=fact)
    if analysis.kind == "short" and not elaborated:
        return Move("elaborate", clock.phase, probe=current_probe)
    if tests and tests["failures"]:
        return test_failure_move(tests, clock.phase)
    prefix = {"dont_know": ["dont_know"], "off_topic": ["off_topic"], "command": ["skip"],
              "short": ["acknowledge"], "answer": ["acknowledge"], "clarifying": []}[analysis.kind]
    phase = clock.phase
    note = f"I ran your code against the hidden tests: all {tests['total']} pass." if tests else None
    over_time = clock.phase_left <= 0
    probe = None if over_time else choose_probe(ground, phases[phase].id, shown, asked, relevance)
    if probe is not None:
        return Move("probe", phase, probe=probe.id, probe_text=probe.text, signal=probe.signal, prefix=prefix,
                    note=note)
    # The phase is done (goals met or time spent): open the next phase that still has something to ask.
    opener = [kind for kind in prefix if kind != "acknowledge"]
    for later in range(phase + 1, wrap_up):
        probe = choose_probe(ground, phases[later].id, shown, asked, relevance)
        if probe is not None:
            weighed = ground.weights.get(ground.rubric.dimension_of(probe.signal).id, 1.0) > 1.0
            return Move("probe", later, probe=probe.id, probe_text=probe.text, signal=probe.signal,
                        prefix=[*opener, "time_up" if over_time else "transition"], previous_phase=phase,
                        push=weighed, note=note)
    return Move("closing_questions", wrap_up, prefix=[*opener, "transition"], previous_phase=phase)


def test_failure_move(tests: dict[str, Any], phase: int) -> Move:
    """Follow up on the first hidden test the candidate's code did not pass (a service: the earliest build
    step's; a later step with nothing working yet is offered as the next thing to build)."""
    failure = tests["failures"][0]
    detail = f": {failure['detail']}" if failure.get("detail") else ""
    steps = tests.get("steps") or []
    if steps:
        counts = ", ".join(f"step {i} {name} {passed}/{total}" for i, (name, passed, total) in enumerate(steps, 1))
        heard = f"I ran your service against the hidden HTTP tests: {tests['passed']}/{tests['total']} pass ({counts})."
        number = failure.get("step") or 1
        name, passed, _ = steps[number - 1]
        if number > 1 and passed == 0:
            text = (f"{heard} Step {number}, {name}, isn't there yet{detail}. That's the next thing to build: "
                    f"how would you add it?")
        else:
            outcome = "failed" if failure["status"] == "failed" else f"ended {failure['status']}"
            text = f'{heard} The case "{failure["name"]}" {outcome}{detail}. What\'s going on there, and how would ' \
                   f"you fix it?"
    else:
        text = (f"I ran your code against the hidden tests: {tests['summary']}. Look at the case "
                f'"{failure["name"]}" ({failure["kind"]}), which ended {failure["status"]}{detail}. What happens '
                f"there, and how would you fix it?")
    signal = tests["edge_signal"] if failure["kind"] == "edge" else tests["signal"]
    return Move("probe", phase, probe=f"tests-{tests['turn']}", probe_text=text, signal=signal,
                prefix=["acknowledge"])


def pick_quote(sentence: str, words: int = QUOTE_WORDS) -> str:
    """A verbatim stretch of the candidate's sentence, short enough to quote back."""
    tokens = sentence.split()
    if len(tokens) <= words:
        return sentence.strip().rstrip(".,;:")
    span = re.match(rf"\s*(\S+(?:\s+\S+){{{words - 1}}})", sentence)
    return (span.group(1) if span else " ".join(tokens[:words])).rstrip(".,;:") + "…"
