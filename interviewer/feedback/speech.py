"""How each answer was given: its length, fillers, hedges, numbers, range of words, and how unsure it sounds.

These are the measures a listener notices before any rubric item: an answer that stops after one sentence, one
lost in "um" and "I guess", one that says "I don't know how to answer that". Each measure keeps the sentences it
came from, so a grade that uses it can quote them.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from statistics import median

import numpy as np

from interviewer.feedback.evidence import Unit, candidate_units
from interviewer.feedback.exchanges import Exchange, SpeechLexicon, exchanges, load_lexicon
from interviewer.rag.embeddings import Embedder
from interviewer.types import Transcript

_WORD = re.compile(r"[A-Za-z][A-Za-z']*|\d[\d,.]*")
_NUMBER = re.compile(r"\b\d[\d,.]*\b|\b(hundred|thousand|million|billion|percent|twice|half|dozen)\b", re.IGNORECASE)


@dataclass(frozen=True)
class SpeechPatterns:
    filler: re.Pattern[str]
    hedge: re.Pattern[str]
    verbs_of_liking: frozenset[str]
    struggle: re.Pattern[str]


def patterns_for(lexicon: SpeechLexicon) -> SpeechPatterns:
    fillers = "|".join("+".join(re.escape(ch) for ch in word) + "+" for word in lexicon.fillers)
    hedges = "|".join(re.escape(h) for h in sorted(lexicon.hedges, key=len, reverse=True))
    return SpeechPatterns(
        filler=re.compile(rf"\b(?:{fillers})\b", re.IGNORECASE),
        hedge=re.compile(rf"\b(?:{hedges})\b", re.IGNORECASE),
        verbs_of_liking=frozenset(word.lower() for word in lexicon.like_as_verb_after),
        struggle=re.compile("|".join(f"(?:{p})" for p in lexicon.struggle_patterns), re.IGNORECASE),
    )


@dataclass
class AnswerMeasures:
    """One answer (an exchange), measured."""

    index: int
    """The exchange's position in SpeechEvidence.exchanges."""
    exchange: Exchange
    units: list[Unit]
    words: int
    """Words said, fillers left out."""
    fillers: int
    hedges: int
    numbers: int
    distinct: int
    struggles: list[Unit] = field(default_factory=list)
    unsure: list[float] = field(default_factory=list)
    """Per sentence (aligned with `units`): closeness to the unsure prototypes."""

    @property
    def unsure_mean(self) -> float:
        return float(np.mean(self.unsure)) if self.unsure else 0.0

    @property
    def richness(self) -> float:
        """Distinct words over the square root of all words (Guiraud's index): range that does not grow with
        length the way a plain count does."""
        return self.distinct / math.sqrt(self.words) if self.words else 0.0


@dataclass
class SpeechEvidence:
    """Every answer to a real question, measured; and interview-level figures over them."""

    exchanges: list[Exchange]
    small_talk: set[int]
    """Exchanges whose question is only small talk ("How are you doing today?"): not measured."""
    answers: list[AnswerMeasures]
    lexicon: SpeechLexicon

    @property
    def words(self) -> int:
        return sum(a.words for a in self.answers)

    def features(self) -> dict[str, float]:
        """The interview-level figures the answer-quality model reads (data/answer_quality.yaml)."""
        answers = self.answers
        words = max(self.words, 1)
        units = [u for a in answers for u in a.units]
        unsure = [s for a in answers for s in a.unsure]
        distinct = len({w.lower() for a in answers for w in _WORD.findall(a.exchange.answer_text)})
        return {
            "filler_rate": sum(a.fillers for a in answers) / (words + sum(a.fillers for a in answers)),
            "hedge_rate": sum(a.hedges for a in answers) / words,
            "struggle": sum(len(a.struggles) for a in answers) / max(len(answers), 1),
            "unsure": float(np.mean(unsure)) if unsure else 0.0,
            "short_share": (sum(a.words < self.lexicon.short_answer_words for a in answers) / len(answers)
                            if answers else 1.0),
            "median_words": float(median(a.words for a in answers)) if answers else 0.0,
            "richness": distinct / math.sqrt(words),
            "number_rate": sum(a.numbers for a in answers) / words,
            "sentences": float(len(units)),
        }


