"""Claim-level faithfulness of interview feedback: is every claim backed by what was said in the transcript?

Feedback (our JSON Feedback, or free Markdown / plain text from any source) is split into atomic claims; each
claim goes through the checks below and is "supported" only when it passes all of them:

1. quotes: every quote is verbatim (white space folded) in the cited turn, or in some turn when none is cited;
   a near-verbatim quote (token or character similarity >= 0.85) passes with a "near-verbatim" flag;
2. attribution: a quote given as the candidate's was not said by the interviewer;
3. negation: the claim keeps the negation of the candidate's clause around the quote, and adds none;
4. numbers, technologies and scope or seniority terms in the claim were said by the candidate (in the cited turns
   when cited);
5. support: an `EntailmentBackend` gives the probability that the candidate's words support the claim (>= 0.5);
6. absence claims ("never discussed X") hold against every candidate turn.

Undecidable claims (an absence whose topic is not recognised, a model that did not answer) count as unsupported.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import ValidationError

from interviewer.errors import UserError, first_problem
from interviewer.evaluation.claim_text import (
    blank_spans,
    clause_span,
    clauses,
    content_words,
    find_quotes,
    negations,
    numbers_in,
    scope_terms,
    split_claims,
    spoken_numbers,
    stem,
    technologies_in,
    technology_said,
    turn_references,
    without_quotes,
    without_references,
)
from interviewer.evaluation.entailment import (
    OFFLINE_WEIGHTS,
    EntailmentBackend,
    ModelEntailment,
    OfflineEntailment,
    OfflineWeights,
    calibrate_offline_weights,
    fit_offline_weights,
)
from interviewer.feedback.evidence import Unit, candidate_units, normalize
from interviewer.rag.corpus import read_yaml_file
from interviewer.rag.embeddings import Embedder, default_embedder
from interviewer.types import Claim, ClaimKind, Feedback, Role, Strict, Transcript, Turn

__all__ = [
    "OFFLINE_WEIGHTS",
    "CheckedInput",
    "CitedQuote",
    "ClaimCheck",
    "EntailmentBackend",
    "FaithfulnessReport",
    "ModelEntailment",
    "OfflineEntailment",
    "OfflineWeights",
    "calibrate_offline_weights",
    "check_claims",
    "check_feedback",
    "claims_from_feedback",
    "fit_offline_weights",
    "render_report",
    "split_claims",
]

NEAR_VERBATIM = 0.85
"""Token-level or character-level (difflib) similarity from which a quote that is not verbatim still passes."""
SUPPORT_THRESHOLD = 0.5
ABSENCE_SIMILARITY = 0.55
"""A speaker's sentence this close (cosine) to the topic of an absence claim contradicts it."""
NEGATION_SIMILARITY = 0.7
"""An uncited claim is held to the negation of the speaker's clause this close to it (cosine)."""
AUTHORITY_FILE = Path(__file__).resolve().parent.parent / "data" / "authority_prototypes.yaml"
AUTHORITY_SIMILARITY = 0.4
"""A clause this close to an authority prototype claims rank, authority or reach ..."""
AUTHORITY_SUPPORT = 0.5
"""... and needs a sentence of the speaker at least this close to it. Both chosen on the meta-evaluation's
true, paraphrased, seniority and seniority-heldout claims (at 0.4/0.5 no true or paraphrased claim is lost and
every held-out inflation is caught); the blind list (seniority-blind) was not used to choose."""
MIN_AUTHORITY_WORDS = 3
"""Shorter clauses are not read on their own."""
MISATTRIBUTION_SIMILARITY = 0.6
MISATTRIBUTION_MARGIN = 0.1

Verdict = Literal["supported", "unsupported"]


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


class ClaimCheck(Strict):
    text: str
    kind: ClaimKind
    verdict: Verdict
    reasons: list[str] = []
    """Why the claim is unsupported (empty when supported)."""
    flags: list[str] = []
    """Notes that do not fail the claim, such as a near-verbatim quote."""
    support: float | None = None
    """The backend's probability that the evidence supports the claim (None when not asked: absences, judgments)."""
    explanation: str = ""
    turns: list[int] = []
    """The turns its evidence was found in."""


class FaithfulnessReport(Strict):
    backend: str
    total: int
    supported: int
    score: float | None
    """Supported claims / all claims; None when the feedback holds no claim."""
    claims: list[ClaimCheck]


# --- claims ------------------------------------------------------------------------------------------------------

