"""The claim-level faithfulness checker: each check against a small transcript, claim splitting, our JSON Feedback,
the backends and the report."""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path

import pytest
import yaml

from interviewer.errors import UserError
from interviewer.evaluation.checks import roles
from interviewer.evaluation.claim_text import technologies_in
from interviewer.evaluation.consistency import source
from interviewer.evaluation.entailment import EntailmentHead, OfflineEntailment, load_head
from interviewer.evaluation.faithfulness import (
    CheckedInput,
    CitedQuote,
    ClaimCheck,
    FaithfulnessReport,
    ModelEntailment,
    check_claims,
    check_feedback,
    claims_from_feedback,
    render_report,
    split_claims,
)
from interviewer.evaluation.lexicon import LEXICON_FILE, load_lexicon, thresholds
from interviewer.evaluation.quantities import spoken_numbers
from interviewer.llm.base import ModelError
from interviewer.llm.scripted import ScriptedModel
from interviewer.rag.static_embeddings import StaticEmbedder
from interviewer.transcripts import parse_plain
from interviewer.types import (
    Claim,
    CompanyType,
    DimensionGrade,
    Evidence,
    Feedback,
    Level,
    Round,
    Transcript,
    Verification,
)

CALIBRATION = Path(__file__).resolve().parent.parent / "interviewer" / "data" / "faithfulness_calibration.yaml"
TRANSCRIPT = """\
Interviewer: Let's design a URL shortener. What scale should we plan for? Feel free to think about Kafka too.
Candidate: Before I start, how many new links per day are we expecting, and is the traffic read heavy?
Interviewer: Assume 100 million new links a day, and reads dominate writes by a wide margin.
Candidate: Then we get roughly 1,200 writes per second and about 10k reads per second at peak. I would put Redis \
in front of Postgres as a read-through cache, so hot links are served from memory.
Interviewer: How do you generate the short keys?
Candidate: We hash the long URL and take seven base62 characters as the key. I would not use a global counter, \
because it becomes a bottleneck across regions.
Interviewer: What about analytics on clicks?
Candidate: Click events go to a queue, and a batch job aggregates them every hour.
"""


@pytest.fixture(scope="module")
def transcript() -> Transcript:
    return parse_plain(TRANSCRIPT)


@pytest.fixture(scope="module")
def encoder(shared_home: Path) -> StaticEmbedder:
    return StaticEmbedder(shared_home / "cache" / "models")


@pytest.fixture(scope="module")
def backend(encoder: StaticEmbedder) -> OfflineEntailment:
    return OfflineEntailment(encoder)


def check_one(transcript: Transcript, backend: OfflineEntailment, text: str) -> ClaimCheck:
    report = check_feedback(transcript, text, backend)
    assert report.total == 1, [claim.text for claim in report.claims]
    return report.claims[0]


def test_the_transcript_has_the_turns_the_claims_cite(transcript: Transcript) -> None:
    assert [turn.role for turn in transcript.turns] == ["interviewer", "candidate"] * 4
    assert "global counter" in transcript.turn(6).text


def test_a_true_claim_with_an_exact_quote_is_supported(transcript: Transcript, backend: OfflineEntailment) -> None:
    check = check_one(transcript, backend, 'The candidate proposed Redis as a cache in front of Postgres ("I would '
                                           'put Redis in front of Postgres as a read-through cache", turn 4).')
    assert check.verdict == "supported", check.reasons
    assert check.reasons == [] and check.flags == []
    assert check.support is not None and check.support >= 0.5
    assert check.turns == [4]


def test_a_true_claim_without_a_quote_is_supported(transcript: Transcript, backend: OfflineEntailment) -> None:
    check = check_one(transcript, backend, "The candidate estimated roughly 1,200 writes per second.")
    assert check.verdict == "supported", check.reasons


def test_a_changed_number_fails(transcript: Transcript, backend: OfflineEntailment) -> None:
    check = check_one(transcript, backend, "The candidate estimated about 40k reads per second at peak (turn 4).")
    assert check.verdict == "unsupported"
    assert "number not said: 40k" in check.reasons


