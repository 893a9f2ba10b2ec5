"""The answer-quality model: its data file, how it orders answers, and the claims it makes."""

from interviewer.feedback.answer_quality import (
    answers_reading,
    composite,
    interview_reading,
    load_quality_model,
    reading_claims,
)
from interviewer.feedback.evidence import verify_claim
from interviewer.feedback.speech import SpeechReader
from interviewer.rag.embeddings import Embedder
from interviewer.transcripts import parse_plain
from interviewer.types import Transcript

from .speech_excerpts import SPOKEN_CLEAR, SPOKEN_HALTING


def _read(text: str, embedder: Embedder) -> tuple[Transcript, SpeechReader]:
    return parse_plain(text, interviewer="Interviewer", candidate="Interviewee"), SpeechReader(embedder)


def test_the_shipped_model_scales_every_feature_it_weighs() -> None:
    model = load_quality_model()
    for weights in (model.substance, model.delivery):
        assert set(weights) <= set(model.interview_scales)
    assert set(model.answer) <= set(model.answer_scales)
    assert all(scale.spread > 0 for scale in [*model.interview_scales.values(), *model.answer_scales.values()])
    for cuts in model.cuts.values():
        assert cuts.weak_below <= cuts.strong_above


def test_a_clear_concrete_interview_reads_better_than_a_halting_one(embedder: Embedder) -> None:
    model = load_quality_model()
    values = {}
    for name, text in (("clear", SPOKEN_CLEAR), ("halting", SPOKEN_HALTING)):
        transcript, reader = _read(text, embedder)
        speech = reader.read(transcript)
        values[name] = {kind: composite(speech.features(), getattr(model, kind), model.interview_scales, model.clip)
                        for kind in ("substance", "delivery")}
    assert values["clear"]["substance"] > values["halting"]["substance"]
    assert values["clear"]["delivery"] > values["halting"]["delivery"]
    transcript, reader = _read(SPOKEN_HALTING, embedder)
    assert interview_reading(reader.read(transcript), "delivery", model).tier == "weak"  # type: ignore[union-attr]


def test_claims_quote_the_candidate_and_name_what_held_an_answer_back(embedder: Embedder) -> None:
    model = load_quality_model()
    transcript, reader = _read(SPOKEN_HALTING, embedder)
    speech = reader.read(transcript)
    reading = answers_reading(speech, [answer.index for answer in speech.answers], model)
    assert reading is not None and reading.tier == "weak"
    claims = reading_claims(reading, "self-awareness", speech.lexicon)
    assert claims and all(verify_claim(transcript, claim) for claim in claims)
    assert any(claim.text.startswith(("A short answer", "Sounded unsure", "Got stuck")) for claim in claims)
    assert all(claim.polarity == "improvement" for claim in claims)


def test_a_strong_answer_is_credited_with_its_most_concrete_sentence(embedder: Embedder) -> None:
    model = load_quality_model()
    transcript, reader = _read(SPOKEN_CLEAR, embedder)
    speech = reader.read(transcript)
    reading = answers_reading(speech, [speech.answers[0].index], model)
    assert reading is not None and reading.tier == "strong"
    claims = reading_claims(reading, "ownership", speech.lexicon)
    assert claims[0].polarity == "strength" and verify_claim(transcript, claims[0])