_INTERVIEWER_SUBJECT = re.compile(r"^\W*(?:the\s+)?interviewer(?:['’]s)?\b", re.IGNORECASE)
_REPORTING = re.compile(
    r"\b(?:said|says|stated|explained|argued|noted|claimed|decided|chose|answered|replied|agreed|admitted|"
    r"confirmed|insisted|suggested|proposed|preferred|opted|planned|promised|assumed|thought|believed)\b",
    re.IGNORECASE,
)
_REPORTED = re.compile(
    _REPORTING.pattern + r"\s*(?:that\s+)?(?:(?:he|she|they|it|we|you|i|this|the \w+)\s+)?"
    r"(?:(?:would|will|could|should|did|does|do|is|was|were|are|had|has|have|can|might|must|to)\s+)?$",
    re.IGNORECASE,
)
"""A reporting verb right before the negation: "said they would not", "decided not to"."""
_MENTION_VERBS = re.compile(
    r"^(?:discuss|mention|talk|bring|brought|raise|address|consider|cover|touch|ask|state|acknowledg|note|refer|"
    r"speak|spoke|say|said|name|cite|engag|explor|reference|hint|clarif|question|think|thought|rais|overlook|"
    r"miss|forgot|skip|omit|neglect|left out)",
    re.IGNORECASE,
)
_ABSENCE_PATTERNS = [
    re.compile(r"\bno\s+(?P<verb>mention|discussion|consideration|talk|reference|word|questions?|attempt)"
               r"(?:\s+(?:of|about|on|to|at))?\s+(?P<topic>.+)", re.IGNORECASE),
    re.compile(r"^(?P<topic>.+?)\s+(?:was|were|is|are)\s+(?:never|not)\s+(?:\w+ly\s+)?(?P<verb>discussed|mentioned|"
               r"addressed|considered|covered|raised|explained|quantified|estimated|justified|brought up)\b",
               re.IGNORECASE),
    re.compile(r"(?:\bnever|\bnot|n['’]t|\bno longer|\bfailed to|\bneglected to|\bomitted to|\bforgot to)\s+"
               r"(?:(?:ever|once|really|actually|explicitly|even|clearly|properly|directly|once|at all)\s+)*"
               r"(?P<verb>[a-z]+)(?:\s+(?:about|on|up|of|to|into|over|through|with|for))?\s+(?P<topic>.+)",
               re.IGNORECASE),
    re.compile(r"\bwithout\s+(?:ever\s+)?(?P<verb>[a-z]+ing)(?:\s+(?:about|on|up|of|to|into))?\s+(?P<topic>.+)",
               re.IGNORECASE),
    re.compile(r"\b(?P<verb>[a-z]+ed|gave|made|had|did|put|spent|wrote|ran|set|took|showed|drew|brought)\s+"
               r"(?:no|zero)\s+(?P<topic>.+)", re.IGNORECASE),
    re.compile(r"\binstead of\s+(?P<verb>[a-z]+ing)(?:\s+(?:about|on|up|of|to|into))?\s+(?P<topic>.+)", re.IGNORECASE),
    re.compile(r"\b(?P<verb>overlooked|ignored|skipped|missed|omitted|neglected|left out|forgot)\s+(?P<topic>.+)",
               re.IGNORECASE),
]
_TOPIC_END = re.compile(
    r"\s+(?:before|after|when|while|until|despite|even though|although|because|since|during|though|unless|"
    r"at all|in (?:the|this|their|his|her) (?:interview|answer|discussion|session|design)|throughout)\b.*$"
    r"|[.;:!?]+.*$|\s*[(\[].*$",
    re.IGNORECASE,
)
_LEADING = re.compile(r"^(?:a|an|the|any|their|his|her|its|your|our|some|specific|particular)\s+", re.IGNORECASE)
_WH = re.compile(r"^(?:who|what|which|how|why|whether|when|where)\b", re.IGNORECASE)
_HEDGE = re.compile(r"\bwithout\s+\w+ing\s+(?:it|this|them|that)\s+(?:clearly|fully|explicitly|in depth|well)\b",
                    re.IGNORECASE)
"""A hedge on how clearly something was shown ("touched on X without showing it clearly") negates nothing said."""


