"""What the interviewer does next: pure functions over plain data, no model and no I/O.

The planner keeps the phase clock, reads what kind of answer came in, and picks the next follow-up: one that
probes a signal the candidate has not shown (and did not just touch), that their last answer does not already
answer, ranked by the level's bar, the company's emphasis, whether it builds on the candidate's own words, and
how closely it follows what they said. A phase ends when its time is spent or its ground is covered and no
deeper angle is left; the round paces itself so that the main phases share the time before the wrap-up.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from interviewer.candidate_questions import question_words, questions_in, statement_words
from interviewer.catalog import Phase
from interviewer.hooks import Hook
from interviewer.moves import Candidate, RoundMoves, phase_candidates, template_of
from interviewer.types import Level, Question, Rubric

AnswerKind = Literal["answer", "dont_know", "short", "clarifying", "off_topic", "command"]
MoveKind = Literal["opening", "probe", "clarify", "elaborate", "hint", "closing_questions", "answer_questions",
                   "end"]
Command = Literal["hint", "skip", "end"]
Closing = Literal["time", "early"]

SHORT_WORDS = 4
CLARIFY_STATEMENT_WORDS = 30
"""An answer with questions and at most this many words of statements (or more words of questions than of
statements) is a clarifying turn: it waits for replies, not for a follow-up."""
OFF_TOPIC_SIMILARITY = 0.12
QUOTE_WORDS = 18
DEEPER_SECONDS = 60.0
"""A phase whose ground is covered goes deeper (a second angle on a signal not yet shown) while at least this
much of its time is left."""
BACK_FILL_SECONDS = 180.0
"""With more than this left before the wrap-up and the later phases exhausted, the round goes back to earlier
ground it has not dug into rather than end early."""
DEEPER_TIMES = 2
"""Going deeper, a signal already asked this many times is left alone."""
HOOK_TEMPLATE_USES = 2
HOOK_GAP = 4
"""A move that builds on the candidate's words is used at most twice a round, and not within four follow-ups
of its last use."""
WRAP_QUESTIONS_SHARE = 0.6
"""In the wrap-up, the candidate's questions come when this share of the wrap-up's time is left (before that,
a wrap-up probe)."""
WRAP_EXCHANGES = 2
"""Rounds of the candidate's questions at the end, at most."""
WRAP_MORE_SECONDS = 60.0
_DONT_KNOW = re.compile(
    r"^\W*((honestly|um+|uh+|hmm+|well|sorry|so|to\s+be\s+honest)\W+)*"
    r"(i\s+(really\s+)?(do\s*n[o']?t|dunno)\s+know|not\s+sure|no\s+idea|i'?m\s+not\s+(sure|familiar)|"
    r"i\s+can'?t\s+(remember|recall)|pass\b|i\s+have\s+no\s+idea|no\s+clue)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Analysis:
    kind: AnswerKind
    text: str = ""
    command: Command | None = None


def classify_answer(text: str, command: Command | None, topic_similarity: float | None) -> Analysis:
    """Command, "I don't know", one-word, a clarifying turn (questions to the interviewer and little else),
    off-topic, or an answer. An answer may still carry questions: `candidate_questions.questions_in`."""
    if command is not None:
        return Analysis("command", text, command)
    stripped = text.strip()
    words = stripped.split()
    if _DONT_KNOW.match(stripped) and len(words) <= 12:
        return Analysis("dont_know", stripped)
    if len(words) < SHORT_WORDS:
        return Analysis("short", stripped)
    statements = statement_words(stripped)
    if questions_in(stripped) and (statements <= CLARIFY_STATEMENT_WORDS or question_words(stripped) >= statements):
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
    source: str | None = None
    """Where the follow-up comes from: the question's probes, the round's library, or a hook in the answer."""
    hook: str | None = None
    """The candidate's words a hook move builds on (already inside `probe_text`)."""
    prefix: list[str] = field(default_factory=list)
    """Phrase kinds said before the question: acknowledge, dont_know, skip, refer, transition, time_up ..."""
    quote: str | None = None
    facts: list[str] = field(default_factory=list)
    """Answers to the candidate's questions (from the question's facts, or at the end from the persona)."""
    unanswered: list[str] = field(default_factory=list)
    """The candidate's questions nothing answers: their call, with an assumption said out loud."""
    not_mine: list[str] = field(default_factory=list)
    """Their questions about the team or company the interviewer cannot answer (the recruiter can)."""
    confirm: bool = False
    """Say first that the candidate's framing works (they asked "does that match?")."""
    hint: str | None = None
    hint_kind: str | None = None
    """"fact" or "pitfall": what the hint's words are."""
    covered: bool = False
    """The phase being left ended with its ground covered (a transition acknowledges what it produced)."""
    closing: Closing | None = None
    """For the end: "time" (time is up, or /end) or "early" (ended with time to spare)."""
    push: bool = False
    """Add the company's push: the first probe of a phase, on a dimension the company weighs more."""
    note: str | None = None
    """A fact said before the question (for example: "All 8 hidden tests pass.")."""
    tests: dict[str, Any] | None = None
    """The hidden tests' report on the candidate's code, when it was run this turn (the note or the probe says
    it; the offline voice words it its own way)."""
    previous_phase: int | None = None
    context: list[dict[str, str]] = field(default_factory=list)
    """Retrieved snippets (source, heading, text) that informed the move, for a model voice."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Clock:
    """Where the round stands in time. All figures in seconds of interview time.

    The wrap-up keeps its own budget at the end; the main phases share the time before it. A phase's allowance
    is its share of the main time still left when it started, so a round that runs behind shortens the phases
    to come, and one that runs ahead gives them more room."""

    budgets: list[float]
    elapsed: float
    phase: int
    phase_started: float

    @property
    def total(self) -> float:
        return sum(self.budgets)

    @property
    def wrap_up(self) -> int:
        return len(self.budgets) - 1

    def allowance(self, phase: int, started: float) -> float:
        if phase >= self.wrap_up:  # entered early, the wrap-up has all the time left
            return max(self.budgets[-1], self.total - started)
        main_left = max(self.total - self.budgets[-1] - started, 0.0)
        return main_left * self.budgets[phase] / sum(self.budgets[phase:self.wrap_up])

    @property
    def phase_used(self) -> float:
        return self.elapsed - self.phase_started

    @property
    def phase_left(self) -> float:
        if self.phase >= self.wrap_up:
            return self.total_left
        return min(self.allowance(self.phase, self.phase_started) - self.phase_used, self.main_left)

    @property
    def main_left(self) -> float:
        """Time left before the wrap-up is due."""
        return self.total - self.budgets[-1] - self.elapsed

    @property
    def total_left(self) -> float:
        return self.total - self.elapsed

    def table(self) -> list[tuple[float, float]]:
        """Per phase: its allowance (as things stand) and the time left in it (0 for phases gone by)."""
        rows: list[tuple[float, float]] = []
        current = self.allowance(self.phase, self.phase_started)
        scale = current / self.budgets[self.phase] if self.budgets[self.phase] and self.phase < self.wrap_up else 1.0
        for index, budget in enumerate(self.budgets):
            if index < self.phase:
                rows.append((budget, 0.0))
            elif index == self.phase:
                rows.append((current, max(self.phase_left, 0.0)))
            else:
                planned = budget if index == self.wrap_up else budget * scale
                rows.append((planned, planned))
        return rows


def phase_budgets(phases: list[Phase], minutes: float) -> list[float]:
    """Each phase's share of the round, scaled from its 45-minute budget to the round's length."""
    planned = sum(phase.minutes for phase in phases)
    return [phase.minutes / planned * minutes * 60 for phase in phases]


def signal_matters(signal_bar: str, level: Level) -> int:
    """Priority of a signal at this level: the level's own bar first, the other bar after."""
    return 2 if signal_bar == level.bar else 1


def home_phases(questions: list[Question]) -> dict[str, str]:
    """Each signal's usual phase: where the round's question bank probes it most often."""
    counts: dict[str, dict[str, int]] = {}
    for question in questions:
        for probe in question.probes:
            per_phase = counts.setdefault(probe.signal, {})
            per_phase[probe.phase] = per_phase.get(probe.phase, 0) + 1
    return {signal: max(per_phase, key=lambda phase: per_phase[phase]) for signal, per_phase in counts.items()}


@dataclass(frozen=True)
class Ground:
    """What stays fixed through a round: the question, the rubric, the round's library of moves, where each
    signal is usually probed, the target level and the company's dimension weights."""

    question: Question
    rubric: Rubric
    signal_phases: dict[str, str]
    level: Level
    weights: dict[str, float]
    library: RoundMoves | None = None


@dataclass(frozen=True)
class Situation:
    """What the planner knows after the candidate's last turn."""

    analysis: Analysis
    clock: Clock
    shown: set[str] = field(default_factory=set)
    """Signals shown so far."""
    recent: set[str] = field(default_factory=set)
    """Signals the last answer touched, even below the bar for shown: never probed right after."""
    touched: set[str] = field(default_factory=set)
    """Signals any answer touched: a first question goes to a signal nobody has touched yet."""
    showed: set[str] = field(default_factory=set)
    """Signals the last answer showed: when they belong to a later phase, the candidate has moved on."""
    asked: list[str] = field(default_factory=list)
    """Follow-up ids asked so far (never asked again)."""
    asked_signals: list[str] = field(default_factory=list)
    """The signal of each follow-up asked, in order."""
    stated: set[str] = field(default_factory=set)
    """Follow-up ids the candidate's answers already answer (never asked; nor, at first, their signals)."""
    stated_signals: set[str] = field(default_factory=set)
    """The signals of those: a generic move never asks about ground the answers already cover."""
    relevance: dict[str, float] = field(default_factory=dict)
    """How closely each follow-up (by id) follows the last answer."""
    hooks: list[Hook] = field(default_factory=list)
    current_probe: str | None = None
    current_signal: str | None = None
    last_source: str | None = None
    """Where the last follow-up came from (hook moves are not asked twice in a row)."""
    closing_asked: bool = False
    wrap_exchanges: int = 0
    elaborated: bool = False
    facts: list[str] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    not_mine: list[str] = field(default_factory=list)
    confirm: bool = False
    """The candidate asked the interviewer to confirm their framing."""
    hint: tuple[str, str] | None = None
    """The hint's words and kind ("fact", "pitfall") for the question on the table."""
    tests: dict[str, Any] | None = None


Depth = Literal["fresh", "hook", "specific", "library", "drill"]
DEPTHS: tuple[Depth, ...] = ("fresh", "hook", "specific", "library")
"""How far a phase digs, in order: ground nobody has touched; a move built on the last answer's own words;
the question's own probes on ground already touched; the round's generic moves on ground touched but not
shown. Past those, with time left in the round, "drill": moves built on the last answer's words, and the round's
generic moves not yet asked, even on ground shown before (a strong candidate's round goes deeper, it does not end
early)."""


def open_candidates(pool: list[Candidate], situation: Situation, depth: Depth = "fresh") -> list[Candidate]:
    """The follow-ups of a phase's `pool` (`phase_candidates`) that may be asked at this depth. Never one already
    asked or already answered, nor one on a signal the last answer showed or touched.
    - fresh: one follow-up per signal, on a signal not shown; a generic move only on ground no answer touched;
    - hook: a move built on the last answer's words (a signal asked twice is left alone; a template at most
      twice a round, not within a few follow-ups of its last use);
    - specific: the question's own probes on a signal never asked, whatever was shown before;
    - drill: moves built on the candidate's words (within the template limits) and generic moves not answered;
    - library: the round's generic moves on a signal not shown and asked at most once."""
    blocked = situation.recent | situation.showed
    asked = set(situation.asked)
    templates = [template_of(asked_id) for asked_id in situation.asked]
    out = []
    for candidate in pool:
        if candidate.id in asked or candidate.id in situation.stated or candidate.signal in blocked:
            continue
        if candidate.source == "library" and candidate.signal in situation.stated_signals:
            continue
        times = situation.asked_signals.count(candidate.signal)
        shown = candidate.signal in situation.shown
        if depth == "fresh":
            fits = times == 0 and not shown and not (candidate.source == "library"
                                                      and candidate.signal in situation.touched)
        elif depth == "hook":
            template = template_of(candidate.id)
            fits = (candidate.source == "hook" and not shown and times <= DEEPER_TIMES
                    and template not in templates[-HOOK_GAP:] and templates.count(template) < HOOK_TEMPLATE_USES)
        elif depth == "specific":
            fits = candidate.source == "question" and times == 0
        elif depth == "drill":
            template = template_of(candidate.id)
            fits = ((candidate.source == "hook" and template not in templates[-HOOK_GAP:]
                     and templates.count(template) < HOOK_TEMPLATE_USES)
                    or (candidate.source == "library" and candidate.signal not in situation.stated_signals))
        else:
            fits = candidate.source == "library" and not shown and times <= 1
        if fits:
            out.append(candidate)
    return out


def choose_probe(ground: Ground, phase_id: str, situation: Situation, depth: Depth = "fresh") -> Candidate | None:
    """The best open follow-up of the phase at this depth: the question's own probes and moves built on the
    candidate's words before the round's generic ones; then the level's bar, one that builds on the candidate's
    words, ground no answer has touched yet, the company's emphasis, how closely it follows the last answer, and
    the question's own order. Two moves built on the candidate's words never come in a row while anything else
    is open."""
    pool = phase_candidates(ground.question, ground.library, phase_id, situation.hooks)
    candidates = open_candidates(pool, situation, depth)
    if situation.last_source == "hook" and any(c.source != "hook" for c in candidates):
        candidates = [c for c in candidates if c.source != "hook"]
    if not candidates:
        return None
    order = {candidate.id: index for index, candidate in enumerate(candidates)}
    near = situation.touched | {candidate.signal for candidate in pool if candidate.id in situation.stated}

    def rank(candidate: Candidate) -> tuple[int, int, int, int, float, float, int]:
        signal = ground.rubric.signals[candidate.signal]
        dimension = ground.rubric.dimension_of(candidate.signal).id
        relevance = situation.relevance.get(candidate.id, 0.0)
        return (int(candidate.source == "library"), -signal_matters(signal.bar, ground.level),
                -int(candidate.source == "hook"), int(candidate.signal in near), -ground.weights.get(dimension, 1.0),
                -round(relevance, 2), order[candidate.id])

    return min(candidates, key=rank)


def deepest_probe(ground: Ground, phase_id: str, situation: Situation,
                  depths: tuple[Depth, ...] = DEPTHS) -> Candidate | None:
    """The first depth that has something to ask."""
    for depth in depths:
        pick = choose_probe(ground, phase_id, situation, depth)
        if pick is not None:
            return pick
    return None


def next_move(ground: Ground, situation: Situation, phases: list[Phase]) -> Move:
    """Decide the interviewer's next move after the candidate's last turn. Whatever it is, it first answers
    the questions the candidate asked."""
    move = _decide(ground, situation, phases)
    move.facts, move.unanswered = list(situation.facts), list(situation.unanswered)
    move.not_mine = list(situation.not_mine)
    move.confirm = situation.confirm and move.kind not in ("answer_questions", "end")
    move.tests = situation.tests
    return move


def _decide(ground: Ground, s: Situation, phases: list[Phase]) -> Move:
    clock = s.clock
    wrap_up = len(phases) - 1
    if s.analysis.command == "end":  # the candidate ends it: "That's our time" only when it is
        return Move("end", clock.phase, closing="time" if clock.total_left <= 0 else "early")
    if s.closing_asked:
        asked_back = bool(s.facts or s.unanswered or s.not_mine)
        if asked_back and s.wrap_exchanges < WRAP_EXCHANGES and clock.total_left > WRAP_MORE_SECONDS:
            return Move("answer_questions", wrap_up)
        return Move("end", wrap_up, closing="time" if clock.total_left <= 0 else "early")
    if clock.total_left <= 0:
        return Move("closing_questions", wrap_up, prefix=["time_up"], previous_phase=clock.phase)
    if s.analysis.command == "hint":
        hint, kind = s.hint or (None, None)
        return Move("hint", clock.phase, probe=s.current_probe, signal=s.current_signal, hint=hint, hint_kind=kind)
    waits = s.analysis.text.rstrip().endswith("?")
    if s.analysis.kind == "clarifying" or (s.confirm and (s.analysis.kind != "answer" or waits)):
        return Move("clarify", clock.phase, probe=s.current_probe)  # answer, or say yes, and let them go on
    # An answer that asked to confirm a framing on the way and went on gets the yes and the next question.
    if s.analysis.kind == "short" and not s.elaborated:
        return Move("elaborate", clock.phase, probe=s.current_probe)
    code_phase = next((index for index, phase in enumerate(phases) if phase.code), None)
    if s.tests and s.tests["failures"]:
        return test_failure_move(s.tests, max(clock.phase, code_phase or 0))
    prefix = {"dont_know": ["dont_know"], "off_topic": ["off_topic"], "command": ["skip"],
              "short": ["acknowledge"], "answer": ["acknowledge"], "clarifying": []}[s.analysis.kind]
    note = f"I ran your code against the hidden tests: all {s.tests['total']} pass." if s.tests else None
    phase = clock.phase
    if phase == wrap_up:
        return _wrap_up_move(ground, s, phases, prefix, note)
    if s.tests and code_phase is not None and phase <= code_phase:
        return _past_code(ground, s, phases, code_phase, prefix, note)
    over = clock.phase_left <= 0
    ahead = _moved_on(ground, s, phases)
    if ahead is not None and clock.main_left > 0:
        pick = deepest_probe(ground, phases[ahead].id, s)
        if pick is not None:
            move = _probe_move(pick, ahead, [*prefix, "follow"], note)
            move.previous_phase = phase
            return move
        # The answer covered the next phase outright: say so and open the one after.
        found = _next_open_phase(ground, s, phases, ahead)
        if found is not None:
            later, pick = found
            move = _probe_move(pick, later, [*[k for k in prefix if k != "acknowledge"], "transition"], note)
            move.previous_phase, move.covered = ahead, True
            return move
    if not over:
        # Ground nobody touched first; with time left in the phase, deeper: the candidate's own words, the
        # question's probes here, then those of phases the round went through quickly, then generic moves.
        roomy = clock.phase_left >= DEEPER_SECONDS
        pick = deepest_probe(ground, phases[phase].id, s, ("fresh", "hook", "specific") if roomy else ("fresh",))
        if pick is not None:
            return _probe_move(pick, phase, prefix, note)
    # The phase's own ground is dug out (or its time is spent): the next phase with something to ask, unless
    # the main phases' time is gone; then, with time left, the round's generic moves here, and the question's
    # probes of earlier phases it moved through quickly.
    opener = [kind for kind in prefix if kind != "acknowledge"]
    step = "time_up" if over else "transition"
    covered = _covered(ground, phases[phase].id, s.shown)
    found = _next_open_phase(ground, s, phases, phase) if clock.main_left > 0 else None
    if found is not None:
        later, pick = found
        weighed = ground.weights.get(ground.rubric.dimension_of(pick.signal).id, 1.0) > 1.0
        move = _probe_move(pick, later, [*opener, step], note)
        move.previous_phase, move.push, move.covered = phase, weighed, covered
        return move
    if not over and clock.phase_left >= DEEPER_SECONDS:
        pick = deepest_probe(ground, phases[phase].id, s, ("library",))
        if pick is not None:
            return _probe_move(pick, phase, prefix, note)
    if clock.main_left > BACK_FILL_SECONDS:
        back = _back_fill(ground, s, phases, ("specific",))
        if back is not None:
            return _probe_move(back, phase, [*prefix, "back"], note)
        for nearby in [phase, *range(wrap_up - 1, -1, -1)]:
            pick = choose_probe(ground, phases[nearby].id, s, "drill")
            if pick is not None:
                return _probe_move(pick, phase, prefix, note)
    if step == "transition" and clock.main_left > 0:
        step = "ahead"  # nothing left to ask before the wrap-up is due
    return _wrap_up_move(ground, s, phases, [*opener, step], note, entering_from=phase, covered=covered)


def _back_fill(ground: Ground, s: Situation, phases: list[Phase], depths: tuple[Depth, ...]) -> Candidate | None:
    """Ground of earlier phases the round went through quickly, still open at these depths (called with the
    question's own probes only: a generic "what's in scope?" has no place half an hour in)."""
    for earlier in range(s.clock.phase):
        pick = deepest_probe(ground, phases[earlier].id, s, depths)
        if pick is not None:
            return pick
    return None


def _next_open_phase(ground: Ground, s: Situation, phases: list[Phase], after: int) -> tuple[int, Candidate] | None:
    """The first main phase after `after` with a fresh follow-up or one of the question's probes still open, and
    that follow-up."""
    for later in range(after + 1, len(phases) - 1):
        pick = deepest_probe(ground, phases[later].id, s, ("fresh", "specific"))
        if pick is not None:
            return later, pick
    return None


def _moved_on(ground: Ground, s: Situation, phases: list[Phase]) -> int | None:
    """The next main phase, when the candidate has moved into it on their own: the last answer showed a
    signal at home there. (Only one step: an answer that touches the end of the round does not skip it.)"""
    following = s.clock.phase + 1
    if following >= len(phases) - 1:
        return None
    homes = {ground.signal_phases.get(signal) for signal in s.showed}
    return following if phases[following].id in homes else None


def _past_code(ground: Ground, s: Situation, phases: list[Phase], code_phase: int, prefix: list[str],
               note: str | None) -> Move:
    """The candidate's code passes the hidden tests: the round moves past the phase where code is written,
    acknowledging it, to the next phase with something to ask."""
    opener = [kind for kind in prefix if kind != "acknowledge"]
    found = _next_open_phase(ground, s, phases, code_phase)
    if found is not None:
        later, pick = found
        move = _probe_move(pick, later, [*opener, "transition"], note)
        move.previous_phase, move.covered = code_phase, True
        return move
    return _wrap_up_move(ground, s, phases, [*opener, "ahead"], note, entering_from=code_phase, covered=True)


def _probe_move(pick: Candidate, phase: int, prefix: list[str], note: str | None) -> Move:
    return Move("probe", phase, probe=pick.id, probe_text=pick.text, signal=pick.signal, source=pick.source,
                hook=pick.hook, prefix=prefix, note=note)


def _wrap_up_move(ground: Ground, s: Situation, phases: list[Phase], prefix: list[str], note: str | None,
                  entering_from: int | None = None, covered: bool = False) -> Move:
    """In the wrap-up: one of its probes while there is time for it, then the candidate's questions."""
    wrap_up = len(phases) - 1
    questions_due = s.clock.total_left <= WRAP_QUESTIONS_SHARE * s.clock.budgets[-1]
    pick = None if questions_due else deepest_probe(ground, phases[wrap_up].id, s, ("fresh", "specific"))
    if pick is not None:
        move = _probe_move(pick, wrap_up, prefix, note)
    else:
        move = Move("closing_questions", wrap_up, prefix=[k for k in prefix if k != "acknowledge"], note=note)
    move.previous_phase = entering_from
    move.covered = covered
    return move


def _covered(ground: Ground, phase_id: str, shown: set[str]) -> bool:
    """Whether the phase's ground is covered: at least half of the signals whose usual phase this is were shown
    (communication is observed, not announced). One signal is not the phase: "Good, we have the labels and
    features" after labels alone told the candidate features were done."""
    communication = set(next((d.signals for d in ground.rubric.dimensions if d.id == "communication"), []))
    home = [signal for signal, where in ground.signal_phases.items()
            if where == phase_id and signal not in communication]
    return bool(home) and 2 * sum(signal in shown for signal in home) >= len(home)


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
    return Move("probe", phase, probe=f"tests-{tests['turn']}", probe_text=text, signal=signal, source="tests",
                prefix=["acknowledge"])


def pick_quote(sentence: str, words: int = QUOTE_WORDS) -> str:
    """A verbatim stretch of the candidate's sentence, short enough to quote back."""
    tokens = sentence.split()
    if len(tokens) <= words:
        return sentence.strip().rstrip(".,;:")
    span = re.match(rf"\s*(\S+(?:\s+\S+){{{words - 1}}})", sentence)
    return (span.group(1) if span else " ".join(tokens[:words])).rstrip(".,;:") + "…"
