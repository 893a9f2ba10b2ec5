"""The data types every module shares. Plain pydantic models; unknown keys are rejected."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Round(StrEnum):
    SYSTEM_DESIGN = "system-design"
    ML_SYSTEM_DESIGN = "ml-system-design"
    AI_SYSTEMS_DESIGN = "ai-systems-design"
    ML_CODING = "ml-coding"
    STATISTICS = "statistics"
    BEHAVIORAL = "behavioral"


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


class Dimension(Strict):
    id: str
    name: str
    weight: float = 1.0
    below_bar: str
    execution_bar: str
    strategy_bar: str
    signals: list[str] = Field(min_length=1)


class Rubric(Strict):
    round: Round
    title: str
    dimensions: list[Dimension]
    signals: dict[str, Signal]
    """Every signal the rubric's dimensions name, shared ones included."""

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


class CodeTest(Strict):
    """One hidden test of an ML coding question: `call` is evaluated in the candidate's namespace and compared
    with `expect` (numbers within `tolerance`, element by element for nested lists)."""

    name: str
    call: str
    expect: str
    tolerance: float | None = None
    kind: Literal["basic", "edge", "performance"] = "basic"


class CodeSpec(Strict):
    """What an ML coding question runs: the function the candidate writes, its tests and limits."""

    entry: str
    signature: str
    tests: list[CodeTest] = Field(min_length=4)
    reference: str
    """A reference solution; a test checks that it passes every test of the question."""
    time_limit: float = 2.0
    """Seconds of CPU for the whole test run."""
    memory_mb: int = 512


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
    """ML coding questions only: the function to write and its hidden tests."""
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