@dataclass(frozen=True)
class AbsenceTopic:
    topic: str
    verb: str
    mention: bool
    """True for mention-like verbs (discussed, mentioned, asked): any mention of the topic contradicts the claim.
    Otherwise (sized, quantified, justified) the doing is the topic ("sized the queue"), and a sentence that
    itself negates it does not contradict."""

    def phrases(self) -> list[str]:
        return subtopics(self.topic) if self.mention else [f"{self.verb} {part}" for part in subtopics(self.topic)]


def absence_topic(text: str) -> AbsenceTopic | None:
    """The negated topic of an absence claim ("never discussed eviction" -> eviction), or None."""
    core = without_references(text)
    if find_quotes(core):
        return None
    for pattern in _ABSENCE_PATTERNS:
        match = pattern.search(core)
        if not match:
            continue
        if _REPORTED.search(core[: match.start()]):
            return None  # "said they would not use Kafka" reports what was said; it is no absence
        topic = _TOPIC_END.sub("", match.group("topic")).strip(" ,")
        previous = None
        while topic != previous:
            previous, topic = topic, _LEADING.sub("", topic)
        if not content_words(topic):
            continue
        verb = match.group("verb")
        return AbsenceTopic(topic, verb, bool(_MENTION_VERBS.match(verb)))
    return None


def claims_from_feedback(feedback_text: str) -> list[CheckedInput]:
    """The claims of our JSON Feedback, as they are; or free feedback split into atomic claims, with the quotes
    ("..." or “...”) and turn references ("turn 7", "(t7)") of each."""
    stripped = feedback_text.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError:
            data = None
        if isinstance(data, dict):
            try:
                feedback = Feedback.model_validate(data)
            except ValidationError as error:
                raise UserError(f"the feedback is JSON but not our Feedback format ({first_problem(error)})") from None
            return _feedback_claims(feedback)
    return [text_claim(text) for text in split_claims(feedback_text)]


def _feedback_claims(feedback: Feedback) -> list[CheckedInput]:
    claims: list[Claim] = [*feedback.strengths, *feedback.improvements]
    claims += [claim for grade in feedback.dimensions for claim in grade.claims]
    seen: set[tuple[str, tuple[tuple[int, str], ...]]] = set()
    out: list[CheckedInput] = []
    for claim in claims:
        key = (claim.text, tuple((e.turn_id, e.quote) for e in claim.evidence))
        if key in seen:
            continue
        seen.add(key)
        out.append(claim_input(claim))
    return out


def claim_input(claim: Claim) -> CheckedInput:
    """One claim of our Feedback, as the checker reads it (the grader checks its claims this way before printing)."""
    return CheckedInput(
        text=claim.text, kind=claim.kind, signal=claim.signal, from_feedback=True,
        quotes=[CitedQuote(quote=e.quote, turn_id=e.turn_id) for e in claim.evidence],
        turns=list(dict.fromkeys(e.turn_id for e in claim.evidence)),
    )


def text_claim(text: str) -> CheckedInput:
    speaker: Role = "interviewer" if _INTERVIEWER_SUBJECT.match(text) else "candidate"
    found = find_quotes(text)
    references = turn_references(text)
    only = references[0] if len(references) == 1 else None
    quotes = [CitedQuote(quote=q.text, turn_id=q.turn_id if q.turn_id is not None else only,
                         speaker="interviewer" if q.by_interviewer else speaker) for q in found]
    kind: ClaimKind = "absence" if not quotes and absence_topic(text) is not None else "observation"
    return CheckedInput(text=text, kind=kind, speaker=speaker, quotes=quotes, turns=references)


# --- check 1 and 2: quotes and who said them ---------------------------------------------------------------------

_TOKEN = re.compile(r"[\w'’]+")


@dataclass(frozen=True)
class QuoteHit:
    turn: Turn
    start: int
    end: int
    similarity: float
    """1.0 when verbatim."""


def _fragments(quote: str) -> list[str]:
    parts = re.split(r"\s*(?:\.\.\.|…|\[\s*\.\.\.\s*\])\s*", quote)
    return [part.strip(" \t\n.,;:!?") for part in parts if _TOKEN.search(part)]


def _exact(fragment: str, text: str) -> tuple[int, int] | None:
    words = fragment.split()
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(word) for word in words), text)
    return (match.start(), match.end()) if match else None


