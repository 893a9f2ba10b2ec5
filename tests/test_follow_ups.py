"""Follow-ups a person would ask, checked over our sample transcripts: each sample's answers are given, in
order, to a real round of the practice graph (the offline voice), and after each answer the interviewer's
next question is read."""

from collections import Counter
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from interviewer.catalog import Catalog, load_persona, load_phrases
from interviewer.feedback.detector import SignalDetector
from interviewer.feedback.grading import grade_transcript
from interviewer.graph.build import build_graph
from interviewer.graph.nodes import InterviewContext
from interviewer.llm.voice import OfflineVoice
from interviewer.planner import home_phases
from interviewer.rag.embeddings import Embedder
from interviewer.types import LabelledTranscript, Transcript, Turn
from interviewer.voice import Scene, opening_words

from .test_graph import NoRetrieval

OPENING_SHARE = 0.25


def _context(catalog: Catalog, embedder: Embedder, sample: LabelledTranscript) -> InterviewContext:
    round_ = sample.round
    rubric = catalog.rubric(round_)
    scene = Scene(persona=load_persona(round_), phrases=load_phrases(), question=catalog.questions[sample.question],
                  rubric=rubric, phases=catalog.phases[round_], level=sample.level, company=sample.company,
                  minutes=45, session_id=sample.id, signal_phases=home_phases(catalog.questions_for(round_)),
                  library=catalog.moves.get(round_), common_words=catalog.common_words())
    detector = SignalDetector(rubric, embedder)
    return InterviewContext(scene=scene, detector=detector, retriever=NoRetrieval(),
                            grade=lambda t: grade_transcript(t, rubric, detector, target=sample.level),
                            voice=OfflineVoice(), company=catalog.companies.get(sample.company))


def sit(context: InterviewContext, answers: list[str]) -> list[tuple[dict[str, Any], str, dict[str, Any]]]:
    """(question asked, the answer given, the next question) for each answer, until the round ends."""
    graph = build_graph(InMemorySaver())
    config = {"configurable": {"thread_id": "t"}}
    result = graph.invoke({"session_id": "s", "turns": []}, config, context=context)
    steps = []
    for answer in answers:
        if "__interrupt__" not in result:
            break
        asked = result["__interrupt__"][0].value
        result = graph.invoke(Command(resume={"text": answer, "seconds": 20 + len(answer.split()) / 2.2}), config,
                              context=context)
        if "__interrupt__" in result:
            steps.append((asked, answer, result["__interrupt__"][0].value))
    return steps


@pytest.fixture(scope="module")
def sample_rounds(catalog: Catalog, embedder: Embedder) -> dict[str, list[tuple[dict[str, Any], str, dict[str, Any]]]]:
    return {sample.id: sit(_context(catalog, embedder, sample),
                           [t.text for t in sample.transcript.turns if t.role == "candidate"])
            for sample in catalog.samples}


def test_no_follow_up_targets_a_signal_the_answer_just_showed(catalog: Catalog, embedder: Embedder,
                                                              sample_rounds: dict[str, Any]) -> None:
    """For every candidate turn of the samples, the next planned question does not probe a signal that turn
    showed (nor one it came near: the detector's support floor)."""
    checked = 0
    for sample in catalog.samples:
        detector = SignalDetector(catalog.rubric(sample.round), embedder)
        for asked, answer, following in sample_rounds[sample.id]:
            if following["kind"] != "probe":
                continue
            pair = Transcript(turns=[Turn(id=1, speaker="I", role="interviewer", text=asked["text"]),
                                     Turn(id=2, speaker="C", role="candidate", text=answer)])
            results = detector.detect(pair).results
            near = {s for s, r in results.items() if r.shown or r.best >= detector.policy.support_floor}
            assert following["signal"] not in near, (sample.id, answer[:80], following["text"])
            checked += 1
    assert checked >= 200


def test_interviewer_turns_rarely_share_their_opening_words(sample_rounds: dict[str, Any]) -> None:
    for sample_id, steps in sample_rounds.items():
        openings = Counter(opening_words(following["text"]) for _, _, following in steps)
        assert max(openings.values()) <= OPENING_SHARE * len(steps), (sample_id, openings.most_common(3))


def test_the_interviewer_answers_questions_inside_an_answer_and_never_asks_back_what_was_stated(
        catalog: Catalog, embedder: Embedder) -> None:
    sample = next(s for s in catalog.samples if s.round.value == "system-design")
    sample = sample.model_copy(update={"question": "sd-notifications", "id": "notifications"})
    answer = ("Two questions before I design: how many users and notifications per day, and how fast must a login "
              "code go out? I assume both transactional and marketing.")
    (_, _, reply), = sit(_context(catalog, embedder, sample), [answer])
    assert "200 million users" in reply["text"] and "5 seconds at p99" in reply["text"]
    assert reply["probe"] != "traffic-types" and "Which kinds of notifications" not in reply["text"]
    steps = sit(_context(catalog, embedder, sample), [
        "Let me start with what we are building. " + answer.split("? ")[1],
        "So a billion a day is about 12,000 a second on average and 170,000 a second during a campaign burst."])
    assert all(following["probe"] != "traffic-types" for _, _, following in steps)


def test_an_open_question_about_something_undefined_is_the_candidates_call(catalog: Catalog,
                                                                            embedder: Embedder) -> None:
    sample = next(s for s in catalog.samples if s.question == "sd-url-shortener")
    (_, _, reply), = sit(_context(catalog, embedder, sample),
                         ["Should short codes be case sensitive? And how many new links a month?"])
    assert "120 million" in reply["text"]
    assert "your call" in reply["text"] and "case sensitive" in reply["text"]


def test_a_probe_already_answered_in_the_candidates_words_is_not_asked(catalog: Catalog, embedder: Embedder) -> None:
    """A new user explained in their first answer that treatment users took restaurants and couriers away from
    control, and was later asked "Who is on each side of this marketplace, and which resource is scarce...?",
    "something we moved past quickly". A probe's own `answered_if` joins the library's for its signal."""
    from interviewer.graph.reading import already_answered
    from interviewer.moves import phase_candidates
    from interviewer.types import Round

    question = catalog.questions["stats-marketplace-ranking"]
    pool = phase_candidates(question, catalog.moves.get(Round.STATISTICS), "clarify", [])
    scarce = next(c for c in pool if c.id == "scarce-resource")
    answer = ("In the user-level test, treatment users grabbed the fast-prep, nearby restaurants and couriers away "
              "from control users, so control got worse and the difference was inflated.")
    assert scarce.id in already_answered(embedder, [answer], [scarce], question.prompt)
    assert scarce.id not in already_answered(embedder, ["I'd start with the primary metric."], [scarce],
                                             question.prompt)