def answer_features(answer: AnswerMeasures, lexicon: SpeechLexicon) -> dict[str, float]:
    """The same figures for one answer (the dimensions an answer addresses are graded from it)."""
    words = max(answer.words, 1)
    return {
        "filler_rate": answer.fillers / (words + answer.fillers),
        "hedge_rate": answer.hedges / words,
        "struggle": float(len(answer.struggles)),
        "unsure": answer.unsure_mean,
        "short_share": 1.0 if answer.words < lexicon.short_answer_words else 0.0,
        "median_words": float(answer.words),
        "richness": answer.richness,
        "number_rate": answer.numbers / words,
    }


def count_hedges(text: str, patterns: SpeechPatterns) -> int:
    """Hedge phrases, plus "like" where it is not a verb ("I like to bake", "would like to" do not count)."""
    phrases = len(patterns.hedge.findall(text))
    words = [w.lower() for w in _WORD.findall(patterns.hedge.sub(" ", text))]
    likes = sum(1 for i, w in enumerate(words)
                if w == "like" and (i == 0 or words[i - 1] not in patterns.verbs_of_liking)
                and (i + 1 >= len(words) or words[i + 1] != "to"))
    return phrases + likes


def _measure(index: int, exchange: Exchange, units: list[Unit], patterns: SpeechPatterns) -> AnswerMeasures:
    text = exchange.answer_text
    fillers = len(patterns.filler.findall(text))
    tokens = _WORD.findall(text)
    spoken = [t for t in tokens if not patterns.filler.fullmatch(t)]
    return AnswerMeasures(
        index=index, exchange=exchange, units=units, words=len(spoken), fillers=fillers,
        hedges=count_hedges(text, patterns), numbers=len(_NUMBER.findall(text)),
        distinct=len({t.lower() for t in spoken}),
        struggles=[u for u in units if patterns.struggle.search(u.text)],
    )


class SpeechReader:
    """Measures the answers of a transcript; the embedder scores how unsure each sentence sounds."""

    def __init__(self, embedder: Embedder, lexicon: SpeechLexicon | None = None) -> None:
        self.embedder = embedder
        self.lexicon = lexicon or load_lexicon()
        self._patterns = patterns_for(self.lexicon)
        self._unsure: np.ndarray | None = None
        self._small_talk: np.ndarray | None = None

    def _unsure_vectors(self) -> np.ndarray:
        if self._unsure is None:
            self._unsure = self.embedder.embed(self.lexicon.unsure_prototypes)
        return self._unsure

    def _small_talk_vectors(self) -> np.ndarray:
        if self._small_talk is None:
            self._small_talk = self.embedder.embed(self.lexicon.small_talk_prototypes)
        return self._small_talk

    def small_talk(self, found: list[Exchange]) -> set[int]:
        asked = [(i, e.question.text) for i, e in enumerate(found) if e.question is not None]
        if not asked:
            return set()
        similarity = (self.embedder.embed([text for _, text in asked]) @ self._small_talk_vectors().T).max(axis=1)
        return {i for (i, _), score in zip(asked, similarity, strict=True)
                if float(score) >= self.lexicon.small_talk_similarity}

    def read(self, transcript: Transcript, units: list[Unit] | None = None) -> SpeechEvidence:
        """Answers to real interviewer questions (what the candidate says before the first one is left out)."""
        patterns = self._patterns
        units = units if units is not None else candidate_units(transcript)
        found = exchanges(transcript, self.lexicon)
        chat = self.small_talk(found)
        answers: list[AnswerMeasures] = []
        for index, exchange in enumerate(found):
            if exchange.question is None or index in chat:
                continue
            ids = exchange.turn_ids
            answers.append(_measure(index, exchange, [u for u in units if u.turn_id in ids], patterns))
        texts = [u.text for a in answers for u in a.units]
        if texts:
            scores = (self.embedder.embed(texts) @ self._unsure_vectors().T).max(axis=1)
            position = 0
            for answer in answers:
                answer.unsure = [float(s) for s in scores[position : position + len(answer.units)]]
                position += len(answer.units)
        return SpeechEvidence(exchanges=found, small_talk=chat, answers=answers, lexicon=self.lexicon)


def disfluency(text: str) -> int:
    """Fillers and hedges in a text: a thought-process claim quotes the clearest of its examples."""
    patterns = _shared_patterns()
    return len(patterns.filler.findall(text)) + count_hedges(text, patterns)


@functools.cache
def _shared_patterns() -> SpeechPatterns:
    return patterns_for(load_lexicon())
