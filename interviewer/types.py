"""The data types every module shares. Plain pydantic models; unknown keys are rejected."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _compiles(value: str) -> str:
    try:
        re.compile(value)
    except re.error as error:
        raise ValueError(f"not a regular expression ({error})") from None
    return value


RegexText = Annotated[str, AfterValidator(_compiles)]
"""A regular expression written in a data file, checked when the file is read."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Round(StrEnum):
    SYSTEM_DESIGN = "system-design"
    ML_SYSTEM_DESIGN = "ml-system-design"
    AI_SYSTEMS_DESIGN = "ai-systems-design"
    ML_CODING = "ml-coding"
    STATISTICS = "statistics"
    BEHAVIORAL = "behavioral"
    CODING = "coding"
    DEBUGGING = "debugging"
    PAIR_PROGRAMMING = "pair-programming"
    ML_FUNDAMENTALS = "ml-fundamentals"


class Level(StrEnum):
    L4 = "L4"
    L5 = "L5"
    L6 = "L6"
    L7 = "L7"

    @property
    def rank(self) -> int:
        return int(self.value[1:])

    @property
    def bar(self) -> Bar:
        return "strategy" if self.rank >= 6 else "execution"


class JobRole(StrEnum):
    ML_ENGINEER = "ml-engineer"
    AI_ENGINEER = "ai-engineer"
    DATA_SCIENTIST = "data-scientist"


class CompanyType(StrEnum):
    FAANG = "faang"
    AI_FIRST = "ai-first"
    PRODUCT = "product"
    STARTUP = "startup"


Bar = Literal["execution", "strategy"]
Role = Literal["interviewer", "candidate"]
Polarity = Literal["strength", "improvement"]
ClaimKind = Literal["observation", "judgment", "absence"]
Verdict = Literal["strong hire", "hire", "lean hire", "lean no hire", "no hire"]

TRANSCRIPT_SCHEMA_VERSION = 1


# --- rubric -------------------------------------------------------------------------------------


class Signal(Strict):
    """One observable behaviour a rubric looks for."""

    id: str
    name: str
    bar: Bar
    description: str
    examples: list[str] = Field(min_length=3)
    cues: list[str] = Field(default_factory=list)
    missing: str
    next_level: str
    needs_number: bool = False
    """Only a sentence with a number in it can show this signal (an estimate, a latency budget): "read replicas
    for high read throughput" reads close to "estimates drive design decisions" but estimates nothing."""


class Dimension(Strict):
    id: str
    name: str
    weight: float = 1.0
    below_bar: str
    execution_bar: str
    strategy_bar: str
    signals: list[str] = Field(min_length=1)
    asked_by: list[str] = Field(default_factory=list)
    """Interview questions that ask about this dimension (how a transcript from elsewhere shows which
    dimensions the interviewer raised); empty for dimensions every answer speaks to."""
    quality: Literal["substance", "delivery"] | None = None
    """How the answers were given also counts here (feedback/answer_quality.py): the substance of the answers that
    address the dimension, or the delivery of all of them."""


class HiddenTests(Strict):
    """Where a round that runs the candidate's code files the results: a dimension and its signal."""

    dimension: str
    signal: str
    edge_signal: str | None = None
    """The signal a failed edge-case test probes (else `signal`)."""


class Rubric(Strict):
    round: Round
    title: str
    dimensions: list[Dimension]
    signals: dict[str, Signal]
    """Every signal the rubric's dimensions name, shared ones included."""
    hidden_tests: HiddenTests | None = None
    """Rounds whose questions run code: the dimension and signal the hidden tests' results belong to."""

    def dimension_of(self, signal_id: str) -> Dimension:
        for dimension in self.dimensions:
            if signal_id in dimension.signals:
                return dimension
        raise KeyError(signal_id)


# --- questions ----------------------------------------------------------------------------------


class Probe(Strict):
    id: str
    signal: str
    phase: str
    text: str
    answered_if: RegexText | None = None
    """A regular expression: an answer it matches has already answered the probe (the library's moves on the same
    signal add theirs)."""


