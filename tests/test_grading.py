"""The offline evidence grader: detection, claims with verified quotes, absences, level and verdict."""

import pytest

from interviewer.catalog import Catalog
from interviewer.feedback.detector import SignalDetector, load_policy
from interviewer.feedback.evidence import candidate_units, quote_in_turn, verify_claim
from interviewer.feedback.grading import grade_transcript, level_shares, verdict_for
from interviewer.rag.embeddings import Embedder
from interviewer.transcripts import parse_plain
from interviewer.types import Claim, DimensionGrade, Evidence, Level, Round, Transcript


def _detector(catalog: Catalog, embedder: Embedder, round_: Round = Round.SYSTEM_DESIGN) -> SignalDetector:
    return SignalDetector(catalog.rubric(round_), embedder)


@pytest.mark.parametrize(
    ("signal", "answer"),
    [
        ("sd-failure-modes",
         "If a storage node is lost, its standby copy keeps serving reads and writes, "
         "so users never notice the outage."),
        ("sd-capacity-estimate", "One hundred million people a day, ten requests each, is about twelve thousand "
                                 "requests a second on average."),
    ],
)
def test_a_paraphrase_without_the_cue_words_is_detected(catalog: Catalog, embedder: Embedder, signal: str,
                                                        answer: str) -> None:
    """None of the signal's cue phrases appears: the embedding, not a keyword list, finds the signal."""
    cues = [c.lower() for c in catalog.rubric(Round.SYSTEM_DESIGN).signals[signal].cues]
    assert not any(cue in answer.lower() for cue in cues)
    transcript = parse_plain(f"Interviewer: Tell me more.\nCandidate: {answer}\n")
    assert signal in _detector(catalog, embedder).detect(transcript).shown()


def test_small_talk_shows_no_signal(catalog: Catalog, embedder: Embedder) -> None:
    transcript = parse_plain("Interviewer: How are you today?\nCandidate: Good thanks, the weather is lovely "
                             "and I had a nice coffee on the way over here this morning.\n")
    assert _detector(catalog, embedder).detect(transcript).shown() == set()


def test_every_quote_in_feedback_is_verbatim_from_the_candidate(catalog: Catalog, embedder: Embedder) -> None:
    sample = next(s for s in catalog.samples if s.id == "sd-l5-rate-limiter")
    transcript = sample.transcript
    feedback = grade_transcript(transcript, catalog.rubric(sample.round), _detector(catalog, embedder),
                                target=Level.L6)
    claims = [c for grade in feedback.dimensions for c in grade.claims]
    assert claims and feedback.verification.claims_verified == len(claims)
    for claim in claims + feedback.strengths + feedback.improvements:
        assert claim.verified
        if claim.kind == "observation":
            assert claim.evidence
        for evidence in claim.evidence:
            turn = transcript.turn(evidence.turn_id)
            assert turn.role == "candidate" and evidence.quote in turn.text


def test_absence_claims_hold_against_every_candidate_turn(catalog: Catalog, embedder: Embedder) -> None:
    sample = next(s for s in catalog.samples if s.id == "sd-l4-url-shortener")
    detector = _detector(catalog, embedder)
    feedback = grade_transcript(sample.transcript, catalog.rubric(sample.round), detector, target=Level.L5)
    absences = [c for c in feedback.improvements if c.kind == "absence"]
    assert absences
    units = candidate_units(sample.transcript)
    threshold = load_policy().absence_threshold
    for claim in absences:
        assert claim.signal is not None
        scores = detector.similarities([u.text for u in units])[:, detector.signal_ids.index(claim.signal)]
        assert scores.max() < threshold, claim.text


def test_quotes_that_are_not_verbatim_or_not_the_candidates_fail(catalog: Catalog) -> None:
    transcript = parse_plain("Interviewer: What QPS do you expect?\nCandidate: Around 4,000 reads per second.\n")
    assert quote_in_turn(transcript, Evidence(turn_id=2, quote="Around 4,000 reads per second"))
    assert not quote_in_turn(transcript, Evidence(turn_id=2, quote="Around 40,000 reads per second"))
    assert not quote_in_turn(transcript, Evidence(turn_id=1, quote="What QPS do you expect?"))
    assert not quote_in_turn(transcript, Evidence(turn_id=7, quote="Around"))
    unsupported = Claim(text="x", dimension="estimation", polarity="strength", kind="observation")
    assert not verify_claim(transcript, unsupported)


