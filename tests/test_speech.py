"""How answers are given: fillers, hedges, stalls, unsure sentences and substance, on real-speech excerpts."""

from interviewer.feedback.exchanges import load_lexicon
from interviewer.feedback.speech import SpeechReader, count_hedges, patterns_for
from interviewer.rag.embeddings import Embedder
from interviewer.transcripts import parse_plain

# Written for these tests in the style of a transcribed mock interview (fillers kept, commas dropped).
INTERVIEW = """\
Interviewer: How are you doing today?
Interviewee: Pretty good.
Interviewer: Tell me about a time you showed leadership.
Interviewee: So last year I was treasurer of the chess club and we had to organize a tournament for about
sixty players. I set up the budget made a schedule and asked two friends to handle sign-ups and in the end we
finished on time and made three hundred dollars for next year.
Interviewer: Tell me about a challenge on a team.
Interviewee: Um... ummm I guess uh like I really don't know how to answer these kind of questions sorry.
"""


def _speech(embedder: Embedder):  # type: ignore[no-untyped-def]
    transcript = parse_plain(INTERVIEW, interviewer="Interviewer", candidate="Interviewee")
    return SpeechReader(embedder).read(transcript)


def test_small_talk_is_not_measured(embedder: Embedder) -> None:
    speech = _speech(embedder)
    assert [a.exchange.question.text for a in speech.answers if a.exchange.question] == [
        "Tell me about a time you showed leadership.", "Tell me about a challenge on a team."]
    assert speech.small_talk == {0}


def test_fillers_hedges_and_stalls_are_counted(embedder: Embedder) -> None:
    concrete, stuck = _speech(embedder).answers
    assert concrete.fillers == 0 and stuck.fillers == 3  # "Um", "ummm", "uh"
    assert stuck.hedges >= 2  # "I guess", "like"
    assert [u.text for u in stuck.struggles] and "don't know how to answer" in stuck.struggles[0].text
    assert concrete.words > 40 > stuck.words
    assert concrete.numbers >= 1


def test_liking_something_is_not_a_hedge() -> None:
    patterns = patterns_for(load_lexicon())
    assert count_hedges("I like to bake and I would like to work here.", patterns) == 0
    assert count_hedges("it was like really hard and stuff like that", patterns) == 2


def test_an_unsure_answer_reads_more_unsure_than_a_concrete_one(embedder: Embedder) -> None:
    concrete, stuck = _speech(embedder).answers
    assert stuck.unsure_mean > concrete.unsure_mean


def test_interview_figures_summarise_the_answers(embedder: Embedder) -> None:
    features = _speech(embedder).features()
    assert features["short_share"] == 0.5
    assert 0 < features["filler_rate"] < 0.2
    assert features["struggle"] == 0.5