class CodeTest(Strict):
    """One hidden test of an ML coding question: `call` is evaluated in the candidate's namespace and compared
    with `expect` (numbers within `tolerance`, element by element for nested lists)."""

    name: str
    call: str
    expect: str
    tolerance: float | None = None
    kind: Literal["basic", "edge", "performance"] = "basic"


class CodeSpec(Strict):
    """What a coding question runs: the function or class the candidate writes, its tests and limits."""

    entry: str
    signature: str
    tests: list[CodeTest] = Field(min_length=4)
    reference: str
    """A reference solution; a test checks that it passes every test of the question."""
    harness: str = ""
    """Helpers the tests' calls use (ours, run after the candidate's code); their names start with `harness_`."""
    starter: str = ""
    """Code handed to the candidate with the question (debugging: the buggy version, which a test checks fails
    at least one hidden test)."""
    time_limit: float = 2.0
    """Seconds of CPU for the whole test run."""
    memory_mb: int = 512


class HttpExpect(Strict):
    """What a response must show: a status (or one of several), and a JSON body that contains `json`
    (objects by the keys given, lists item by item; "<int>", "<str>", "<any>" match any value of that kind,
    and "${name}" a value saved by an earlier request)."""

    status: int | list[int]
    json_body: Any = Field(default=None, alias="json")
    headers: dict[str, str] = Field(default_factory=dict)
    """Response headers that must be present with these values (names case-insensitive; "${name}" substituted)."""


class HttpRequest(Strict):
    """One request of a service test: "METHOD /path" ("${name}" substituted), with a JSON or raw body."""

    request: str
    json_body: Any = Field(default=None, alias="json")
    body: str | None = None
    """A raw body (for malformed input); sent instead of `json`."""
    headers: dict[str, str] = Field(default_factory=dict)
    repeat: int = Field(default=1, ge=1, le=1000)
    """Send the same request this many times (each response is checked; `save` keeps the last one's values)."""
    expect: HttpExpect
    save: dict[str, str] = Field(default_factory=dict)
    """Values to keep for later requests: name -> dotted path in the JSON response ("id", "items.0.id")."""


class ServiceTest(Strict):
    name: str
    step: int = Field(default=1, ge=1)
    kind: Literal["basic", "edge", "performance"] = "basic"
    requests: list[HttpRequest] = Field(min_length=1)


class ServiceSpec(Strict):
    """What a pair-programming question runs: the candidate's WSGI application, started on a loopback port
    afresh for every test, and the HTTP tests sent to it."""

    entry: str = "app"
    steps: list[str] = Field(min_length=1)
    """The build steps, in order (each test names its step by number)."""
    tests: list[ServiceTest] = Field(min_length=4)
    reference: str
    """A reference service; a test checks that it passes every test of the question."""
    starter: str = ""
    """Code handed to the candidate with the question (the interface to fill in)."""
    time_limit: float = 3.0
    """Seconds of CPU per test's service process."""
    request_timeout: float = 2.0
    memory_mb: int = 512
class KeyPoint(Strict):
    """One thing a complete answer to an ML fundamentals question says, with ways a candidate might say it."""

    id: str
    point: str
    examples: list[str] = Field(min_length=4)
    cues: list[str] = Field(default_factory=list)
    """Lowercase phrases that often come with the point (a bonus to a sentence's score)."""


class Misconception(Strict):
    """A common wrong belief about the concept: how candidates voice it, what is true instead, the key point that
    contradicts it (saying that point afterwards corrects it) and the interviewer's challenge when it is heard."""

    id: str
    belief: str
    correction: str
    examples: list[str] = Field(min_length=4)
    cues: list[str] = Field(min_length=1)
    """Lowercase phrases of which a sentence must contain one to be taken for the misconception: meaning alone
    cannot tell "uses the batch's statistics" from "uses the running statistics"."""
    contrast: str
    challenge: str


class ConceptSpec(Strict):
    """What an ML fundamentals question grades: the key points of a full answer and the misconceptions to catch."""

    key_points: list[KeyPoint] = Field(min_length=4)
    misconceptions: list[Misconception] = Field(min_length=2)