def test_a_number_said_in_words_or_other_units_counts(transcript: Transcript, backend: OfflineEntailment) -> None:
    check = check_one(transcript, backend, "The candidate derived the 7-character keys from a hash of the long URL.")
    assert not [reason for reason in check.reasons if reason.startswith("number not said")], check.reasons
    check = check_one(transcript, backend, "The candidate expected about 10,000 reads per second at peak.")
    assert not [reason for reason in check.reasons if reason.startswith("number not said")], check.reasons


def test_a_swapped_technology_fails(transcript: Transcript, backend: OfflineEntailment) -> None:
    check = check_one(transcript, backend, "The candidate sent click events to Kafka for hourly aggregation (turn 8).")
    assert check.verdict == "unsupported"
    assert "technology not said: Kafka" in check.reasons  # only the interviewer said Kafka
    check = check_one(transcript, backend, "The candidate put Memcached in front of Postgres as a read-through cache.")
    assert "technology not said: Memcached" in check.reasons


def test_the_interviewers_words_attributed_to_the_candidate_fail(transcript: Transcript,
                                                                  backend: OfflineEntailment) -> None:
    check = check_one(transcript, backend, 'The candidate noted that "reads dominate writes by a wide margin".')
    assert check.verdict == "unsupported"
    assert any(reason.startswith("attributed to the candidate but said by the interviewer (turn 3)")
               for reason in check.reasons), check.reasons


def test_a_quote_the_claim_gives_to_the_interviewer_is_checked_in_their_turns(transcript: Transcript,
                                                                            backend: OfflineEntailment) -> None:
    check = check_one(transcript, backend, 'After the interviewer asked "How do you generate the short keys?", the '
                                           'candidate hashed the long URL into seven base62 characters.')
    assert not [reason for reason in check.reasons if "attributed" in reason or "quote" in reason], check.reasons


def test_a_dropped_negation_fails(transcript: Transcript, backend: OfflineEntailment) -> None:
    check = check_one(transcript, backend, 'The candidate would use a global counter for the keys: "use a global '
                                           'counter" (turn 6).')
    assert check.verdict == "unsupported"
    assert any(reason.startswith("negation lost") and "would not use a global counter" in reason
               for reason in check.reasons), check.reasons


def test_a_kept_negation_holds(transcript: Transcript, backend: OfflineEntailment) -> None:
    check = check_one(transcript, backend, 'The candidate ruled out a global counter ("I would not use a global '
                                           'counter", turn 6).')
    assert check.verdict == "supported", check.reasons


def test_an_invented_topic_fails(transcript: Transcript, backend: OfflineEntailment) -> None:
    check = check_one(transcript, backend, "The candidate designed a blue-green deployment for the service.")
    assert check.verdict == "unsupported"
    assert check.support is not None and check.support < 0.5
    assert any(reason.startswith("not supported by the candidate's words") for reason in check.reasons)


@pytest.mark.parametrize("inflation", [
    ", with the whole engineering floor answering to them",  # no title, no scope word
    ", having signed off every purchase order of the year",
])
def test_inflated_authority_fails_in_words_no_list_has(transcript: Transcript, backend: OfflineEntailment,
                                                       inflation: str) -> None:
    check = check_one(transcript, backend,
                      f'The candidate put Redis in front of Postgres as a read-through cache{inflation} (turn 4).')
    assert check.verdict == "unsupported"
    assert any(reason.startswith("scope or seniority not said") for reason in check.reasons), check.reasons


