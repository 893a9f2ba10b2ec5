"""A labelled claim set for the meta-evaluation of the faithfulness checker, built by controlled edits.

Seeds are true claims about what a candidate said in a corpus sample, each with a verbatim quote, its turn and a
paraphrase. Every seed yields the claim as written (true), its paraphrase (true), and edits that make it false:
a negation, a changed number, a swapped technology, an inflated seniority; every transcript adds interviewer
words attributed to the candidate, invented topics, and absence claims that are true (an invented topic) or
false (a technology the candidate named). The edits are data (`evals/data/edits.yaml`); the set is deterministic.
"""

from __future__ import annotations

import re
from pathlib import Path

from interviewer.catalog import validate_data
from interviewer.errors import UserError
from interviewer.evaluation.claim_text import technologies_in, technology_said
from interviewer.rag.corpus import read_yaml_file
from interviewer.types import LabelledTranscript, Strict, Transcript

EDIT_TYPES = ("true", "paraphrase", "negation", "number", "technology", "seniority", "seniority-heldout",
              "seniority-blind", "speaker-swap", "invented-topic", "true-absence", "false-absence")
"""In report order. Claims of the first two and of true-absence are supported; the others are not."""
SUPPORTED_EDITS = frozenset({"true", "paraphrase", "true-absence"})
SPEAKER_SWAPS_PER_TRANSCRIPT = 3
MIN_SWAP_WORDS = 8

