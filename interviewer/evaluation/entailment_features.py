"""What the offline entailment head reads: a dozen numbers that describe how well a set of evidence sentences
covers a claim. Cheap by design (static word-piece vectors, stems, regexes): the checker reads hundreds of claims a
second. The same function makes the features for training (`scripts/train_entailment.py`, on DocNLI) and for
checking, so the two cannot drift apart."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from interviewer.evaluation.claim_text import (
    clauses,
    content_words,
    negations,
    stem,
    technologies_in,
    technology_said,
)
from interviewer.evaluation.lexicon import lexicon
from interviewer.evaluation.quantities import spoken_numbers
from interviewer.rag.static_embeddings import StaticEmbedder

if TYPE_CHECKING:
    from numpy.typing import NDArray

FEATURES = ("cosine", "cosine_top3", "lexical", "lexical_top3", "soft_lexical", "novel", "numbers",
            "technologies", "negation_agrees", "negated", "length")
TOP = 3
"""The evidence sentences closest to the claim that the *_top3 features read."""
SOFT_MATCH = 0.6
"""A claim word this close (cosine of static vectors) to an evidence word counts as half said."""
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*")


@functools.lru_cache(maxsize=65536)
def _stems(text: str) -> frozenset[str]:
    return frozenset(content_words(text))


@functools.cache
def _framing() -> frozenset[str]:
    """Stems of the verbs that frame a claim ("proposed", "intended", "thought") rather than carry its content."""
    words = lexicon()
    return frozenset(stem(word) for word in [*words.claim_verbs, *words.reporting_words])


def claim_stems(claim: str) -> frozenset[str]:
    return _stems(claim) - _framing()


@dataclass(frozen=True)
class _Evidence:
    """One evidence list, prepared once (checks send the same list for many claims)."""

    sentences: tuple[str, ...]
    vectors: NDArray[np.float32]
    stems: frozenset[str]
    words: tuple[str, ...]
    word_vectors: NDArray[np.float32]
    numbers: tuple[object, ...]
    text: str


class FeatureMaker:
    def __init__(self, encoder: StaticEmbedder) -> None:
        self.encoder = encoder
        self._prepared: dict[tuple[str, ...], _Evidence] = {}

    def _evidence(self, sentences: list[str]) -> _Evidence:
        key = tuple(sentences)
        found = self._prepared.get(key)
        if found is None:
            if len(self._prepared) > 256:
                self._prepared.clear()
            stems = frozenset().union(*(_stems(s) for s in sentences))
            words = tuple(sorted({w.lower() for s in sentences for w in _WORD.findall(s) if len(w) > 2}))
            found = _Evidence(key, self.encoder.embed(list(key)), stems, words, self.encoder.embed(list(words)),
                              tuple(n for s in sentences for n in spoken_numbers(s)), "\n".join(key))
            self._prepared[key] = found
        return found

    def features(self, claim: str, sentences: list[str]) -> tuple[NDArray[np.float64], str]:
        """The features of the claim against the evidence sentences, and the closest sentence."""
        if not sentences:
            return np.zeros(len(FEATURES)), ""
        evidence = self._evidence(sentences)
        cosines = evidence.vectors @ self.encoder.embed([claim])[0]
        order = np.argsort(-cosines)[:TOP]
        top = [evidence.sentences[i] for i in order]
        wanted = claim_stems(claim)
        top_stems = frozenset().union(*(_stems(s) for s in top))
        share = (lambda found: len(wanted & found) / len(wanted)) if wanted else (lambda found: 1.0)
        missing = sorted(wanted - evidence.stems)
        surfaces = {stem(word): word.lower() for word in _WORD.findall(claim)}
        soft = self._soft([surfaces.get(item, item) for item in missing], evidence)
        covered = (len(wanted) - len(missing) + soft.sum()) / len(wanted) if wanted else 1.0
        novel = float((soft < 0.5).sum()) if missing else 0.0
        claim_numbers = spoken_numbers(claim)
        numbers = (sum(any(n.matches(s) for s in evidence.numbers) for n in claim_numbers)  # type: ignore[arg-type]
                   / len(claim_numbers)) if claim_numbers else 1.0
        names = technologies_in(claim)
        technologies = (sum(technology_said(t, evidence.text) for t in names) / len(names)) if names else 1.0
        negated = bool(negations(claim))
        return np.array([
            float(cosines[order[0]]), float(cosines[order].mean()), share(evidence.stems), share(top_stems),
            covered, min(novel, 4.0) / 4.0, numbers, technologies, float(_negation_agrees(claim, top, negated)),
            float(negated), min(len(wanted), 20) / 20.0,
        ]), top[0]

    def _soft(self, missing: list[str], evidence: _Evidence) -> NDArray[np.float64]:
        """Per claim word not said as such: 0.5 when a word of the evidence is close to it, else 0."""
        if not missing or not evidence.words:
            return np.zeros(len(missing))
        closeness = (self.encoder.embed(missing) @ evidence.word_vectors.T).max(axis=1)
        return np.where(closeness >= SOFT_MATCH, 0.5, 0.0)


def _negation_agrees(claim: str, top: list[str], negated: bool) -> bool:
    """Whether the claim and the evidence clauses that share most content words with it agree in polarity
    (lexical negators such as "avoid" count only for a negative claim)."""
    wanted = claim_stems(claim)
    parts = [part for sentence in top for part in clauses(sentence)]
    if not parts:
        return not negated
    overlap = [len(_stems(part) & wanted) for part in parts]
    closest = [part for part, shared in zip(parts, overlap, strict=True) if shared == max(overlap)]
    return negated == any(negations(part, lexical=negated) for part in closest)
