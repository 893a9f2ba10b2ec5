"""Thought-process signals read from the conversation's shape (no model needed)."""

from interviewer.feedback.evidence import candidate_units
from interviewer.feedback.structure import clarify_first, plan_first, takes_hints, think_aloud
from interviewer.transcripts import parse_plain


def _units(text: str):  # type: ignore[no-untyped-def]
    return candidate_units(parse_plain(text))


def test_a_hint_taken_up_and_worked_with_is_found() -> None:
    units = _units(
        "Interviewer: What does your code do when a centroid ends up with no points?\n"
        "Candidate: Good point, I didn't handle that. The mean of an empty array is NaN with a warning. "
        "So I'll keep the old centroid whenever its cluster is empty, as the spec says.\n")
    assert [u.text for u in takes_hints(units)] == ["Good point, I didn't handle that."]


def test_acknowledging_without_adapting_or_pondering_is_not_taking_a_hint() -> None:
    assert takes_hints(_units("Interviewer: What about hot keys?\nCandidate: Good point, I see now.\n")) == []
    pondering = ("Interviewer: Name one mistake of your own.\n"
                 "Candidate: Hmm. My own mistake. Maybe I should have pushed product harder? "
                 "But that wasn't really my call either.\n")
    assert takes_hints(_units(pondering)) == []


def test_an_answer_after_a_hint_counts_as_taking_it() -> None:
    transcript = parse_plain(
        "Interviewer: Think about which links get requested most.\n"
        "Candidate: Then I'd cache the hot links in Redis with a TTL. The hit rate should be above ninety "
        "percent. That takes most reads off the database.\n")
    transcript.turns[0].hint = True
    assert len(takes_hints(candidate_units(transcript))) == 1


def _interview(answers: list[str]) -> str:
    return "".join(f"Interviewer: Question {i}?\nCandidate: {answer}\n" for i, answer in enumerate(answers))


def test_thinking_aloud_needs_reasons_in_most_answers() -> None:
    reasoned = "I'd shard by user id because reads are per user. That keeps each query on one shard."
    bare = "I'd use Postgres for the data. Then a cache in front of the database."
    found = think_aloud(_units(_interview([reasoned] * 4 + [bare])))
    assert found and all("because" in u.text for u in found)
    assert think_aloud(_units(_interview([reasoned] * 2 + [bare] * 3))) == []
    assert think_aloud(_units(_interview([reasoned] * 3))) == []  # too few answers to judge


def test_a_plan_counts_in_the_opening_answers_only() -> None:
    plan = "Here's how I'll go: requirements first, then the data model. After that the APIs and the scale."
    opening = _interview(["How many users do we have?", "Are writes or reads heavier?", plan])
    assert plan_first(_units(opening))
    late = _interview(["I'd use a queue for the writes."] * 6 + [plan])
    assert plan_first(_units(late)) == []


def test_a_clarifying_question_inside_an_answer_is_the_evidence_and_a_greeting_is_not() -> None:
    units = _units("Interviewer: Hi, how are you? Design a URL shortener.\n"
                   "Candidate: Good, how are you?\n"
                   "Interviewer: Great, thanks.\n"
                   "Candidate: Let me start with scale. How many new links per month do we expect? I'd guess a lot.\n")
    found = clarify_first(units)
    assert [unit.text for unit in found] == ["How many new links per month do we expect?"]
    assert found[0].turn_id == 4


def test_a_short_round_gives_no_occasion_to_judge_thinking_aloud() -> None:
    from interviewer.feedback.structure import NEEDS_OCCASION, OCCASIONS

    short = _units("Interviewer: Design a URL shortener.\n"
                   "Candidate: I'd use a key-value store. It fits because lookups are by key.\n"
                   "Interviewer: And caching?\n"
                   "Candidate: A cache in front. Most reads hit a few hot links, so that saves the store.\n")
    assert "think-aloud" in NEEDS_OCCASION and not OCCASIONS["think-aloud"](short)