def test_authority_the_candidate_claimed_holds(backend: OfflineEntailment) -> None:
    story = parse_plain("Interviewer: Tell me about a decision you owned.\nCandidate: I was the tech lead, and I "
                        "persuaded the other two teams to adopt the shared feature store after a month of design "
                        "reviews with them.\n")
    check = check_one(story, backend, "The candidate persuaded two other teams to adopt a shared feature store, "
                                      "as their tech lead (turn 2).")
    assert check.verdict == "supported", check.reasons
    labelled = check_one(story, backend, "Sets technical direction across the organisation (strategy bar): the "
                                         "candidate said they persuaded the other two teams to adopt the shared "
                                         "feature store (turn 2).")
    assert not any(r.startswith("scope or seniority") for r in labelled.reasons), labelled.reasons  # a label


def test_a_quote_that_is_not_in_the_transcript_fails(transcript: Transcript, backend: OfflineEntailment) -> None:
    check = check_one(transcript, backend, 'The candidate said "we shard the database by region" (turn 6).')
    assert check.verdict == "unsupported"
    assert any(reason.startswith("quote not found") for reason in check.reasons), check.reasons


def test_a_quote_in_another_turn_than_the_cited_one_fails(transcript: Transcript, backend: OfflineEntailment) -> None:
    check = check_one(transcript, backend, 'The candidate said "a batch job aggregates them every hour" (turn 4).')
    assert "quote not found in the cited turn 4 (it is in turn 8)" in check.reasons


def test_a_true_absence_holds_and_a_false_one_is_contradicted(transcript: Transcript,
                                                             backend: OfflineEntailment) -> None:
    holds = check_one(transcript, backend, "The candidate never discussed rate limiting.")
    assert holds.kind == "absence"
    assert holds.verdict == "supported", holds.reasons
    contradicted = check_one(transcript, backend, "The candidate did not mention caching.")
    assert contradicted.kind == "absence"
    assert contradicted.verdict == "unsupported"
    assert any(reason.startswith("absence contradicted by turn 4") for reason in contradicted.reasons)


def test_an_absence_of_a_topic_only_the_interviewer_raised_holds(transcript: Transcript,
                                                               backend: OfflineEntailment) -> None:
    check = check_one(transcript, backend, "The candidate never brought up Kafka.")
    assert check.kind == "absence" and check.verdict == "supported", check.reasons


def test_a_near_verbatim_quote_is_supported_and_flagged(transcript: Transcript, backend: OfflineEntailment) -> None:
    check = check_one(transcript, backend, 'The candidate said "we hash the URL and take seven base62 characters '
                                           'as the key" (t6).')
    assert check.verdict == "supported", check.reasons
    assert len(check.flags) == 1 and check.flags[0].startswith("near-verbatim")


def test_a_quote_without_a_turn_is_found_in_any_candidate_turn(transcript: Transcript,
                                                                backend: OfflineEntailment) -> None:
    check = check_one(transcript, backend, 'The candidate planned hourly aggregation: "a batch job aggregates them '
                                           'every hour".')
    assert check.verdict == "supported", check.reasons
    assert check.turns == [8]


def test_free_markdown_is_split_into_atomic_claims() -> None:
    text = """# Interview feedback

Here is your feedback:

## Strengths
- **Clarification:** The candidate asked about the traffic mix (turn 2) and never estimated storage.
- Proposed Redis as a read-through cache ("I would put Redis in front of Postgres", turn 4), and estimated \
about 10k reads per second.
  > "Then we get roughly 1,200 writes per second" (turn 4)

| Dimension | Grade |
|---|---|
| Estimation | 3/4 |

Overall, the design was sound. They said "we hash the long URL. Then we take seven characters." Good luck!

Next time, discuss failure modes earlier.
"""
    assert split_claims(text) == [
        "The candidate asked about the traffic mix (turn 2)",
        "The candidate never estimated storage.",
        'Proposed Redis as a read-through cache ("I would put Redis in front of Postgres", turn 4)',
        'Estimated about 10k reads per second. "Then we get roughly 1,200 writes per second" (turn 4)',
        "Estimation: 3/4",
        "Overall, the design was sound.",
        'They said "we hash the long URL. Then we take seven characters."',
    ]


