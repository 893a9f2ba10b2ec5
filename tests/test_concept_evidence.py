"""ML fundamentals evidence: key points credited and misconceptions caught, with the candidate's own words."""

from pathlib import Path

import yaml

from interviewer.catalog import Catalog
from interviewer.feedback.concept_evidence import concept_check
from interviewer.feedback.concept_match import ConceptMatcher, clauses
from interviewer.feedback.detector import SignalDetector
from interviewer.feedback.evidence import Unit, candidate_units
from interviewer.feedback.grading import grade_transcript
from interviewer.rag.embeddings import Embedder
from interviewer.transcripts import parse_plain
from interviewer.types import Level, Round

HELD_OUT = Path(__file__).parent / "data" / "concept_sentences.yaml"


def _units(*texts: str) -> list[Unit]:
    return [Unit(index + 1, 0, len(text), text, False) for index, text in enumerate(texts)]


def _questions(catalog: Catalog) -> list[str]:
    return [q.id for q in catalog.questions_for(Round.ML_FUNDAMENTALS)]


def test_every_misconception_example_holds_one_of_its_cues(catalog: Catalog) -> None:
    """A misconception is only ever heard in a sentence with one of its cue phrases: an example without one
    could never be recognised, so it would be dead data."""
    for question_id in _questions(catalog):
        concepts = catalog.questions[question_id].concepts
        assert concepts is not None
        for item in concepts.misconceptions:
            for example in item.examples:
                assert any(cue in example.lower() for cue in item.cues), (question_id, item.id, example)


def test_no_key_point_example_is_taken_for_a_misconception(catalog: Catalog, embedder: Embedder) -> None:
    for question_id in _questions(catalog):
        concepts = catalog.questions[question_id].concepts
        assert concepts is not None
        matcher = ConceptMatcher(concepts, embedder)
        examples = [example for point in concepts.key_points for example in point.examples]
        assert matcher.voices(_units(*examples)) == [], question_id


def test_held_out_sentences(catalog: Catalog, embedder: Embedder) -> None:
    """Sentences written apart from the question files: never a misconception where none is voiced (traps
    included: correct sentences that negate or report a misconception), and most labelled ones found. Measured:
    misconceptions 36 of 40 found, none invented; key points 57 of 71 found, 5 extra."""
    data = yaml.safe_load(HELD_OUT.read_text(encoding="utf-8"))
    assert set(data) == set(_questions(catalog))
    found = labelled = points_found = points_labelled = 0
    for question_id, items in data.items():
        concepts = catalog.questions[question_id].concepts
        assert concepts is not None
        matcher = ConceptMatcher(concepts, embedder)
        known_points = {p.id for p in concepts.key_points}
        known_beliefs = {m.id for m in concepts.misconceptions}
        for item in items:
            check = matcher.check(_units(item["text"]))
            heard = [h.misconception.id for h in check.heard]
            wanted = item.get("misconception")
            assert wanted is None or wanted in known_beliefs, item
            assert set(item.get("points", [])) <= known_points, item
            assert set(heard) <= {wanted}, (question_id, item["text"], heard)
            if wanted:
                labelled += 1
                found += wanted in heard
            made = {m.point.id for m in check.made}
            points_labelled += len(item.get("points", []))
            points_found += len(made & set(item.get("points", [])))
    assert found >= 0.85 * labelled, (found, labelled)
    assert points_found >= 0.75 * points_labelled, (points_found, points_labelled)


def test_a_clause_that_negates_or_reports_a_belief_is_not_that_belief(catalog: Catalog, embedder: Embedder) -> None:
    concepts = catalog.questions["mlf-batch-norm"].concepts
    assert concepts is not None
    matcher = ConceptMatcher(concepts, embedder)
    wrong = "At inference it works the same way, taking the mean and variance of the test batch."
    right = "At inference it doesn't use the test batch's mean and variance; it uses the running averages."
    reported = "People often say it uses the test batch at inference, but it really uses the running averages."
    assert [h.misconception.id for h in matcher.voices(_units(wrong))] == ["batch-stats-at-inference"]
    assert matcher.voices(_units(right)) == [] and matcher.voices(_units(reported)) == []
    assert clauses("Ridge will zero out the features that don't matter.") == [
        "Ridge will zero out the features", "that don't matter."]


def _transcript(*answers: str) -> str:
    turns = ["Interviewer: What changes about batch normalisation at inference, and why?"]
    for answer in answers:
        turns += [f"Candidate: {answer}", "Interviewer: Go on."]
    return "\n\n".join(turns[:-1]) + "\n"


def test_a_misconception_left_standing_is_quoted_and_caps_accuracy(catalog: Catalog, embedder: Embedder) -> None:
    question = catalog.questions["mlf-batch-norm"]
    wrong = "At inference it just computes the mean and variance of whatever test batch comes in and normalises."
    transcript = parse_plain(_transcript(
        "Batch norm normalises each channel with the mean and variance of the mini-batch, then applies a learned "
        "gamma and beta so the layer can undo it.",
        wrong,
        "It lets you train with a much higher learning rate, since the activations stay on a steady scale."))
    rubric = catalog.rubric(Round.ML_FUNDAMENTALS)
    feedback = grade_transcript(transcript, rubric, SignalDetector(rubric, embedder), target=Level.L5,
                                question=question)
    accuracy = next(g for g in feedback.dimensions if g.dimension == "conceptual-accuracy")
    assert accuracy.score is not None and accuracy.score <= 2
    misconception = next(c for c in accuracy.claims if c.text.startswith("Misconception"))
    assert misconception.verified and misconception.polarity == "improvement"
    assert misconception.evidence[0].quote == wrong
    assert transcript.turn(misconception.evidence[0].turn_id).text == wrong
    assert "running averages" in misconception.text  # the correction travels with the claim
    assert any(c.text.startswith("Key point (learned scale shift)") and c.verified for c in accuracy.claims)
    assert "misconception(s) left standing" in accuracy.rationale


def test_a_corrected_misconception_does_not_cap_the_grade(catalog: Catalog, embedder: Embedder) -> None:
    question = catalog.questions["mlf-batch-norm"]
    transcript = parse_plain(_transcript(
        "Batch norm normalises each channel with the mean and variance of the mini-batch, then applies a learned "
        "gamma and beta so the layer can undo it.",
        "At inference it just computes the mean and variance of whatever test batch comes in and normalises.",
        "Actually, let me correct that: in eval mode it uses the running mean and variance accumulated during "
        "training, so one image on its own gets a deterministic output.",
        "It lets you train with a much higher learning rate, since the activations stay on a steady scale."))
    check = concept_check(transcript, question, embedder)
    assert check is not None and check.heard and check.standing == []
    assert check.heard[0].corrected_by is not None
    rubric = catalog.rubric(Round.ML_FUNDAMENTALS)
    feedback = grade_transcript(transcript, rubric, SignalDetector(rubric, embedder), target=Level.L5,
                                question=question)
    accuracy = next(g for g in feedback.dimensions if g.dimension == "conceptual-accuracy")
    assert accuracy.score is not None and accuracy.score >= 3
    corrected = next(c for c in accuracy.claims if c.text.startswith("Corrected a misconception"))
    assert len(corrected.evidence) == 2 and corrected.verified


def test_other_rounds_have_no_concept_check(catalog: Catalog, embedder: Embedder) -> None:
    sample = next(s for s in catalog.samples if s.round == Round.SYSTEM_DESIGN)
    assert concept_check(sample.transcript, catalog.questions[sample.question], embedder) is None
    assert candidate_units(sample.transcript)