def _near(fragment: str, text: str) -> tuple[int, int, float] | None:
    """The best window of the text by token similarity (difflib over words) or character similarity."""
    wanted = [token.lower().replace("’", "'") for token in _TOKEN.findall(fragment)]
    spans = list(_TOKEN.finditer(text))
    tokens = [match.group().lower().replace("’", "'") for match in spans]
    n = len(wanted)
    if not n or not tokens:
        return None
    vocabulary = set(wanted)
    present = [0]
    for token in tokens:
        present.append(present[-1] + (token in vocabulary))
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(wanted)
    scored: list[tuple[float, int, int]] = []
    for size in range(max(1, n - 2), n + 3):
        for start in range(0, max(len(tokens) - size, 0) + 1):
            end = min(start + size, len(tokens))
            if present[end] - present[start] < 0.6 * n:
                continue
            matcher.set_seq1(tokens[start:end])
            scored.append((matcher.ratio(), start, end))
    if not scored:
        return None
    scored.sort(reverse=True)
    joined = " ".join(wanted)
    best = (-1.0, 0, 0)
    for ratio, start, end in scored[:5]:
        characters = SequenceMatcher(None, joined, " ".join(tokens[start:end]), autojunk=False).ratio()
        best = max(best, (max(ratio, characters), start, end))
    score, start, end = best
    return spans[start].start(), spans[end - 1].end(), score


def locate(quote: str, turn: Turn, *, near: bool) -> QuoteHit | None:
    """Where the quote is in the turn: verbatim (white space folded), or with `near` at similarity >= 0.85. A quote
    with an ellipsis ("we shard ... by user") needs each of its pieces."""
    pieces = _fragments(quote)
    if not pieces:
        return None
    found: list[tuple[int, int, float]] = []
    for piece in pieces:
        exact = _exact(piece, turn.text)
        if exact is not None:
            found.append((*exact, 1.0))
            continue
        close = _near(piece, turn.text) if near else None
        if close is None or close[2] < NEAR_VERBATIM:
            return None
        found.append(close)
    return QuoteHit(turn, min(f[0] for f in found), max(f[1] for f in found), min(f[2] for f in found))


def find_quote(quote: CitedQuote, transcript: Transcript) -> tuple[QuoteHit | None, bool]:
    """The quote's place in the transcript, and whether the cited turn exists. The cited turn is searched first
    (verbatim, then near-verbatim), then the turns of the speaker the claim names, then the other speaker's."""
    cited: Turn | None = None
    exists = True
    if quote.turn_id is not None:
        try:
            cited = transcript.turn(quote.turn_id)
        except KeyError:
            exists = False
    if cited is not None:
        for near in (False, True):
            hit = locate(quote.quote, cited, near=near)
            if hit is not None:
                return hit, exists
    own = [t for t in transcript.turns if t.role == quote.speaker and t is not cited]
    other = [t for t in transcript.turns if t.role != quote.speaker and t is not cited]
    for near in (False, True):
        for turn in own + other:
            hit = locate(quote.quote, turn, near=near)
            if hit is not None:
                return hit, exists
    return None, exists


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_quote(quote: CitedQuote, transcript: Transcript) -> tuple[QuoteHit | None, list[str], list[str]]:
    """Checks 1 and 2 for one quote: (where it is, failing reasons, flags)."""
    hit, exists = find_quote(quote, transcript)
    reasons: list[str] = []
    flags: list[str] = []
    if hit is None:
        where = f" in turn {quote.turn_id}" if quote.turn_id is not None and exists else ""
        missing = "" if exists else f" (turn {quote.turn_id} does not exist)"
        return None, [f"quote not found{where}: \"{_short(quote.quote)}\"{missing}"], flags
    if hit.turn.role != quote.speaker:
        said_by = "interviewer" if hit.turn.role == "interviewer" else "candidate"
        reasons.append(f"attributed to the {quote.speaker} but said by the {said_by} (turn {hit.turn.id}): "
                       f"\"{_short(quote.quote)}\"")
    elif not exists:
        reasons.append(f"cites turn {quote.turn_id}, which does not exist (the quote is in turn {hit.turn.id})")
    elif quote.turn_id is not None and hit.turn.id != quote.turn_id:
        reasons.append(f"quote not found in the cited turn {quote.turn_id} (it is in turn {hit.turn.id})")
    if hit.similarity < 1.0:
        flags.append(f"near-verbatim (similarity {hit.similarity:.2f}, turn {hit.turn.id}): \"{_short(quote.quote)}\""
                     f" ~ \"{_short(hit.turn.text[hit.start:hit.end])}\"")
    return hit, reasons, flags


# --- the checker -------------------------------------------------------------------------------------------------