class Question(Strict):
    id: str
    round: Round
    title: str
    levels: list[Level]
    companies: list[CompanyType]
    prompt: str
    ambiguous_prompt: str
    facts: dict[str, str]
    probes: list[Probe] = Field(min_length=4)
    code: CodeSpec | None = None
    """Coding questions: the function or class to write and its hidden tests."""
    service: ServiceSpec | None = None
    """Pair-programming questions: the HTTP service to build and its hidden tests."""
    not_applicable: list[str] = Field(default_factory=list)
    """Rubric signals this question gives no occasion for (k-means has no gradients to derive, an ETA model no
    candidate stage): never claimed absent, never held against the candidate."""
    concepts: ConceptSpec | None = None
    """ML fundamentals questions only: the key points credited and the misconceptions caught."""
    pitfalls: list[str] = Field(default_factory=list)
    """The "Common pitfalls" of the question's body (the catalog reads them): concrete hints."""


class CompanyProfile(Strict):
    company: CompanyType
    title: str
    weights: dict[Round, dict[str, float]] = Field(default_factory=dict)
    emphasis: str = ""


# --- transcripts --------------------------------------------------------------------------------


class Turn(Strict):
    id: int
    speaker: str
    role: Role
    text: str
    at: datetime | None = None
    hint: bool = False
    """True for an interviewer turn given because the candidate asked for a hint."""
    probes: str | None = None
    """The rubric signal an interviewer turn asks about (our rounds record it; a pasted transcript has none)."""


class Transcript(Strict):
    schema_version: int = TRANSCRIPT_SCHEMA_VERSION
    round: Round | None = None
    level: Level | None = None
    company: CompanyType | None = None
    question: str | None = None
    started_at: datetime | None = None
    turns: list[Turn]

    def candidate_turns(self) -> list[Turn]:
        return [turn for turn in self.turns if turn.role == "candidate"]

    def turn(self, turn_id: int) -> Turn:
        for turn in self.turns:
            if turn.id == turn_id:
                return turn
        raise KeyError(turn_id)


class LabelledTranscript(Strict):
    """A corpus sample: a transcript with its level and the signals it shows and misses."""

    id: str
    round: Round
    question: str
    level: Level
    company: CompanyType
    signals_shown: list[str]
    signals_missed: list[str]
    transcript: Transcript


# --- feedback -----------------------------------------------------------------------------------


class Evidence(Strict):
    turn_id: int
    quote: str


class Claim(Strict):
    text: str
    dimension: str
    polarity: Polarity
    kind: ClaimKind
    signal: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    verified: bool = False


class DimensionGrade(Strict):
    dimension: str
    name: str
    score: int | None = Field(default=None, ge=1, le=4)
    """1-4 anchored to the level bars; None means insufficient evidence."""
    rationale: str
    signals_shown: list[str] = Field(default_factory=list)
    signals_missing: list[str] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    not_credited: list[str] = Field(default_factory=list)
    """Rubric behaviours of this dimension no answer showed clearly enough to credit, by name (the grader's
    finding, not a claim that the candidate never did them)."""
    credited_unprinted: list[str] = Field(default_factory=list)
    """Rubric behaviours credited in the grade whose claim is not printed: the checker found its quote only weakly
    supporting it (by name, so a grade never rests on evidence the reader cannot see named)."""
    quality_lifted: bool = False
    """The grade reaches the execution bar only through how the answers were given (no rubric behaviour shown):
    it counts in part toward a level."""

    @property
    def insufficient(self) -> bool:
        return self.score is None


class Verification(Strict):
    claims_total: int
    claims_verified: int
    claims_dropped: int


class Feedback(Strict):
    round: Round
    target_level: Level
    company: CompanyType | None = None
    verdict: Verdict
    level_estimate: Level
    summary: str
    dimensions: list[DimensionGrade]
    strengths: list[Claim]
    improvements: list[Claim]
    next_level: list[str]
    """What the next level above the estimate would have shown."""
    hints_taken: int = 0
    flags: list[str] = Field(default_factory=list)
    """Things a reader must know: prompt injection attempts, a model that was unavailable, ..."""
    verification: Verification
    grader: str = "offline"
    generated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
