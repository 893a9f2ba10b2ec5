"""Finding the candidate's questions in an answer, wherever they sit and however many there are."""

import numpy as np
import pytest

from interviewer.candidate_questions import AskedQuestion, match_answers, questions_in, split_questions


def texts(answer: str) -> list[str]:
    return [q.text for q in questions_in(answer)]


def test_every_question_in_an_answer_is_found_and_split() -> None:
    answer = ("Two questions before I design: how many users and notifications per day, and how fast must a login "
              "code go out? I assume both transactional and marketing.")
    assert texts(answer) == ["how many users per day", "how many notifications per day",
                             "how fast must a login code go out"]  # two counts, which two facts may answer
    riders = "Roughly how many riders and drivers do we have at peak?"
    assert texts(riders) == ["Roughly how many riders do we have at peak",
                             "Roughly how many drivers do we have at peak"]
    middle = ("Let me start with the API. Roughly how many teams will call it? Then the pipeline: a queue per "
              "priority and workers per channel.")
    assert texts(middle) == ["Roughly how many teams will call it"]
    lead_in = "Before I design anything: roughly how many new links a month, and how many redirects per link?"
    assert texts(lead_in) == ["roughly how many new links a month", "how many redirects per link"]
    assert texts("Redis: is it the right store here?") == ["Redis: is it the right store here"]
    either = "Do we need to run multi-region, or is a single region with multiple zones acceptable?"
    assert texts(either) == [either.rstrip("?")]  # the other side of one question, not a second one
    assert texts("Is it one-to-one chat only? Or groups too? And do we need read receipts?") == [
        "Is it one-to-one chat only", "Or groups too", "And do we need read receipts"]


def test_a_question_the_candidate_answers_is_marked_and_reported_speech_is_not_a_question() -> None:
    assert [q.self_answered for q in questions_in("What breaks first? Probably the fan-out tier.")] == [True]
    assert [q.self_answered for q in questions_in("How many users? I'll assume 100 million.")] == [True]
    assert [q.self_answered for q in questions_in("How many users? And what is the read ratio?")] == [False, False]
    assert questions_in('So I asked him: can I rerun your evaluation with a time split? He agreed.') == []
    assert questions_in("Right? So we shard by user.") == []


@pytest.mark.parametrize("text", ["Does that match what you had in mind?", "Sound reasonable?", "Is that OK?"])
def test_a_request_to_confirm_the_framing_is_recognised(text: str) -> None:
    assert [q.confirm for q in questions_in(f"I'll scope it to the home feed. {text}")] == [True]


def test_split_questions_keeps_a_single_question_whole() -> None:
    assert split_questions("What does the API return to the caller and how is it versioned?") == [
        "What does the API return to the caller", "how is it versioned"]
    assert split_questions("Which channels, push or email?") == ["Which channels, push or email"]


def test_each_question_gets_its_best_answer_once_and_the_rest_are_reported() -> None:
    questions = [AskedQuestion("how many users"), AskedQuestion("how many users a day"),
                 AskedQuestion("which language"), AskedQuestion("what breaks first", self_answered=True),
                 AskedQuestion("how big is the team")]
    margins = np.array([[0.2, -0.1], [0.1, -0.3], [-0.2, -0.4], [-0.3, -0.1], [-0.2, -0.05]])
    reply = match_answers(questions, ["200 million users.", "One week in eight."], margins,
                          about_us=[False, False, False, False, True])
    assert reply.answers == ["200 million users."]
    assert reply.unanswered == ["which language"] and reply.not_mine == ["how big is the team"]


def test_a_question_mark_in_pasted_code_or_a_quoted_literal_is_not_a_question() -> None:
    from interviewer.graph.reading import spoken

    answer = ('The empty string works now. "?!" raises IndexError too.\n'
              "```python\ndef is_palindrome(s):\n    return s == s[::-1]  # why not?\n```\n"
              "if not s:\n    return True\nShould I also handle None?")
    assert texts(spoken(answer)) == ["Should I also handle None"]


def test_questions_about_the_job_mid_round_get_the_personas_answers(embedder) -> None:  # type: ignore[no-untyped-def]
    from interviewer.catalog import load_persona
    from interviewer.graph.reading import reply_to
    from interviewer.types import Round

    persona = load_persona(Round.SYSTEM_DESIGN)
    asked = questions_in("What does success look like in the first six months? Why did you join?")
    reply = reply_to(embedder, asked, {"scale": "120 million new links a month"}, persona.answers, [], wrap_up=False)
    assert len(reply.answers) == 2 and not reply.unanswered
    assert all(answer in {a.answer for a in persona.answers} for answer in reply.answers)