def test_a_dimension_nobody_discussed_has_insufficient_evidence(catalog: Catalog, embedder: Embedder) -> None:
    transcript = parse_plain(
        "Interviewer: Let's start with the API. What endpoints would you expose?\n"
        "Candidate: A POST to create a short link that takes the long URL and returns the code, and a GET on "
        "the code that answers with a redirect to the long URL.\n")
    feedback = grade_transcript(transcript, catalog.rubric(Round.SYSTEM_DESIGN), _detector(catalog, embedder),
                                target=Level.L5)
    grades = {g.dimension: g for g in feedback.dimensions}
    assert grades["high-level-design"].score is not None
    assert any(g.score is None for g in feedback.dimensions)
    assert feedback.level_estimate == Level.L4


def test_a_signal_shown_only_after_a_hint_counts_as_a_hinted_improvement(catalog: Catalog,
                                                                         embedder: Embedder) -> None:
    transcript = parse_plain(
        "Interviewer: How would you keep redirects fast?\nCandidate: I'm not sure, maybe a bigger database.\n"
        "Interviewer: Think about which links get requested most.\n"
        "Candidate: Then I'd put a Redis cache in front of the database for the hot links, with a TTL, and "
        "expect a hit rate above ninety percent.\n")
    transcript.turns[2].hint = True
    feedback = grade_transcript(transcript, catalog.rubric(Round.SYSTEM_DESIGN), _detector(catalog, embedder),
                                target=Level.L5)
    assert feedback.hints_taken == 1
    hinted = [c for c in feedback.improvements if c.signal == "sd-caching"]
    assert hinted and "only after a hint" in hinted[0].text


def test_verdict_follows_the_target_bar() -> None:
    policy = load_policy()
    def grade(score: int | None, name: str) -> DimensionGrade:
        return DimensionGrade(dimension=name, name=name, score=score, rationale="")
    strong = [grade(4, f"d{i}") for i in range(8)] + [grade(3, "d8")]
    weights = {g.dimension: 1.0 for g in strong}
    shares = level_shares(strong, weights)
    assert verdict_for(shares, Level.L5, policy) == "strong hire"
    weak = [grade(1, f"d{i}") for i in range(9)]
    assert verdict_for(level_shares(weak, weights), Level.L6, policy) == "no hire"


@pytest.mark.parametrize("round_", list(Round))
def test_samples_are_ordered_by_level(catalog: Catalog, embedder: Embedder, round_: Round) -> None:
    """Per round: the below-L5 sample is estimated L4, no sample above its label, and a stronger sample never
    below a weaker one. (bench/calibrate_grader.py reports the exact matches per round.)"""
    estimates = {}
    for sample in catalog.samples_for(round_):
        feedback = grade_transcript(sample.transcript, catalog.rubric(round_), _detector(catalog, embedder, round_),
                                    target=sample.level, question=catalog.questions[sample.question])
        estimates[sample.level] = feedback.level_estimate
        assert feedback.level_estimate.rank <= sample.level.rank, sample.id
    assert estimates[Level.L4] == Level.L4
    assert estimates[Level.L4].rank <= estimates[Level.L5].rank <= estimates[Level.L6].rank


def test_level_estimates_match_the_labels(catalog: Catalog, embedder: Embedder) -> None:
    """The measured accuracy as a floor: 21 of 21 samples, every round 3 of 3."""
    correct = {}
    for sample in catalog.samples:
        rubric = catalog.rubric(sample.round)
        feedback = grade_transcript(sample.transcript, rubric, SignalDetector(rubric, embedder), target=sample.level,
                                    question=catalog.questions[sample.question])
        correct[sample.id] = feedback.level_estimate == sample.level
    assert [sample_id for sample_id, ok in correct.items() if not ok] == []


def test_hints_are_only_held_against_a_candidate_who_got_one(catalog: Catalog, embedder: Embedder) -> None:
    """No hint given, no occasion to take one: no "ignored the hints" claim and no missing signal. A hint
    answered in a few words is held against the candidate (here the dimension is too thin to grade, so the
    signal is listed as missing without a claim)."""
    text = ("Interviewer: Design a URL shortener.\n"
            "Candidate: I'd store the links in Postgres and put Redis in front for the hot ones.\n"
            "Interviewer: What about the keys?\n"
            "Candidate: Base62 of a counter.\n")
    rubric = catalog.rubric(Round.SYSTEM_DESIGN)

    def takes_hints_claims(transcript: Transcript) -> tuple[list[str], bool]:
        feedback = grade_transcript(transcript, rubric, _detector(catalog, embedder), target=Level.L5)
        claims = [c.text for g in feedback.dimensions for c in g.claims if c.signal == "takes-hints"]
        missing = any("takes-hints" in g.signals_missing for g in feedback.dimensions)
        return claims, missing

    assert takes_hints_claims(parse_plain(text)) == ([], False)
    hinted = parse_plain(text)
    hinted.turns[2].hint = True
    assert takes_hints_claims(hinted)[1]