def test_coordinated_noun_phrases_stay_one_claim() -> None:
    assert split_claims("The candidate compared Redis and Memcached for the cache.") == [
        "The candidate compared Redis and Memcached for the cache."]
    assert split_claims("The candidate chose Redis but ignored eviction; they sized the cluster.") == [
        "The candidate chose Redis", "The candidate ignored eviction", "They sized the cluster."]


def test_free_text_claims_carry_their_quotes_and_turn_references() -> None:
    claims = claims_from_feedback('- Said “we hash the long URL” (t6) and "a batch job aggregates them" (turn 8).\n'
                                  "- The candidate never discussed rate limiting (turns 2 and 4).")
    assert claims[0].quotes == [CitedQuote(quote="we hash the long URL", turn_id=6),
                                CitedQuote(quote="a batch job aggregates them", turn_id=8)]
    assert claims[0].turns == [8, 6]
    assert claims[1].kind == "absence" and claims[1].turns == [2, 4] and claims[1].quotes == []


def _feedback() -> Feedback:
    quote = "I would put Redis in front of Postgres as a read-through cache, so hot links are served from memory."
    strength = Claim(text="Caching strategy (execution bar)", dimension="design", polarity="strength",
                     kind="observation", signal="caching", evidence=[Evidence(turn_id=4, quote=quote)])
    absence = Claim(text="The candidate never discussed rate limiting", dimension="design", polarity="improvement",
                    kind="absence", signal="rate-limits", verified=True)
    invented = Claim(text="Used Kafka for the click stream", dimension="design", polarity="strength",
                     kind="observation", evidence=[Evidence(turn_id=8, quote="Kafka carries the click events")])
    judgment = Claim(text="Design: meets the bar", dimension="design", polarity="strength", kind="judgment",
                     evidence=[Evidence(turn_id=4, quote=quote)])
    grade = DimensionGrade(dimension="design", name="Design", score=3, rationale="Meets the bar.",
                           claims=[strength, judgment])
    return Feedback(round=Round.SYSTEM_DESIGN, target_level=Level.L5, company=CompanyType.PRODUCT, verdict="hire",
                    level_estimate=Level.L5, summary="Solid.", dimensions=[grade],
                    strengths=[strength, invented], improvements=[absence], next_level=[],
                    verification=Verification(claims_total=3, claims_verified=2, claims_dropped=0))


def test_our_json_feedback_uses_its_own_claims(transcript: Transcript, backend: OfflineEntailment) -> None:
    text = _feedback().model_dump_json(indent=2)
    claims = claims_from_feedback(text)
    assert [claim.text for claim in claims] == ["Caching strategy (execution bar)", "Used Kafka for the click stream",
                                                "The candidate never discussed rate limiting", "Design: meets the bar"]
    assert [claim.kind for claim in claims] == ["observation", "observation", "absence", "judgment"]
    assert claims[0].quotes[0].turn_id == 4 and claims[0].signal == "caching" and claims[0].from_feedback
    report = check_feedback(transcript, text, backend)
    verdicts = {check.text: check for check in report.claims}
    assert verdicts["The candidate never discussed rate limiting"].verdict == "supported"
    assert verdicts["Design: meets the bar"].verdict == "supported"
    assert verdicts["Design: meets the bar"].support is None
    kafka = verdicts["Used Kafka for the click stream"]
    assert kafka.verdict == "unsupported"
    assert any(reason.startswith("quote not found in turn 8") for reason in kafka.reasons), kafka.reasons
    assert "technology not said: Kafka" in kafka.reasons


def test_json_that_is_not_our_feedback_is_a_user_error() -> None:
    with pytest.raises(UserError, match="not our Feedback"):
        claims_from_feedback(json.dumps({"strengths": ["good"]}))


def test_no_claims_score_none(transcript: Transcript, backend: OfflineEntailment) -> None:
    report = check_feedback(transcript, "# Feedback\n\nGood luck!\n", backend)
    assert report.total == 0 and report.score is None
    assert "No claims found" in render_report(report, "md")