_SUBJECT = "The candidate "
_NUMBER_WORDS = {word: value for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split()) if value >= 2}
_NUMBER = re.compile(r"(?<![\w.\-])(\d+(?:\.\d+)?)|\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)


class Seed(Strict):
    transcript: str
    claim: str
    quote: str
    turn: int
    paraphrase: str


class Edits(Strict):
    technology_swaps: dict[str, str]
    fallback_technologies: list[str]
    invented_topics: dict[str, list[str]]
    seniority_inflations: list[str]
    heldout_seniority_inflations: list[str] = []
    """Inflations written without sight of the checker's scope terms (reported as their own edit type). Seen
    since by the author of the checker's authority prototypes, so no longer blind to the whole checker."""
    blind_seniority_inflations: list[str] = []
    """Inflations written without sight of anything of the checker; never used to tune it."""


class MetaClaim(Strict):
    id: str
    transcript: str
    edit: str
    text: str
    supported: bool
    """The label: whether the transcript supports the claim."""


def load_seeds(path: Path) -> list[Seed]:
    data = read_yaml_file(path, "seeds file")
    if not isinstance(data, dict) or not isinstance(data.get("seeds"), list):
        raise UserError(f"{path}: expected a mapping with a 'seeds' list")
    return [validate_data(Seed, item, f"{path}: seed {index}") for index, item in enumerate(data["seeds"])]


def load_edits(path: Path) -> Edits:
    return validate_data(Edits, read_yaml_file(path, "edits file"), str(path))


def build_claims(seeds: list[Seed], samples: dict[str, LabelledTranscript], edits: Edits) -> list[MetaClaim]:
    """Every labelled claim, in a stable order: by transcript (seed order), then by edit type."""
    claims: list[MetaClaim] = []
    by_transcript: dict[str, list[tuple[int, Seed]]] = {}
    for number, seed in enumerate(seeds):  # edits rotate over all seeds, so every listed edit is used
        if seed.transcript not in samples:
            raise UserError(f"seed for unknown transcript {seed.transcript!r}")
        by_transcript.setdefault(seed.transcript, []).append((number, seed))
    for name, group in by_transcript.items():
        sample = samples[name]
        spoken = _candidate_words(sample.transcript)
        made: list[tuple[str, str, bool]] = []
        for number, seed in group:
            made += [(edit, text, edit in SUPPORTED_EDITS) for edit, text in _seed_edits(seed, number, spoken, edits)]
        made += [("speaker-swap", text, False) for text in _speaker_swaps(sample.transcript, spoken)]
        topics = edits.invented_topics.get(sample.round.value, [])
        candidate_turns = [turn.id for turn in sample.transcript.turns if turn.role == "candidate"]
        for index, topic in enumerate(topics):
            turn = candidate_turns[(index * 7) % len(candidate_turns)]
            made.append(("invented-topic", f"The candidate proposed {topic} (turn {turn}).", False))
            made.append(("true-absence", f"The candidate never discussed {topic}.", True))
        named = [tech for _, seed in group for tech in technologies_in(seed.claim) if technology_said(tech, spoken)]
        for tech in list(dict.fromkeys(named))[:2]:
            made.append(("false-absence", f"The candidate never mentioned {tech}.", False))
        counts: dict[str, int] = {}
        for edit, text, supported in made:
            counts[edit] = counts.get(edit, 0) + 1
            claims.append(MetaClaim(id=f"{name}/{edit}/{counts[edit]}", transcript=name, edit=edit, text=text,
                                    supported=supported))
    return claims


def _candidate_words(transcript: Transcript) -> str:
    return "\n".join(turn.text for turn in transcript.turns if turn.role == "candidate")


def _cite(text: str, seed: Seed) -> str:
    return f'{text.rstrip(". ")} (turn {seed.turn}: "{seed.quote}").'


def _seed_edits(seed: Seed, index: int, spoken: str, edits: Edits) -> list[tuple[str, str]]:
    if not seed.claim.startswith(_SUBJECT):
        raise UserError(f"seed claim must start with {_SUBJECT!r}: {seed.claim!r}")
    rest = seed.claim[len(_SUBJECT):]
    out = [("true", _cite(seed.claim, seed)), ("paraphrase", seed.paraphrase),
           ("negation", _cite(f"{_SUBJECT}never {rest}", seed))]
    changed = _change_number(seed.claim)
    if changed is not None:
        out.append(("number", _cite(changed, seed)))
    swapped = _swap_technology(seed.claim, spoken, edits, index)
    if swapped is not None:
        out.append(("technology", _cite(swapped, seed)))
    inflation = edits.seniority_inflations[index % len(edits.seniority_inflations)]
    out.append(("seniority", _cite(seed.claim.rstrip(". ") + inflation, seed)))
    if edits.heldout_seniority_inflations:
        heldout = edits.heldout_seniority_inflations[index % len(edits.heldout_seniority_inflations)]
        out.append(("seniority-heldout", _cite(seed.claim.rstrip(". ") + heldout, seed)))
    if edits.blind_seniority_inflations:
        blind = edits.blind_seniority_inflations[index % len(edits.blind_seniority_inflations)]
        out.append(("seniority-blind", _cite(seed.claim.rstrip(". ") + blind, seed)))
    return out


def _change_number(claim: str) -> str | None:
    """The first number of the claim tripled (written in digits), or None when it has none."""
    match = _NUMBER.search(claim)
    if match is None:
        return None
    if match.group(1):
        value = float(match.group(1))
        new = value * 3 if value else 7.0
    else:
        new = _NUMBER_WORDS[match.group(2).lower()] * 3
    text = f"{new:g}"
    return claim[:match.start()] + text + claim[match.end():]


def _swap_technology(claim: str, spoken: str, edits: Edits, index: int) -> str | None:
    lowered = {key.lower(): value for key, value in edits.technology_swaps.items()}
    for name in sorted(lowered, key=len, reverse=True):
        match = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", claim, re.IGNORECASE)
        if match and not technology_said(lowered[name], spoken):
            return claim[:match.start()] + lowered[name] + claim[match.end():]
    if technologies_in(claim):
        return None  # a named technology without a rival in the table: no edit rather than a clumsy one
    for offset in range(len(edits.fallback_technologies)):
        tech = edits.fallback_technologies[(index + offset) % len(edits.fallback_technologies)]
        if not technology_said(tech, spoken):
            return f"{claim.rstrip('. ')}, using {tech} for it."
    return None


def _speaker_swaps(transcript: Transcript, spoken: str) -> list[str]:
    """Statements of the interviewer (not questions) given as the candidate's words, half with the turn cited."""
    folded = " ".join(spoken.lower().split())
    out: list[str] = []
    for turn in transcript.turns:
        if turn.role != "interviewer":
            continue
        for sentence in re.split(r"(?<=[.!])\s+", turn.text):
            words = sentence.strip().rstrip(".!").split()
            if len(words) < MIN_SWAP_WORDS or "?" in sentence:
                continue
            fragment = " ".join(words[: min(len(words), 14)])
            if fragment.lower() in folded:
                continue
            citation = f" (turn {turn.id})" if len(out) % 2 == 0 else ""
            out.append(f'The candidate said "{fragment}"{citation}.')
            break
        if len(out) >= SPEAKER_SWAPS_PER_TRANSCRIPT:
            break
    return out