def units_of(transcript: Transcript, role: Role) -> list[Unit]:
    """The sentences (evidence units) of one speaker."""
    if role == "candidate":
        return candidate_units(transcript)
    swapped = [turn.model_copy(update={"role": "candidate" if turn.role == "interviewer" else "interviewer",
                                       "hint": False}) for turn in transcript.turns]
    return candidate_units(transcript.model_copy(update={"turns": swapped}))


@dataclass
class _Context:
    transcript: Transcript
    backend: EntailmentBackend
    embedder: Embedder
    units: dict[Role, list[Unit]]
    words: dict[Role, set[str]] = field(init=False)
    """Per speaker, the stems of every content word they said."""

    def __post_init__(self) -> None:
        self.words = {role: set().union(*(content_words(u.text) for u in units)) for role, units in self.units.items()}


def check_feedback(transcript: Transcript, feedback_text: str, backend: EntailmentBackend, *,
                   embedder: Embedder | None = None) -> FaithfulnessReport:
    """Check every claim of the feedback against the transcript. The embedder (for absence and negation checks)
    is the offline backend's, else the one given, else the default one."""
    return check_claims(transcript, claims_from_feedback(feedback_text), backend, embedder=embedder)


def check_claims(transcript: Transcript, claims: list[CheckedInput], backend: EntailmentBackend, *,
                 embedder: Embedder | None = None) -> FaithfulnessReport:
    if isinstance(backend, OfflineEntailment):
        embedder = backend.embedder
    context = _Context(transcript, backend, embedder or default_embedder(),
                       {"candidate": units_of(transcript, "candidate"),
                        "interviewer": units_of(transcript, "interviewer")})
    context.embedder.embed([piece for claim in claims if _is_observation(claim)  # one batched model call
                            for piece in _authority_pieces(claim, context)])
    checks = [_check(claim, context) for claim in claims]
    supported = sum(check.verdict == "supported" for check in checks)
    return FaithfulnessReport(backend=str(getattr(backend, "name", type(backend).__name__)), total=len(checks),
                              supported=supported, score=supported / len(checks) if checks else None, claims=checks)


def _check(claim: CheckedInput, context: _Context) -> ClaimCheck:
    transcript = context.transcript
    reasons: list[str] = []
    flags: list[str] = []
    hits: list[tuple[CitedQuote, QuoteHit]] = []
    for quote in claim.quotes:
        hit, quote_reasons, quote_flags = check_quote(quote, transcript)
        reasons += quote_reasons
        flags += quote_flags
        if hit is not None:
            hits.append((quote, hit))
    own_pairs = [(quote, hit) for quote, hit in hits if hit.turn.role == claim.speaker == quote.speaker]
    own_hits = [hit for _, hit in own_pairs]
    cited = [turn_id for turn_id in dict.fromkeys([*claim.turns, *(q.turn_id for q in claim.quotes)])
             if turn_id is not None and _role_of(transcript, turn_id) == claim.speaker]
    found_turns = list(dict.fromkeys([*(hit.turn.id for _, hit in hits), *cited]))
    result = ClaimCheck(text=claim.text, kind=claim.kind, verdict="unsupported", turns=found_turns)

    if claim.kind == "absence":
        reasons += _check_absence(claim, context)
        result.explanation = f"checked against every {claim.speaker} turn"
    elif not _is_observation(claim):
        if not claim.quotes:
            reasons.append("judgment without evidence")
        flags.append("judgment: held to its cited evidence (checks 1-2), its wording is a grade, not a claim")
    else:
        reasons += _check_specifics(claim, cited, context)
        reasons += _check_authority(claim, cited, context)
        reasons += _check_negation(claim, own_pairs, cited, context)
        reasons += _check_support(claim, own_hits, cited, context, result)
    result.reasons = reasons
    result.flags = flags
    result.verdict = "unsupported" if reasons else "supported"
    return result


def _is_observation(claim: CheckedInput) -> bool:
    """Held to checks 3-5 (a judgment from structured feedback is a grade, held to its evidence only)."""
    return claim.kind != "absence" and not (claim.kind == "judgment" and claim.from_feedback)


def _role_of(transcript: Transcript, turn_id: int) -> Role | None:
    try:
        return transcript.turn(turn_id).role
    except KeyError:
        return None


def _claim_words(claim: CheckedInput) -> str:
    """The claim without quotes given to the other speaker and without turn references."""
    spans = [(q.start, q.end) for q in find_quotes(claim.text) if q.by_interviewer and claim.speaker == "candidate"]
    return without_references(blank_spans(claim.text, spans))