def test_score_and_reports(transcript: Transcript, backend: OfflineEntailment) -> None:
    text = ("- The candidate never discussed rate limiting.\n"
            "- The candidate estimated about 40k reads per second at peak (turn 4).\n"
            '- The candidate said "we hash the URL and take seven base62 characters as the key" (t6).\n')
    report = check_feedback(transcript, text, backend)
    assert (report.total, report.supported) == (3, 2)
    assert report.score == pytest.approx(2 / 3)
    markdown = render_report(report, "md")
    assert "Score: **0.67** (2 of 3 claims supported" in markdown
    assert "number not said: 40k" in markdown and "flag: near-verbatim" in markdown
    assert FaithfulnessReport.model_validate_json(render_report(report, "json")) == report
    with pytest.raises(ValueError):
        render_report(report, "html")  # type: ignore[arg-type]


def test_model_backend_asks_for_a_verdict_and_an_unavailable_model_is_unsupported(transcript: Transcript,
                                                                                   encoder: StaticEmbedder) -> None:
    model = ScriptedModel(replies=deque([{"supported": True, "reason": "turn 8 says so"},
                                         ModelError("scripted/test is unavailable (HTTP 503)")]))
    claims = [CheckedInput(text="The candidate aggregates click events in an hourly batch job."),
              CheckedInput(text="The candidate aggregates click events in an hourly batch job, again.")]
    report = check_claims(transcript, claims, ModelEntailment(model), encoder=encoder)
    first, second = report.claims
    assert first.verdict == "supported" and first.support == 1.0 and first.explanation == "turn 8 says so"
    assert second.verdict == "unsupported" and second.explanation.startswith("undecidable")
    assert "<evidence>" in model.calls[0].messages[0]["content"]
    assert "a batch job aggregates them every hour" in model.calls[0].messages[0]["content"]
    assert report.backend == "model scripted/test"


def test_the_shipped_head_reads_the_features_in_order_and_says_how_it_was_trained() -> None:
    head = load_head()
    assert head.trained_on["held_out_balanced_accuracy"] >= 0.65  # type: ignore[operator]
    with pytest.raises(ValueError, match="features must be"):
        EntailmentHead.model_validate(head.model_dump() | {"features": list(reversed(head.features))})


def test_the_head_separates_the_labelled_calibration_claims(backend: OfflineEntailment) -> None:
    """74 hand-labelled claims about interview answers (none from DocNLI, none from DiaSumFact)."""
    items = yaml.safe_load(CALIBRATION.read_text(encoding="utf-8"))["examples"]
    right = sum((backend.support(item["claim"], item["evidence"])[0] >= thresholds().support) == item["supported"]
                for item in items)
    assert right / len(items) >= 0.75, right


@pytest.mark.parametrize(("text", "values"), [
    ("about a hundred requests", [100.0]),
    ("two hundred and fifty users", [250.0]),
    ("a thousand writes", [1000.0]),
    ("5m users and 3b rows", [5e6, 3e9]),
    ("a 5 m cable, item 3 b", [5.0, 3.0]),
])
def test_numbers_in_words_and_scale_letters(text: str, values: list[float]) -> None:
    assert [n.value for n in spoken_numbers(text)] == values


def test_generic_acronyms_are_not_technologies() -> None:
    assert technologies_in("The candidate exposed a REST API returning JSON over HTTP from the DB") == []
    assert technologies_in("The candidate put Redis and a CDN in front of the API") == ["Redis", "CDN"]


def test_the_lexicon_file_is_valid_and_a_bad_one_fails_in_one_line(tmp_path: Path) -> None:
    words = load_lexicon()
    assert "Redis" in words.technologies and words.thresholds.support < 1
    data = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    bad = tmp_path / "checker.yaml"
    bad.write_text(yaml.safe_dump(data | {"stopwords": ["the", "The"]}))
    with pytest.raises(UserError, match="listed twice: the"):
        load_lexicon(bad)
    bad.write_text(yaml.safe_dump(data | {"thresholds": data["thresholds"] | {"support": 2}}))
    with pytest.raises(UserError, match="thresholds.support"):
        load_lexicon(bad)


