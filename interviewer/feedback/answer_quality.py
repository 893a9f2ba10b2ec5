"""How well the answers were given, as a listener judges it: substance (full answers, range, specifics, not
vague) and delivery (few fillers and hedges, not stuck). Real interviewers weigh both; on real interviews rated by
human judges they track the judges' overall rating better than any rubric item (bench/mit_dev.py).

Each measure is put on a common scale (its median and interquartile range on real interviews), signed so that
higher is better, clipped, and averaged with equal weights: equal weights generalised better than fitted ones in
cross-validation on the dev persons (data/answer_quality.yaml says how they were chosen). The average falls in
one of three tiers, which move a dimension's grade (grading.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from interviewer.catalog import validate_data
from interviewer.feedback.evidence import Unit, reported
from interviewer.feedback.exchanges import SpeechLexicon
from interviewer.feedback.speech import AnswerMeasures, SpeechEvidence, answer_features, disfluency
from interviewer.rag.corpus import read_yaml_file
from interviewer.types import Claim, Evidence, Strict

QUALITY_FILE = Path(__file__).resolve().parent.parent / "data" / "answer_quality.yaml"

Tier = Literal["weak", "fair", "strong"]


class Scale(Strict):
    center: float
    spread: float


class Cuts(Strict):
    weak_below: float
    strong_above: float


class QualityModel(Strict):
    substance: dict[str, float]
    """Feature -> weight (its sign says which way is better)."""
    delivery: dict[str, float]
    answer: dict[str, float]
    """How well one question was answered: what was said and how (a dimension asked about in one exchange)."""
    interview_scales: dict[str, Scale]
    """Median and interquartile range of each interview-level feature on the dev persons."""
    answer_scales: dict[str, Scale]
    """The same over single answers (a dimension asked about in one exchange is read from that answer)."""
    cuts: dict[Literal["interview_substance", "interview_delivery", "answer"], Cuts]
    """Where weak ends and strong begins for each kind of reading (fitted: quantiles on the dev persons)."""
    clip: float


@cache
def load_quality_model(path: Path = QUALITY_FILE) -> QualityModel:
    return validate_data(QualityModel, read_yaml_file(path, "answer quality model"), str(path))


def composite(features: dict[str, float], weights: dict[str, float], scales: dict[str, Scale], clip: float) -> float:
    """Weighted mean of the features on their common scale, each clipped to +-clip spreads."""
    total = sum(abs(w) for w in weights.values())
    value = 0.0
    for name, weight in weights.items():
        scale = scales[name]
        z = (features[name] - scale.center) / (scale.spread or 1.0)
        value += weight * max(-clip, min(clip, z))
    return value / total if total else 0.0


def tier(value: float, cuts: Cuts) -> Tier:
    if value < cuts.weak_below:
        return "weak"
    return "strong" if value > cuts.strong_above else "fair"


@dataclass(frozen=True)
class QualityReading:
    """A dimension's quality: its composite value, tier, and the answers it was read from."""

    kind: Literal["substance", "delivery", "answer"]
    value: float
    tier: Tier
    answers: list[AnswerMeasures]


def interview_reading(speech: SpeechEvidence, kind: Literal["substance", "delivery"],
                      model: QualityModel) -> QualityReading | None:
    if not speech.answers:
        return None
    weights, cuts = ((model.substance, model.cuts["interview_substance"]) if kind == "substance"
                     else (model.delivery, model.cuts["interview_delivery"]))
    value = composite(speech.features(), weights, model.interview_scales, model.clip)
    return QualityReading(kind, value, tier(value, cuts), list(speech.answers))


def answer_value(answer: AnswerMeasures, speech: SpeechEvidence, model: QualityModel) -> float:
    return composite(answer_features(answer, speech.lexicon), model.answer, model.answer_scales, model.clip)


def answers_reading(speech: SpeechEvidence, indexes: list[int], model: QualityModel) -> QualityReading | None:
    """How well the best of the answers given in these exchanges answered (credit the strongest answer)."""
    chosen = [a for a in speech.answers if a.index in indexes]
    if not chosen:
        return None
    value, best = max(((answer_value(a, speech, model), a) for a in chosen), key=lambda pair: pair[0])
    return QualityReading("answer", value, tier(value, model.cuts["answer"]), [best])


# --- claims: what the reading rests on, in the candidate's own words -------------------------------------------

def _sentences(reading: QualityReading) -> list[tuple[Unit, float]]:
    return [(unit, score) for answer in reading.answers
            for unit, score in zip(answer.units, answer.unsure or [0.0] * len(answer.units), strict=True)]