def _scope(claim: CheckedInput, cited: list[int], context: _Context) -> str:
    turns = [turn for turn in context.transcript.turns if turn.role == claim.speaker]
    if cited:
        turns = [turn for turn in turns if turn.id in cited]
    return "\n".join(turn.text for turn in turns)


def _check_specifics(claim: CheckedInput, cited: list[int], context: _Context) -> list[str]:
    """Check 4: every number, named technology and scope or seniority term of the claim is in the speaker's words
    (the cited turns if any)."""
    text = _claim_words(claim)
    words = _scope(claim, cited, context)
    said = spoken_numbers(words)
    reasons = [f"number not said: {number.surface}" for number in numbers_in(text)
               if not any(number.matches(other) for other in said)]
    reasons += [f"technology not said: {name}" for name in technologies_in(text) if not technology_said(name, words)]
    said_scope = set(scope_terms(words))
    reasons += [f"scope or seniority not said: {term}" for term in scope_terms(text) if term not in said_scope]
    return list(dict.fromkeys(reasons))


@functools.cache
def authority_prototypes() -> tuple[str, ...]:
    return tuple(read_yaml_file(AUTHORITY_FILE, "authority prototypes")["prototypes"])


_LABEL_PREFIX = re.compile(r"^[^:]{1,160}:\s+(?=(?:the\s+)?(?:candidate|interviewer|they|he|she)\b)", re.IGNORECASE)
"""A rubric label before the assertion ("Influences across teams (strategy bar): the candidate said ..."): it
names what was graded, it does not say the candidate has it."""


_REPORTED_SPEECH = {stem(word) for word in ("they'd", "they'll", "they're", "they've", "themselves")}
"""What "I'd", "I'll"... become when feedback reports the candidate's words."""


def _authority_pieces(claim: CheckedInput, context: _Context) -> list[str]:
    """The claim's clauses worth reading for authority: long enough, and with a word the speaker never said (a
    clause made of the speaker's own words, such as a reported quote, adds no rank they did not claim)."""
    said = context.words[claim.speaker] | _REPORTED_SPEECH
    assertion = _LABEL_PREFIX.sub("", without_quotes(_claim_words(claim)))
    return [piece for piece in clauses(assertion)
            if len(words := content_words(piece)) >= MIN_AUTHORITY_WORDS and not words <= said]


def _check_authority(claim: CheckedInput, cited: list[int], context: _Context) -> list[str]:
    """Check 4b: a clause of the claim that reads as rank, authority or reach (close to one of the authority
    prototypes) must be close to something the speaker said (in the cited turns if any). The meaning-based
    counterpart of the scope terms, for inflations in words no list has."""
    pieces = _authority_pieces(claim, context)
    if not pieces:
        return []
    prototypes = authority_prototypes()
    units = [u.text for u in context.units[claim.speaker] if not cited or u.turn_id in cited]
    units += [part for unit in units for part in clauses(unit) if len(content_words(part)) >= MIN_AUTHORITY_WORDS]
    vectors = context.embedder.embed([*pieces, *prototypes, *units])
    own, kinds, said = (vectors[: len(pieces)], vectors[len(pieces): len(pieces) + len(prototypes)],
                        vectors[len(pieces) + len(prototypes):])
    authority = (own @ kinds.T).max(axis=1)
    support = (own @ said.T).max(axis=1) if len(said) else np.zeros(len(pieces))
    return [f"scope or seniority not said: \"{piece}\""
            for piece, closeness, backing in zip(pieces, authority, support, strict=True)
            if closeness >= AUTHORITY_SIMILARITY and backing < AUTHORITY_SUPPORT]


