"""Checks 1 and 2: every quote is in the transcript (verbatim with white space folded, or near-verbatim with a
flag), in the turn it cites, and said by the speaker the claim gives it to."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from interviewer.evaluation.checks.base import CheckedInput, CitedQuote, Context, Located, QuoteHit, Verdict, short
from interviewer.evaluation.lexicon import thresholds
from interviewer.types import Transcript, Turn

_TOKEN = re.compile(r"[\w'’]+")


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
    """Where the quote is in the turn: verbatim (white space folded), or with `near` at the near_verbatim
    similarity or more. A quote with an ellipsis ("we shard ... by user") needs each of its pieces."""
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
        if close is None or close[2] < thresholds().near_verbatim:
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


def locate_claim(claim: CheckedInput, context: Context) -> Located:
    """Find each quote of the claim, and the turns of the claim's speaker that it cites."""
    located = Located(claim, [], [], [], [], [])
    for quote in claim.quotes:
        hit, exists = find_quote(quote, context.transcript)
        if hit is None:
            where = f" in turn {quote.turn_id}" if quote.turn_id is not None and exists else ""
            missing = "" if exists else f" (turn {quote.turn_id} does not exist)"
            located.quote_problems.append(f"quote not found{where}: \"{short(quote.quote)}\"{missing}")
            continue
        located.hits.append((quote, hit))
        if hit.turn.role != quote.speaker:
            said_by = "interviewer" if hit.turn.role == "interviewer" else "candidate"
            located.speaker_problems.append(f"attributed to the {quote.speaker} but said by the {said_by} "
                                            f"(turn {hit.turn.id}): \"{short(quote.quote)}\"")
        elif not exists:
            located.quote_problems.append(f"cites turn {quote.turn_id}, which does not exist (the quote is in turn "
                                          f"{hit.turn.id})")
        elif quote.turn_id is not None and hit.turn.id != quote.turn_id:
            located.quote_problems.append(f"quote not found in the cited turn {quote.turn_id} (it is in turn "
                                          f"{hit.turn.id})")
        if hit.similarity < 1.0:
            located.flags.append(f"near-verbatim (similarity {hit.similarity:.2f}, turn {hit.turn.id}): "
                                 f"\"{short(quote.quote)}\" ~ \"{short(hit.turn.text[hit.start:hit.end])}\"")
    cited = dict.fromkeys([*claim.turns, *(q.turn_id for q in claim.quotes)])
    located.cited = [turn_id for turn_id in cited
                     if turn_id is not None and context.role_of(turn_id) == claim.speaker]
    return located


def quotes_found(located: Located, context: Context) -> Verdict:
    """Check 1: each quote is in the transcript, in the turn it cites."""
    return Verdict("quote", tuple(located.quote_problems), tuple(located.flags))


def quotes_attributed(located: Located, context: Context) -> Verdict:
    """Check 2: each quote was said by the speaker the claim gives it to."""
    return Verdict("speaker", tuple(located.speaker_problems))
