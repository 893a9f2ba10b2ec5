"""A conversation as exchanges: back-channels keep an answer going, real questions open a new exchange."""

import pytest

from interviewer.feedback.exchanges import exchanges, is_backchannel, load_lexicon
from interviewer.transcripts import parse_plain

# Written for these tests in the style of a transcribed mock interview (fillers kept, commas dropped).
SPLIT_ANSWER = """\
Interviewer: So tell me about a time you led something.
Interviewee: Um so last spring I ran the robotics club's fundraiser
Interviewer: mm-hmm
Interviewee: and we had like twelve volunteers and ah I split them into three teams
Interviewer: Oh wow!
Interviewee: so in the end we raised about four thousand dollars which paid for the competition trip.
Interviewer: Great. And what's one of your weaknesses?
Interviewee: I take on too much I guess.
"""


def test_an_answer_split_by_back_channels_is_one_exchange() -> None:
    transcript = parse_plain(SPLIT_ANSWER, interviewer="Interviewer", candidate="Interviewee")
    found = exchanges(transcript)
    assert [e.question.text if e.question else None for e in found] == [
        "So tell me about a time you led something.", "Great. And what's one of your weaknesses?"]
    assert len(found[0].answer) == 3
    assert found[0].answer_text.startswith("Um so last spring") and "four thousand dollars" in found[0].answer_text


@pytest.mark.parametrize("text", ["mm-hmm", "Okay.", "Oh wow!", "uh huh", "Right, got it.", "That's great"])
def test_acknowledgements_are_back_channels(text: str) -> None:
    assert is_backchannel(text, load_lexicon())


@pytest.mark.parametrize("text", ["Why?", "And then what happened next with the team?",
                                  "Tell me about a challenge you faced on a team."])
def test_questions_are_not_back_channels(text: str) -> None:
    assert not is_backchannel(text, load_lexicon())


def test_what_the_candidate_says_before_any_question_has_no_question() -> None:
    transcript = parse_plain("Interviewee: Hi, thanks for having me.\nInterviewer: Tell me about yourself.\n"
                             "Interviewee: I study chemistry and I tutor on weekends.\n",
                             interviewer="Interviewer", candidate="Interviewee")
    found = exchanges(transcript)
    assert found[0].question is None and found[1].question is not None