def _check_negation(claim: CheckedInput, hits: list[tuple[CitedQuote, QuoteHit]], cited: list[int],
                    context: _Context) -> list[str]:
    """Check 3: the claim keeps the negation of the speaker's clause around its quotes and adds none.

    A negation next to the quote but cut out of it ("I would not | use a global counter") must be in the claim.
    The claim's own assertion (its words outside quotes) must agree in polarity with the quoted clause when it
    restates that clause (the clause holds at least half of the assertion's content words); a label such as
    "Caching strategy" next to a quoted sentence restates nothing. A claim without quotes is held to the speaker's
    clause closest to it, when that clause is very close (cosine >= 0.7)."""
    words = _HEDGE.sub(" ", _claim_words(claim))
    assertion = without_quotes(words)
    asserted = bool(negations(assertion))
    stated = content_words(assertion)
    needed = max(1, math.ceil(len(stated) / 2))
    for quote, hit in hits:
        region_start, region = _region(hit)
        inside = (hit.start - region_start, hit.end - region_start)
        outside = region[: inside[0]] + " " + region[inside[1]:]
        carried = normalize(quote.quote) in normalize(words)
        if carried and negations(outside, lexical=False) and not negations(words):
            return [f"negation lost: the {claim.speaker} said \"{_short(region)}\" (turn {hit.turn.id})"]
        if len(content_words(region) & stated) < needed:
            continue
        said = bool(negations(region, lexical=asserted))
        if said and not asserted:
            return [f"negation lost: the {claim.speaker} said \"{_short(region)}\" (turn {hit.turn.id})"]
        if asserted and not said:
            return [f"negation lost: the claim negates what the {claim.speaker} said without one: "
                    f"\"{_short(region)}\" (turn {hit.turn.id})"]
    if hits or claim.quotes:
        return []
    units = [u for u in context.units[claim.speaker] if not cited or u.turn_id in cited]
    parts = [(unit.turn_id, part) for unit in units for part in clauses(unit.text) if content_words(part)]
    if not parts:
        return []
    vectors = context.embedder.embed([assertion, *(part for _, part in parts)])
    cosines = vectors[1:] @ vectors[0]
    best = int(cosines.argmax())
    if float(cosines[best]) < NEGATION_SIMILARITY:
        return []
    turn_id, part = parts[best]
    if bool(negations(part, lexical=asserted)) != asserted:
        return [f"negation lost: the claim's polarity differs from \"{_short(part)}\" (turn {turn_id})"]
    return []


def _region(hit: QuoteHit) -> tuple[int, str]:
    """The clause of the turn around the quote (the quote included), and where it starts."""
    start, end = clause_span(hit.turn.text, hit.start, hit.end)
    return start, hit.turn.text[start:end]


def _support_claim(claim: CheckedInput) -> str:
    """The claim as the backend sees it: without turn references, and without its quotes when the rest says
    enough on its own (then the quotes are the evidence, not the claim)."""
    core = re.sub(r"\s*\([^()\"“]*\)\s*[.!]?$", "", without_references(_HEDGE.sub(" ", claim.text))) or claim.text
    bare = without_references(without_quotes(core))
    return bare if len(content_words(bare)) >= 3 else core.replace("“", "\"").replace("”", "\"")


def _check_support(claim: CheckedInput, hits: list[QuoteHit], cited: list[int], context: _Context,
                   result: ClaimCheck) -> list[str]:
    """Check 5: the backend's probability that the speaker's words support the claim."""
    units = context.units[claim.speaker]
    if hits:
        evidence = [u.text for u in units if any(u.turn_id == h.turn.id and u.start < h.end and h.start < u.end
                                                 for h in hits)]
    elif cited:
        evidence = [u.text for u in units if u.turn_id in cited]
    else:
        evidence = [u.text for u in units]
    statement = _support_claim(claim)
    probability, explanation = context.backend.support(statement, evidence)
    if not isinstance(probability, float | int) or math.isnan(probability):
        probability, explanation = 0.0, f"undecidable: {explanation}"
    result.support = round(float(probability), 3)
    result.explanation = explanation
    if probability >= SUPPORT_THRESHOLD:
        return []
    reasons = [f"not supported by the {claim.speaker}'s words (p={probability:.2f})"]
    if not claim.quotes and claim.speaker == "candidate" and len(content_words(statement)) >= 3:
        reasons += _misattribution(statement, context)
    return reasons


def _misattribution(statement: str, context: _Context) -> list[str]:
    """An uncited claim that matches what the interviewer said far better than anything the candidate said."""
    theirs = context.units["interviewer"]
    ours = context.units["candidate"]
    if not theirs:
        return []
    vectors = context.embedder.embed([statement, *(u.text for u in theirs), *(u.text for u in ours)])
    cosines = vectors[1:] @ vectors[0]
    interviewer, candidate = cosines[: len(theirs)], cosines[len(theirs):]
    best = int(interviewer.argmax())
    top_candidate = float(candidate.max()) if len(candidate) else 0.0
    if float(interviewer[best]) >= MISATTRIBUTION_SIMILARITY and \
            float(interviewer[best]) >= top_candidate + MISATTRIBUTION_MARGIN:
        return [f"attributed to the candidate but said by the interviewer (turn {theirs[best].turn_id})"]
    return []


