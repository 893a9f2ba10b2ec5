"""What every check reads and returns: the claim with its quotes located (`Located`), the transcript with its
speakers' sentences and their vectors (`Context`), and a `Verdict` (pass or fail, and why)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

from interviewer.evaluation.claim_text import blank_spans, clauses, content_words, find_quotes, without_references
from interviewer.feedback.evidence import Unit, candidate_units
from interviewer.rag.static_embeddings import StaticEmbedder
from interviewer.types import ClaimKind, Role, Strict, Transcript, Turn

if TYPE_CHECKING:
    from numpy.typing import NDArray


class CitedQuote(Strict):
    quote: str
    turn_id: int | None = None
    speaker: Role = "candidate"
    """Who the claim says said it."""


class CheckedInput(Strict):
    """One claim to check: its text, the quotes and turns it cites, and whose words it is about."""

    text: str
    kind: ClaimKind = "observation"
    speaker: Role = "candidate"
    quotes: list[CitedQuote] = []
    turns: list[int] = []
    signal: str | None = None
    from_feedback: bool = False
    """Taken from our JSON Feedback (its judgments are held to their evidence, not to entailment)."""


@dataclass(frozen=True)
class Verdict:
    """One check's finding on one claim (the shape of an inspect_ai score: a value and its explanation)."""

    check: str
    reasons: tuple[str, ...] = ()
    """Why the claim fails this check; empty when it passes."""
    flags: tuple[str, ...] = ()
    """Notes that do not fail the claim, such as a near-verbatim quote."""
    support: float | None = None
    explanation: str = ""

    @property
    def passed(self) -> bool:
        return not self.reasons


class EntailmentBackend(Protocol):
    def support(self, claim: str, evidence: list[str]) -> tuple[float, str]:
        """The probability that the evidence supports the claim, and a one-line explanation."""
        ...


@dataclass(frozen=True)
class QuoteHit:
    turn: Turn
    start: int
    end: int
    similarity: float
    """1.0 when verbatim."""


@functools.lru_cache(maxsize=65536)
def cached_words(text: str) -> frozenset[str]:
    """`content_words`, memoised: every claim is compared with the same sentences."""
    return frozenset(content_words(text))


def units_of(transcript: Transcript, role: Role) -> list[Unit]:
    """The sentences (evidence units) of one speaker."""
    if role == "candidate":
        return candidate_units(transcript)
    swapped = [turn.model_copy(update={"role": "candidate" if turn.role == "interviewer" else "interviewer",
                                       "hint": False}) for turn in transcript.turns]
    return candidate_units(transcript.model_copy(update={"turns": swapped}))


@dataclass(frozen=True)
class Part:
    """A clause of a speaker's sentence."""

    turn_id: int
    text: str


@dataclass
class Context:
    """One transcript, shared by every claim checked against it: each speaker's sentences, their clauses, their
    content words and their vectors, computed once."""

    transcript: Transcript
    backend: EntailmentBackend
    encoder: StaticEmbedder
    units: dict[Role, list[Unit]] = field(init=False)
    words: dict[Role, frozenset[str]] = field(init=False)
    """Per speaker, the stems of every content word they said."""
    speaker_names: list[str] = field(init=False)
    """Everyone who speaks in the transcript, by name, longest first (so "phd a" is tried before a shorter one)."""
    _vectors: dict[Role, NDArray[np.float32]] = field(init=False, default_factory=dict)
    _parts: dict[Role, list[Part]] = field(init=False, default_factory=dict)
    _speakers: re.Pattern[str] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.units = {role: units_of(self.transcript, role) for role in ("candidate", "interviewer")}
        self.words = {role: frozenset().union(*(cached_words(u.text) for u in units))
                      for role, units in self.units.items()}
        self.speaker_names = sorted({turn.speaker.strip() for turn in self.transcript.turns if turn.speaker.strip()},
                                    key=len, reverse=True)

    def embed(self, texts: list[str]) -> NDArray[np.float32]:
        return self.encoder.embed(texts)

    def vectors(self, role: Role) -> NDArray[np.float32]:
        """The vectors of the speaker's sentences, in the order of `units[role]`."""
        if role not in self._vectors:
            self._vectors[role] = self.embed([unit.text for unit in self.units[role]])
        return self._vectors[role]

    def parts(self, role: Role) -> list[Part]:
        """The clauses of the speaker's sentences that hold a content word."""
        if role not in self._parts:
            self._parts[role] = [Part(unit.turn_id, part) for unit in self.units[role] for part in clauses(unit.text)
                                 if cached_words(part)]
        return self._parts[role]

    def without_speakers(self, text: str) -> str:
        """The text without the names of the transcript's speakers: in a meeting "project manager" or "the
        marketing expert" names who spoke, not a rank or a technology the claim gives them."""
        if self._speakers is None and self.speaker_names:
            self._speakers = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(name) for name in self.speaker_names)
                                        + r")(?![\w-])", re.IGNORECASE)
        return self._speakers.sub(" ", text) if self._speakers else text

    def role_of(self, turn_id: int) -> Role | None:
        try:
            return self.transcript.turn(turn_id).role
        except KeyError:
            return None


RUBRIC_LABEL = re.compile(r"^[^:()]{1,80} \((?:execution|strategy) bar\)(?:, but only after a hint)?:\s*")
"""How our feedback's claims about a rubric behaviour begin (grading._observation)."""


@dataclass
class Located:
    """A claim with its quotes found in the transcript: what the checks after the quote check read."""

    claim: CheckedInput
    hits: list[tuple[CitedQuote, QuoteHit]]
    """Each quote found, with where."""
    quote_problems: list[str]
    """Quotes not found, or found in another turn than the cited one."""
    speaker_problems: list[str]
    """Quotes said by another speaker than the claim says."""
    flags: list[str]
    cited: list[int]
    """The cited turns of the claim's speaker."""

    @property
    def own_hits(self) -> list[tuple[CitedQuote, QuoteHit]]:
        """The quotes found in the turns of the speaker the claim is about."""
        speaker = self.claim.speaker
        return [(quote, hit) for quote, hit in self.hits if hit.turn.role == speaker == quote.speaker]

    @property
    def words(self) -> str:
        """The claim without quotes given to the other speaker and without turn references."""
        claim = self.claim
        spans = [(q.start, q.end) for q in find_quotes(claim.text) if q.by_interviewer and claim.speaker == "candidate"]
        return without_references(blank_spans(claim.text, spans))

    @property
    def reported_words(self) -> str:
        """`words` without the rubric label our feedback puts first ("Observability and SLOs (execution bar): the
        candidate said ..."): the label names the behaviour credited, so its technologies ("SLOs") are no claim
        about what the candidate named. (Its scope words still count: "Phased roadmap" on a sentence with no
        phases is a claim the sentence must bear out.)"""
        label = RUBRIC_LABEL.match(self.claim.text)
        return self.words[label.end():] if label else self.words

    def units(self, context: Context) -> list[Unit]:
        """The speaker's sentences the claim is held to: the cited turns' when it cites any, else all."""
        units = context.units[self.claim.speaker]
        return [u for u in units if u.turn_id in self.cited] if self.cited else units


def short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