MEETING = """\
Anna: I think we should launch the remote at twenty five euros.
Ben: Yeah.
Carl: The battery must last a whole year, otherwise people will complain.
Anna: Fine, and I will write the report by Friday.
"""


@pytest.mark.parametrize(("summary", "failed"), [
    ("Anna suggested launching the remote at twenty five euros.", []),
    ("Carl suggested launching the remote at twenty five euros.", ["speaker"]),
    ("The group agreed that the battery must last a whole year.", ["speaker"]),
    ("We should launch the remote at twenty five euros.", ["reference"]),
    ("Anna will buy a new car next summer.", ["entailment"]),
    ("Anna thought that we should launch the remote at twenty five euros.", ["reference"]),
    ("Anna said we should launch the remote at twenty five euros.", []),
    ("Anna told Ben and Carl we should launch the remote at twenty five euros.", []),
    ("Anna wanted a launch price which, in my view, is twenty five euros.", ["reference"]),
])
def test_a_meeting_summary_is_held_to_who_said_what(backend: OfflineEntailment, summary: str,
                                                    failed: list[str]) -> None:
    report = check_feedback(source(MEETING), summary, backend)
    assert [turn.speaker for turn in source(MEETING).turns] == ["Anna", "Ben", "Carl", "Anna"]
    assert report.total == 1
    assert [name for name in report.claims[0].failed if name in {"speaker", "reference", "entailment"}] == failed


CHAT = """\
Mira: Are you free on Sunday?
Tomas: Not really, my sister visits and we go hiking.
Mira: Fine. Phone me when you are back in town.
Mira: You still owe me the blue umbrella, by the way.
Mira: Do you have the keys to the garage?
Mira: Will you be at the party on Friday? How would you fix the kitchen sink?
Tomas: Bring the cake to the party on Friday please.
Tomas: And show me the lemon cake you baked, I want a photo.
Tomas: Need to leave work early today, sorry.
"""


@pytest.mark.parametrize(("summary", "failed"), [
    ("Tomas will phone when he is back in town.", []),
    ("Mira will phone when she is back in town.", ["speaker"]),
    ("Tomas still owes the blue umbrella.", []),
    ("Mira will bring the cake to the party on Friday.", []),
    ("Tomas will bring the cake to the party on Friday.", ["speaker"]),
    ("Mira baked the lemon cake for the party.", []),
    ("Tomas goes hiking with his sister on Sunday.", []),
    ("Tomas needs to leave work early today.", []),  # "Need to leave" is his own news, not a request
    ("Tomas has the keys to the garage.", ["speaker"]),  # a question asserts nothing
    ("Tomas will be at the party on Friday.", ["speaker"]),
    ("Tomas fixed the kitchen sink.", ["speaker"]),
])
def test_a_chat_gives_each_act_to_the_one_who_does_it(backend: OfflineEntailment, summary: str,
                                                     failed: list[str]) -> None:
    """A request gives an act still to come to the one asked, not to the one asking; in a conversation of two
    "you" is the other speaker, except in a question, which asserts nothing."""
    report = check_feedback(source(CHAT), summary, backend)
    assert report.total == 1
    assert [name for name in report.claims[0].failed if name == "speaker"] == failed


def test_in_a_conversation_of_three_you_is_not_read_as_anyone() -> None:
    """With three speakers "you" could be either listener: Bo's "you will get the exercise" backs no claim about
    Ann."""
    chat = "Ann: Hello both.\nBo: Cy, you will get the take-home exercise by email on Friday.\nCy: Great, thanks.\n"
    report = check_feedback(source(chat), "Ann will get the take-home exercise by email on Friday.")
    assert "speaker" in report.claims[0].failed