def test_a_question_about_the_job_that_shares_a_word_with_a_fact_gets_the_personas_answer(  # type: ignore[no-untyped-def]
        embedder) -> None:
    from interviewer.catalog import load_persona
    from interviewer.graph.reading import reply_to
    from interviewer.types import Round

    persona = load_persona(Round.SYSTEM_DESIGN)
    facts = {"team": "Four backend engineers and one quarter to the first launch."}
    reply = reply_to(embedder, questions_in("What would my first project on the team be?"), facts, persona.answers, [],
                     wrap_up=False)
    assert reply.answers and reply.answers[0] != facts["team"]
    assert reply.answers[0] in {a.answer for a in persona.answers}


def test_a_fact_already_said_is_not_said_again_to_a_question_it_does_not_answer(  # type: ignore[no-untyped-def]
        embedder) -> None:
    """A new user asked whether the decline shows in the metrics; the interviewer repeated, word for word, the
    usage facts it had given one turn before, because the question shared "sessions" and "hide" with them."""
    from interviewer.catalog import load_catalog
    from interviewer.config import get_settings
    from interviewer.graph.reading import reply_to

    question = load_catalog(get_settings().corpus).questions["mlsd-feed-ranking"]
    facts = question.facts
    said = ["Good one. " + " ".join(facts.values())]
    trend = questions_in("Is there a trend in sessions per user or hide rate over the year, or is it only survey "
                         "complaints?")
    fresh = reply_to(embedder, trend, facts, [], [], wrap_up=False)
    again = reply_to(embedder, trend, facts, [], [], wrap_up=False, said=said)
    assert not again.answers and again.unanswered
    assert fresh.answers  # the first time, sharing those words was enough
    asked_again = questions_in("Sorry, how many daily active users was it again?")
    assert reply_to(embedder, asked_again, facts, [], [], wrap_up=False, said=said).answers


def test_a_general_move_is_not_asked_when_any_earlier_answer_already_did_it(embedder) -> None:  # type: ignore[no-untyped-def]
    """A new user described drift alerts, then answered a latency question; the next follow-up asked how they
    would notice the model quietly getting worse."""
    from interviewer.catalog import load_catalog
    from interviewer.config import get_settings
    from interviewer.graph.reading import already_answered
    from interviewer.moves import phase_candidates
    from interviewer.types import Round

    catalog = load_catalog(get_settings().corpus)
    question = catalog.questions["mlsd-feed-ranking"]
    candidates = phase_candidates(question, catalog.moves[Round.ML_SYSTEM_DESIGN], "serving", [])
    monitoring = ("I'd monitor at three levels. Model health: prediction distribution per task, mean predicted CTR "
                  "versus observed over 5-minute windows, and the fraction of NaN or default-valued features; an "
                  "alert fires if calibration drifts more than 10% or feature null rate doubles. Business: "
                  "feed-load success rate, hide rate and sessions per user on a real-time dashboard compared to the "
                  "same hour last week. Meanwhile users get a fallback: we keep the previous model version hot, and "
                  "a circuit breaker falls back to it. Deploys are canaried on 1% of traffic for an hour with "
                  "automatic rollback if NCE on fresh labels degrades.")
    latency = ("Retrieval about 20 ms, feature fetch about 25 ms in parallel, heavy ranker 40 ms, so about 100 ms at "
               "p99 with 50 ms slack.")
    assert "move-quietly-worse" in already_answered(embedder, [monitoring, latency], candidates, question.prompt)
    assert "move-quietly-worse" not in already_answered(embedder, [latency], candidates, question.prompt)


def test_answered_if_reads_every_answer_for_a_general_move_and_the_last_for_a_hook_move(  # type: ignore[no-untyped-def]
        embedder) -> None:
    from interviewer.graph.reading import already_answered
    from interviewer.moves import Candidate

    general = Candidate("move-general", "s", "serving", "What else would you add to the design?", "library",
                        answered_if=r"\bzebra\b")
    hooked = Candidate("move-hooked:x", "s", "serving", 'You said "x". What else?', "hook", "x",
                       answered_if=r"\bzebra\b")
    answers = ["A zebra crossing is painted near the office.", "Lunch was at noon in the canteen."]
    assert already_answered(embedder, answers, [general, hooked], "") == {"move-general"}


STAR_STORY = ("Last year I was the tech lead on the checkout team at an e-commerce company, five engineers. Our VP "
              "of product asked us to add a mandatory account-creation step before checkout. My task was to build it "
              "or convince them otherwise. So I pulled three months of funnel data, ran an A/B test on 5% of traffic "
              "for two weeks and presented the numbers to the VP and the marketing lead together. The mandatory "
              "variant cut conversion by 11%, about 1.8 million dollars over the quarter. They agreed to ship the "
              "optional prompt instead, and registered users grew 40% over the quarter.")