# --- check 6: absences -------------------------------------------------------------------------------------------

_GENERIC = {stem(word) for word in (
    "thing", "way", "part", "aspect", "issue", "point", "detail", "kind", "sort", "much", "enough", "real",
    # light verbs: "gave no numbers" is about the numbers, not about giving
    "gave", "give", "made", "make", "had", "did", "put", "spent", "showed", "show", "wrote", "ran", "set", "took",
    "drew", "brought", "provided", "offered", "included", "presented", "added",
)}
_NUMBER_WORDS = {"number", "figur", "estimat", "quantity", "quantifi", "quantify", "siz", "calculat", "comput",
                 "math"}
"""Key terms a number in the sentence stands for ("gave no numbers", "never sized the queue")."""


def subtopics(topic: str) -> list[str]:
    """"monitoring or alerting" -> both; "numbers for load, storage or bandwidth" -> "numbers for load", ..."""
    head = re.match(r"^(?P<head>.+?\b(?:for|of|on|about|in|to|with|around|between|within|across|from|into|at|by|"
                    r"over|under|per|after|before|behind)\b)\s+(?P<rest>.+)$", topic)
    prefix, rest = (head.group("head") + " ", head.group("rest")) if head else ("", topic)
    items = [item.strip() for item in re.split(r",\s*(?:and\s+|or\s+|nor\s+)?|\s+(?:or|and|nor)\s+", rest)]
    items = [item for item in items if content_words(item)]
    if len(items) <= 1:
        return [topic]
    return [topic, *(prefix + item for item in items)]


def _key_terms_present(topic: str, sentence: str) -> bool:
    """All key terms of the topic are in the sentence (a number stands for "numbers", "estimates"); a topic
    that is a question ("who the users are") needs two key terms at least, one word proves nothing there."""
    wanted = {word for word in content_words(topic) if word not in _GENERIC}
    if not wanted or (_WH.match(topic) and len(wanted) < 2):
        return False
    have = content_words(sentence)
    if spoken_numbers(sentence):
        have |= _NUMBER_WORDS
    return wanted <= have


def _check_absence(claim: CheckedInput, context: _Context) -> list[str]:
    """Check 6: no sentence of the speaker is close to the absent topic (cosine >= 0.55) or holds its key terms.
    With a doing verb ("never quantified X") a sentence that itself negates the topic does not contradict."""
    found = absence_topic(claim.text)
    if found is None:
        return ["absence claim whose topic is not recognised (undecidable)"]
    units = context.units[claim.speaker]
    if not units:
        return []
    topics = found.phrases()
    vectors = context.embedder.embed([*topics, *(unit.text for unit in units)])
    similarity = vectors[len(topics):] @ vectors[: len(topics)].T
    for row, unit in enumerate(units):
        for column, topic in enumerate(topics):
            if not (float(similarity[row, column]) >= ABSENCE_SIMILARITY or _key_terms_present(topic, unit.text)):
                continue
            if not found.mention:
                wanted = content_words(topic)
                closest = max(clauses(unit.text) or [unit.text], key=lambda part: len(content_words(part) & wanted))
                if negations(closest):
                    continue
            return [f"absence contradicted by turn {unit.turn_id}: \"{_short(unit.text)}\""]
    return []


# --- rendering ---------------------------------------------------------------------------------------------------


def render_report(report: FaithfulnessReport, fmt: Literal["md", "json"] = "md") -> str:
    if fmt == "json":
        return report.model_dump_json(indent=2) + "\n"
    if fmt != "md":
        raise ValueError(f"unknown report format {fmt!r}: use md or json")
    out = ["# Faithfulness check", ""]
    if report.score is None:
        out.append(f"No claims found in the feedback (support judged by {report.backend}).")
    else:
        out.append(f"Score: **{report.score:.2f}** ({report.supported} of {report.total} claims supported; "
                   f"support judged by {report.backend})")
    for index, check in enumerate(report.claims, start=1):
        probability = f" (p={check.support:.2f})" if check.support is not None else ""
        kind = f" *[{check.kind}]*" if check.kind != "observation" else ""
        out += ["", f"{index}. **{check.verdict}**{probability}{kind} {' '.join(check.text.split())}"]
        out += [f"   - {reason}" for reason in check.reasons]
        out += [f"   - flag: {flag}" for flag in check.flags]
    return "\n".join(out) + "\n"