def test_the_subject_of_a_claim_is_a_speaker_it_opens_with() -> None:
    names = ["Anna", "Don", "project manager"]
    found = roles.subject("However, the project manager will call the client.", names)
    assert found is not None and found.name == "project manager" and found.rest[:2] == ["will", "call"]
    assert roles.subject("In addition, Don’s meeting is at 2 pm.", names) == roles.Subject(
        "Don", ["meeting", "is", "at", "pm"], possessive=True)
    assert roles.subject("Anna: we should launch the remote.", names) is None  # a line of dialogue
    assert roles.subject("The client called Anna.", names) is None
    assert roles.spoken_line("anna : we should launch", names) == "Anna"


def test_a_claim_written_as_a_line_of_the_dialogue_says_whose_we_it_is(backend: OfflineEntailment) -> None:
    report = check_feedback(source(MEETING), "Anna: we should launch the remote at twenty five euros.", backend)
    assert "reference" not in report.claims[0].failed
    report = check_feedback(source(MEETING), "Dora: we should launch the remote at twenty five euros.", backend)
    assert "reference" in report.claims[0].failed


@pytest.mark.parametrize(("claim", "absence"), [
    ("The candidate never sized the cache.", True),
    ("They didn't quantify the write load.", True),
    ("Gave no numbers for storage.", True),
    ("Anna never mentioned the battery.", True),
    ("Marshall can't go out tonight because he is low on money.", False),
    ("Henry and Julia went to Lilly's but it's not the same place.", False),
    ("It was not to use the scroll wheel.", False),
])
def test_an_absence_claim_is_about_what_the_speaker_left_out(claim: str, absence: bool) -> None:
    """A negated fact about someone ("Marshall can't go out") is checked as a statement, not as an absence of
    talk, which the dialogue about going out would contradict."""
    assert (claims_from_feedback(claim)[0].kind == "absence") is absence


def test_a_hyphenated_name_is_no_first_person(backend: OfflineEntailment) -> None:
    chat = "Whitney: I'll take Hailey to I-max the day Aqua Man is released.\nHailey: Yay!\n"
    report = check_feedback(source(chat), "Whitney will take Hailey to I-max on the day Aqua Man is released.",
                            backend)
    assert "reference" not in report.claims[0].failed


def test_static_vectors_put_paraphrases_closer_than_unrelated_text(encoder: StaticEmbedder) -> None:
    vectors = encoder.embed(["we cache the hot keys in Redis", "hot keys are kept in a Redis cache",
                             "the meeting ended early on Friday"])
    assert vectors.shape == (3, 384)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2]) + 0.2


def test_a_rubric_label_is_not_read_as_words_the_candidate_said(transcript: Transcript,
                                                               backend: OfflineEntailment) -> None:
    """Our feedback names the behaviour first ("Observability and SLOs (execution bar): ..."): its technologies
    are the rubric's, so only the reported words are held to the candidate's."""
    labelled = check_one(transcript, backend, 'Caching with Kafka and SLOs (execution bar): the candidate said they '
                                              'would put Redis in front of Postgres ("I would put Redis in front of '
                                              'Postgres as a read-through cache", turn 4).')
    assert not any("technology not said" in reason for reason in labelled.reasons), labelled.reasons
    reported = check_one(transcript, backend, 'The candidate said they would put Kafka in front of Postgres ("I would '
                                              'put Redis in front of Postgres as a read-through cache", turn 4).')
    assert any("technology not said: Kafka" in reason for reason in reported.reasons), reported.reasons


def test_a_speakers_role_name_is_no_rank_the_claim_gives(backend: OfflineEntailment) -> None:
    meeting = ("Project Manager: We could put the clip on the back of the remote.\n"
               "Marketing: Users would like that, it is cheap too.\n")
    report = check_feedback(source(meeting), "The project manager suggested a clip on the back of the remote.",
                            backend)
    assert not {"scope", "authority"} & set(report.claims[0].failed)
    report = check_feedback(source(meeting), "Marketing managed the whole product line.", backend)
    assert "scope" in report.claims[0].failed