def test_after_a_whole_story_the_interviewer_does_not_ask_for_one_specific_time(embedder) -> None:  # type: ignore[no-untyped-def]
    """A new user told a full STAR story with numbers and was asked "Can you pick one specific time and walk me
    through it?", then who made the call and why it mattered."""
    from interviewer.catalog import load_catalog
    from interviewer.config import get_settings
    from interviewer.graph.reading import already_answered
    from interviewer.moves import phase_candidates
    from interviewer.types import Round

    catalog = load_catalog(get_settings().corpus)
    question = catalog.questions["beh-pushing-back"]
    library = catalog.moves[Round.BEHAVIORAL]
    for phase in ("intro", "story", "probe"):
        candidates = phase_candidates(question, library, phase, [])
        answered = already_answered(embedder, [STAR_STORY], candidates, question.prompt)
        for move in ("one-time", "why-it-mattered", "what-you-did", "after-the-call", "outside-agree"):
            if any(c.id == f"move-{move}" for c in candidates):
                assert f"move-{move}" in answered, (phase, move)
    vague = "I usually just try to talk it through with people and it works out."
    candidates = phase_candidates(question, library, "intro", [])
    assert "move-one-time" not in already_answered(embedder, [vague], candidates, question.prompt)


def test_a_question_that_repeats_the_interviewers_then_answers_it_is_not_put_to_the_interviewer() -> None:
    """A new user echoed "Why the request happened?" before answering; the interviewer answered the echo with
    the question's brief ("what we look for")."""
    asked = "OK. Why do you think it happened, really?"
    assert questions_in("Why the request happened? Marketing had a quarterly target on accounts.", asked) == []
    assert questions_in("Why the request happened?", asked)  # nothing follows: it is a question to the interviewer
    prompt = "Design a URL shortener like bit.ly for our company."
    assert questions_in("How many users does the shortener have? I guess a lot of them.", prompt)


def test_a_questions_probe_is_answered_as_the_librarys_moves_on_its_signal(embedder) -> None:  # type: ignore[no-untyped-def]
    """After a story with the A/B test and the VP's sign-off, "How did you make your case: what evidence or numbers
    did you bring?" and "Who made the final call?" asked back what the candidate had said."""
    from interviewer.catalog import load_catalog
    from interviewer.config import get_settings
    from interviewer.graph.reading import already_answered
    from interviewer.moves import phase_candidates
    from interviewer.types import Round

    catalog = load_catalog(get_settings().corpus)
    question = catalog.questions["beh-pushing-back"]
    candidates = [c for phase in ("story", "probe")
                  for c in phase_candidates(question, catalog.moves[Round.BEHAVIORAL], phase, [])]
    evidence = next(c for c in candidates if c.source == "question" and c.signal == "beh-disagrees-with-data")
    assert evidence.id in already_answered(embedder, [STAR_STORY], candidates, question.prompt)
    assert evidence.id not in already_answered(embedder, ["I told them it was a bad idea."], candidates,
                                                question.prompt)


def test_a_traffic_split_is_not_asked_how_it_was_measured() -> None:
    """"You mentioned "5% traffic split". How did you measure that?" asked how an allocation was measured."""
    from interviewer.catalog import load_catalog
    from interviewer.config import get_settings
    from interviewer.hooks import Hook
    from interviewer.moves import phase_candidates
    from interviewer.types import Round

    catalog = load_catalog(get_settings().corpus)
    question = catalog.questions["beh-pushing-back"]

    def measured(hook: str) -> bool:
        found = phase_candidates(question, catalog.moves[Round.BEHAVIORAL], "story", [Hook("number", hook)])
        return any(c.id.startswith("move-number-measured:") for c in found)

    assert measured("40% over the quarter") and measured("1.8 million dollars of lost revenue")
    assert not measured("5% of sessions stay on the old flow") and not measured("5% traffic split")


def test_a_question_the_candidate_settles_with_an_assumption_is_accepted_when_nothing_defines_it() -> None:
    """"Should the calling teams own the templates, or do we host a template service? I'll assume we host them."
    got no reply at all; a rhetorical question answered in the next breath is not confirmed."""
    import numpy as np

    assumed = questions_in("Should the teams own the templates, or do we host a template service? I'll assume we "
                           "host them so copy stays in one place.")
    assert match_answers(assumed, [], np.zeros((1, 0))).confirm
    assert not match_answers(assumed, ["Teams own their templates."], np.ones((1, 1))).confirm  # a fact says it
    aloud = questions_in("What breaks first? Probably the fan-out tier.")
    assert not match_answers(aloud, [], np.zeros((1, 0))).confirm


def test_where_the_bottleneck_is_is_not_asked_after_the_answer_named_what_gives_out_first(embedder) -> None:  # type: ignore[no-untyped-def]
    from interviewer.catalog import load_catalog
    from interviewer.config import get_settings
    from interviewer.graph.reading import already_answered
    from interviewer.moves import phase_candidates
    from interviewer.types import Round

    catalog = load_catalog(get_settings().corpus)
    question = catalog.questions["sd-notifications"]
    candidates = phase_candidates(question, catalog.moves[Round.SYSTEM_DESIGN], "scale-failure", [])
    ten_x = ("At 600,000 per second the first thing to give out is the SMS and push providers, not our own code: "
             "we'd hit their rate limits long before our queue tier struggles.")
    assert "move-where-bottleneck" in already_answered(embedder, [ten_x], candidates, question.prompt)