def _most_specific(reading: QualityReading) -> Unit | None:
    """The sentence with the most words the candidate chose (numbers and names count double)."""
    candidates = [unit for unit, score in _sentences(reading) if score < UNSURE_FOR_PRAISE]
    if not candidates:
        return None
    return max(candidates, key=lambda u: len(u.text.split()) + len(_SPECIFIC.findall(u.text)))


_SPECIFIC = re.compile(r"\b\d[\d,.]*\b|(?<!^)(?<![.!?] )\b[A-Z][a-z]+")
UNSURE_FOR_PRAISE = 0.45
"""A sentence this close to the unsure prototypes is never quoted as a strength."""


def reading_claims(reading: QualityReading, dimension: str, lexicon: SpeechLexicon) -> list[Claim]:
    """Claims that show why the answers read as they do. Observations only, each quoting the candidate."""
    if reading.kind == "delivery":
        return _delivery_claims(reading, dimension, lexicon)
    claims = _substance_claims(reading, dimension, lexicon)
    if reading.kind == "answer" and reading.tier != "strong":
        claims += [c for c in _delivery_claims(reading, dimension, lexicon) if c.polarity == "improvement"
                   and not c.text.startswith("Some answers")]
    return claims


def _claim(text: str, dimension: str, polarity: Literal["strength", "improvement"], units: list[Unit]) -> Claim:
    return Claim(text=text, dimension=dimension, polarity=polarity, kind="observation",
                 evidence=[Evidence(turn_id=u.turn_id, quote=u.text) for u in units])


def _substance_claims(reading: QualityReading, dimension: str, lexicon: SpeechLexicon) -> list[Claim]:
    """The answer's most concrete sentence (as a strength when the answer reads strong, as the best it offered
    otherwise), plus what held a weaker answer back: stopping short, or sounding unsure."""
    claims: list[Claim] = []
    best = _most_specific(reading)
    if best is not None:
        text = {"strong": "A full, concrete answer", "fair": "Some concrete detail, which a fuller answer would "
                "build on", "weak": "The most concrete the answer got"}[reading.tier]
        claims.append(_claim(f"{text}: the candidate said {reported(best.text)}", dimension,
                             "strength" if reading.tier == "strong" else "improvement", [best]))
    if reading.tier == "strong":
        return claims
    short = [a for a in reading.answers if a.words < lexicon.short_answer_words and a.units]
    if short:
        answer = short[0]
        claims.append(_claim(f"A short answer that stops before the detail an interviewer needs: the candidate "
                             f"said {reported(answer.units[0].text)}", dimension, "improvement", answer.units[:1]))
    unsure = sorted(((u, s) for u, s in _sentences(reading) if s >= lexicon.unsure_quote_similarity),
                    key=lambda pair: -pair[1])
    if unsure:
        unit = unsure[0][0]
        claims.append(_claim(f"Sounded unsure or vague: the candidate said {reported(unit.text)}",
                             dimension, "improvement", [unit]))
    return claims


def _delivery_claims(reading: QualityReading, dimension: str, lexicon: SpeechLexicon) -> list[Claim]:
    """The clearest sentence when delivery reads well; else the most disfluent one, and where the candidate
    got stuck."""
    units = [unit for unit, _ in _sentences(reading)]

    claims: list[Claim] = []
    if reading.tier != "weak":
        clean = max((u for u in units if disfluency(u.text) == 0), key=lambda u: len(u.text.split()), default=None)
        if clean is not None:
            text = ("Spoke clearly, without fillers or hedging" if reading.tier == "strong"
                    else "Some answers came out clearly")
            claims.append(_claim(f"{text}: the candidate said {reported(clean.text)}", dimension,
                                 "strength" if reading.tier == "strong" else "improvement", [clean]))
    if reading.tier == "strong":
        return claims
    worst = max(units, key=lambda u: disfluency(u.text), default=None)
    if worst is not None and disfluency(worst.text) >= DISFLUENT_SENTENCE:
        claims.append(_claim(f"Fillers and hedges crowd out the point: the candidate said {reported(worst.text)}",
                             dimension, "improvement", [worst]))
    struggles = [u for a in reading.answers for u in a.struggles]
    if struggles:
        claims.append(_claim(f"Got stuck rather than answering: the candidate said {reported(struggles[0].text)}",
                             dimension, "improvement", struggles[:1]))
    return claims


DISFLUENT_SENTENCE = 3
"""Fillers and hedges in one sentence from which it is quoted as an example of disfluent delivery."""
