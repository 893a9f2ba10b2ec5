"""Which rubric dimensions the interviewer asked about, however the question is worded."""

from interviewer.catalog import Catalog
from interviewer.feedback.exchanges import exchanges
from interviewer.feedback.topics import asked_dimensions
from interviewer.rag.embeddings import Embedder
from interviewer.transcripts import parse_plain
from interviewer.types import Round

INTERVIEW = """\
Interviewer: So do you see yourself as a leader at all?
Interviewee: Yeah I'd say so I ran the robotics club for two years.
Interviewer: Can you be a little more specific?
Interviewee: Sure I planned the build season and ran the weekly meetings.
Interviewer: If you could change one thing about yourself what would it be?
Interviewee: Probably that I say yes to too many things.
Interviewer: Was there a time people on your team didn't get along?
Interviewee: Once two teammates argued over the design so we tested both.
"""


def test_questions_find_their_dimensions_and_follow_ups_inherit(catalog: Catalog, embedder: Embedder) -> None:
    transcript = parse_plain(INTERVIEW, interviewer="Interviewer", candidate="Interviewee")
    found = exchanges(transcript)
    asked = asked_dimensions(found, catalog.rubric(Round.BEHAVIORAL), embedder)
    assert asked["ownership"] == [0, 1]  # the follow-up "be more specific" stays on leadership
    assert asked["self-awareness"] == [2]
    assert asked["conflict-collaboration"] == [3]
    assert asked["mentoring"] == [] and asked["failure-learning"] == []


def test_small_talk_asks_about_nothing(catalog: Catalog, embedder: Embedder) -> None:
    transcript = parse_plain("Interviewer: How are you doing today?\nInterviewee: Good thanks.\n",
                             interviewer="Interviewer", candidate="Interviewee")
    asked = asked_dimensions(exchanges(transcript), catalog.rubric(Round.BEHAVIORAL), embedder, {0})
    assert not any(asked.values())
