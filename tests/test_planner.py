"""The planner's pure functions: answer kinds, the phase clock, follow-up choice and the next move."""

import pytest

from interviewer.catalog import Catalog
from interviewer.hooks import Hook
from interviewer.moves import phase_candidates
from interviewer.planner import (
    Analysis,
    Clock,
    Ground,
    Situation,
    choose_probe,
    classify_answer,
    home_phases,
    next_move,
    phase_budgets,
    pick_quote,
)
from interviewer.types import Level, Round


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I don't know.", "dont_know"),
        ("Honestly, no idea", "dont_know"),
        ("Redis.", "short"),
        ("How many users do we have, and what's the read to write ratio?", "clarifying"),
        ("Before I design anything: who are the users? How many links a month?", "clarifying"),
        ("Two questions before I design: how many users and notifications per day, and how fast must a login code "
         "go out? I assume both transactional and marketing.", "clarifying"),
        ("I'd shard by the hash of the short code so the load spreads evenly across nodes.", "answer"),
    ],
)
def test_answers_are_classified(text: str, kind: str) -> None:
    assert classify_answer(text, None, topic_similarity=0.5).kind == kind


def test_off_topic_needs_a_low_topic_similarity() -> None:
    text = "I like pizza and the weather is nice today."
    assert classify_answer(text, None, topic_similarity=0.02).kind == "off_topic"
    assert classify_answer(text, None, topic_similarity=0.4).kind == "answer"
    assert classify_answer(text, None, topic_similarity=None).kind == "answer"
    assert classify_answer("", "hint", None).kind == "command"


def test_budgets_scale_to_the_round_length(catalog: Catalog) -> None:
    phases = catalog.phases[Round.SYSTEM_DESIGN]
    assert sum(phase_budgets(phases, 45)) == pytest.approx(45 * 60)
    assert phase_budgets(phases, 30)[0] == pytest.approx(phases[0].minutes / 45 * 30 * 60)


def test_a_phase_gets_its_share_of_the_main_time_left_when_it_starts(catalog: Catalog) -> None:
    budgets = phase_budgets(catalog.phases[Round.SYSTEM_DESIGN], 45)
    on_time = Clock(budgets, budgets[0], 1, budgets[0])
    assert on_time.allowance(1, budgets[0]) == pytest.approx(budgets[1])
    late_start = budgets[0] + 300  # the first phase ran five minutes over
    late = Clock(budgets, late_start, 1, late_start)
    assert late.allowance(1, late_start) < budgets[1]
    early = Clock(budgets, 60, 1, 60)  # the first phase ended after a minute
    assert early.allowance(1, 60) > budgets[1]
    assert sum(left for _, left in early.table()) == pytest.approx(early.total_left)
    wrap = Clock(budgets, sum(budgets) - 100, 5, sum(budgets) - 200)
    assert wrap.phase_left == pytest.approx(100) and wrap.main_left < 0
    ahead = Clock(budgets, 480, 5, 420)  # the wrap-up began seven minutes in: its allowance is all the time left
    allowed, left = ahead.table()[-1]
    assert allowed == pytest.approx(sum(budgets) - 420) and left == pytest.approx(sum(budgets) - 480)


def _ground(catalog: Catalog, level: Level = Level.L5, question: str = "sd-url-shortener",
            weights: dict[str, float] | None = None) -> Ground:
    return Ground(question=catalog.questions[question], rubric=catalog.rubric(Round.SYSTEM_DESIGN),
                  signal_phases=home_phases(catalog.questions_for(Round.SYSTEM_DESIGN)), level=level,
                  weights=weights or {}, library=catalog.moves.get(Round.SYSTEM_DESIGN))


def _clock(catalog: Catalog, elapsed: float = 60.0, phase: int = 0, started: float = 0.0) -> Clock:
    return Clock(phase_budgets(catalog.phases[Round.SYSTEM_DESIGN], 45), elapsed, phase, started)


def _situation(catalog: Catalog, analysis: Analysis | None = None, **fields) -> Situation:  # type: ignore[no-untyped-def]
    values = dict(analysis=analysis or Analysis("answer", "some answer"), clock=_clock(catalog))
    values.update(fields)
    return Situation(**values)


def test_probe_choice_skips_shown_asked_touched_and_stated_ground(catalog: Catalog) -> None:
    ground = _ground(catalog)
    first = choose_probe(ground, "clarify", _situation(catalog))
    assert first is not None
    assert choose_probe(ground, "clarify", _situation(catalog, asked=[first.id], asked_signals=[first.signal])) != first
    for blocked in ({"shown": {first.signal}}, {"recent": {first.signal}}, {"stated": {first.id}}):
        again = choose_probe(ground, "clarify", _situation(catalog, **blocked))
        assert again is None or again.id != first.id, blocked
    shown = choose_probe(ground, "clarify", _situation(catalog, shown={first.signal}))
    assert shown is None or shown.signal != first.signal


def test_going_deeper_builds_on_the_last_answer(catalog: Catalog) -> None:
    """Once every signal of the phase has had its question, a deeper move builds on the candidate's own words
    (a second angle on a signal asked once); a generic move never asks the same ground again."""
    ground = _ground(catalog, question="sd-notifications")
    candidates = phase_candidates(ground.question, ground.library, "deep-dive", [])
    asked = {c.signal: c.id for c in reversed(candidates)}
    situation = _situation(catalog, asked=list(asked.values()), asked_signals=list(asked))
    assert choose_probe(ground, "deep-dive", situation) is None
    assert choose_probe(ground, "deep-dive", situation, "hook") is None
    hooked = _situation(catalog, asked=list(asked.values()), asked_signals=list(asked),
                        hooks=[Hook("component", "Redis")])
    deeper = choose_probe(ground, "deep-dive", hooked, "hook")
    assert deeper is not None and deeper.source == "hook" and "Redis" in deeper.text


def test_the_level_decides_which_bar_is_probed_first(catalog: Catalog) -> None:
    for level, bar in ((Level.L5, "execution"), (Level.L6, "strategy")):
        ground = _ground(catalog, level)
        for phase in {p.phase for p in ground.question.probes}:
            probe = choose_probe(ground, phase, _situation(catalog))
            candidates = [c for c in phase_candidates(ground.question, ground.library, phase, [])
                          if c.source == "question"]
            if probe is not None and bar in {ground.rubric.signals[c.signal].bar for c in candidates}:
                assert ground.rubric.signals[probe.signal].bar == bar, (level, phase)


def test_untouched_ground_comes_before_ground_the_answers_came_near(catalog: Catalog) -> None:
    ground = _ground(catalog, question="sd-notifications")
    first = choose_probe(ground, "high-level", _situation(catalog))
    assert first is not None
    later = choose_probe(ground, "high-level", _situation(catalog, touched={first.signal}))
    assert later is not None and later.signal != first.signal


def test_relevance_to_the_last_answer_breaks_ties(catalog: Catalog) -> None:
    ground = _ground(catalog)
    caching = [c for c in phase_candidates(ground.question, ground.library, "deep-dive", [])
               if c.signal == "sd-caching" and c.source == "question"]
    assert len(caching) >= 2
    favoured = caching[-1]
    others = {c.signal for c in phase_candidates(ground.question, ground.library, "deep-dive", [])} - {"sd-caching"}
    situation = _situation(catalog, shown=others, relevance={favoured.id: 0.9})
    assert choose_probe(ground, "deep-dive", situation) == favoured


@pytest.mark.parametrize("question", ["sd-news-feed", "sd-chat"])
def test_company_weights_put_their_dimensions_first(catalog: Catalog, question: str) -> None:
    ground = _ground(catalog, question=question)
    rubric = ground.rubric
    checked = 0
    for phase in dict.fromkeys(p.id for p in catalog.phases[Round.SYSTEM_DESIGN]):
        unweighted = choose_probe(ground, phase, _situation(catalog))
        candidates = phase_candidates(ground.question, ground.library, phase, [])
        others = [c for c in candidates if unweighted is not None and rubric.signals[c.signal].bar == "execution"
                  and c.source == "question"
                  and rubric.dimension_of(c.signal).id != rubric.dimension_of(unweighted.signal).id]
        if not others:
            continue
        dimension = rubric.dimension_of(others[0].signal).id
        weighted = choose_probe(_ground(catalog, question=question, weights={dimension: 2.0}), phase,
                                _situation(catalog))
        assert weighted is not None and rubric.dimension_of(weighted.signal).id == dimension, phase
        checked += 1
    assert checked >= 1


def test_a_move_builds_on_the_candidates_words_but_not_twice_running(catalog: Catalog) -> None:
    ground = _ground(catalog, question="sd-notifications")
    hooks = [Hook("component", "Redis")]
    built = choose_probe(ground, "deep-dive", _situation(catalog, hooks=hooks))
    assert built is not None and built.source == "hook" and "Redis" in built.text
    plain = choose_probe(ground, "deep-dive", _situation(catalog, hooks=hooks, last_source="hook"))
    assert plain is not None and plain.source != "hook"


def _move(catalog: Catalog, analysis: Analysis, clock: Clock | None = None, **fields):  # type: ignore[no-untyped-def]
    situation = _situation(catalog, analysis, **({"clock": clock or _clock(catalog)} | fields))
    return next_move(_ground(catalog), situation, catalog.phases[Round.SYSTEM_DESIGN])


def test_next_move_handles_each_kind_of_turn(catalog: Catalog) -> None:
    answer = Analysis("answer", "some answer")
    end = _move(catalog, Analysis("command", "", "end"))  # /end a minute in: not "That's our time"
    assert (end.kind, end.closing) == ("end", "early")
    budgets = phase_budgets(catalog.phases[Round.SYSTEM_DESIGN], 45)
    late = _move(catalog, Analysis("command", "", "end"), _clock(catalog, elapsed=sum(budgets) + 1, phase=5))
    assert (late.kind, late.closing) == ("end", "time")
    hint = _move(catalog, Analysis("command", "", "hint"), current_probe="p", current_signal="s",
                 hint=("Ten million users.", "fact"))
    assert (hint.kind, hint.probe, hint.signal, hint.hint, hint.hint_kind) == ("hint", "p", "s", "Ten million users.",
                                                                               "fact")
    clarify = _move(catalog, Analysis("clarifying", "how many users?"), facts=["Ten million."],
                    unanswered=["how long do links live"])
    assert (clarify.kind, clarify.facts) == ("clarify", ["Ten million."])
    assert clarify.unanswered == ["how long do links live"]
    assert clarify.unanswered == ["how long do links live"]
    assert _move(catalog, Analysis("short", "Redis.")).kind == "elaborate"
    assert _move(catalog, Analysis("short", "Redis."), elaborated=True).kind == "probe"
    dont_know = _move(catalog, Analysis("dont_know", "no idea"))
    assert dont_know.kind == "probe" and dont_know.prefix[0] == "dont_know"
    probe = _move(catalog, answer, facts=["Ten million."])
    assert probe.kind == "probe" and probe.phase == 0 and probe.facts == ["Ten million."]


def test_the_phase_moves_on_when_its_time_is_spent(catalog: Catalog) -> None:
    budgets = phase_budgets(catalog.phases[Round.SYSTEM_DESIGN], 45)
    move = _move(catalog, Analysis("answer", "x"), _clock(catalog, elapsed=budgets[0] + 1))
    assert move.phase > 0 and move.previous_phase == 0 and "time_up" in move.prefix


def test_a_covered_phase_with_time_left_goes_deeper_before_moving_on(catalog: Catalog) -> None:
    ground = _ground(catalog, question="sd-url-shortener")
    candidates = phase_candidates(ground.question, ground.library, "estimate", [])
    asked = {c.signal: c.id for c in reversed(candidates)}
    budgets = phase_budgets(catalog.phases[Round.SYSTEM_DESIGN], 45)
    hooks = [Hook("number", "20,000 at peak")]
    fields = dict(asked=list(asked.values()), asked_signals=list(asked), hooks=hooks)
    roomy = _situation(catalog, clock=Clock(budgets, budgets[0] + 60, 1, budgets[0]), **fields)
    deeper = next_move(ground, roomy, catalog.phases[Round.SYSTEM_DESIGN])
    assert deeper.kind == "probe" and deeper.phase == 1 and deeper.source == "hook" and "20,000 at peak" in \
        (deeper.probe_text or "")
    short = _situation(catalog, clock=Clock(budgets, budgets[0] + budgets[1] + 1, 1, budgets[0]), **fields)
    moved = next_move(ground, short, catalog.phases[Round.SYSTEM_DESIGN])
    assert moved.phase > 1 and "time_up" in moved.prefix


def test_the_round_follows_a_candidate_who_moves_on(catalog: Catalog) -> None:
    """Numbers given during the clarifying phase take the round to the estimate phase, without a speech."""
    ground = _ground(catalog)
    move = next_move(ground, _situation(catalog, showed={"sd-capacity-estimate"}),
                     catalog.phases[Round.SYSTEM_DESIGN])
    assert move.phase == 1 and move.previous_phase == 0 and "follow" in move.prefix


def test_a_request_to_go_on_gets_a_yes_and_no_new_question(catalog: Catalog) -> None:
    move = _move(catalog, Analysis("answer", "So the hybrid. Shall I sketch the design?"), confirm=True)
    assert move.kind == "clarify" and move.confirm


def test_an_answer_that_asks_to_confirm_on_the_way_gets_a_yes_and_the_next_question(catalog: Catalog) -> None:
    """A new user asked "Is it fair to assume the top 10 cities carry half the load?" mid-answer and went on;
    the interviewer said only "That's a reasonable read. Carry on."."""
    move = _move(catalog, Analysis("answer", "Is it fair to assume the top cities carry half the load? If so, I'd "
                                             "shard by geohash cell and cache per cell."), confirm=True)
    assert move.kind == "probe" and move.confirm


def test_the_round_closes_with_the_candidates_questions_and_time_only_when_it_is_up(catalog: Catalog) -> None:
    budgets = phase_budgets(catalog.phases[Round.SYSTEM_DESIGN], 45)
    late = _move(catalog, Analysis("answer", "x"), _clock(catalog, elapsed=sum(budgets) + 5, phase=3))
    assert late.kind == "closing_questions" and late.phase == 5 and "time_up" in late.prefix
    wrap = _clock(catalog, elapsed=sum(budgets) - 60, phase=5, started=sum(budgets) - 300)
    assert _move(catalog, Analysis("answer", "x"), wrap).kind == "closing_questions"
    asked = _move(catalog, Analysis("answer", "What's on-call like?"), wrap, closing_asked=True,
                  facts=["One week in eight."])
    assert (asked.kind, asked.facts, asked.closing) == ("end", ["One week in eight."], "early")
    roomy = _clock(catalog, elapsed=sum(budgets) - 200, phase=5, started=sum(budgets) - 300)
    more = _move(catalog, Analysis("answer", "What's on-call like?"), roomy, closing_asked=True, facts=["One week."])
    assert more.kind == "answer_questions"
    over = _clock(catalog, elapsed=sum(budgets) + 1, phase=5, started=sum(budgets) - 300)
    assert _move(catalog, Analysis("answer", "no questions"), over, closing_asked=True).closing == "time"


def test_code_that_passes_moves_the_round_past_the_phase_where_it_is_written(catalog: Catalog) -> None:
    phases = catalog.phases[Round.ML_CODING]
    ground = Ground(question=catalog.questions["code-kmeans"], rubric=catalog.rubric(Round.ML_CODING),
                    signal_phases=home_phases(catalog.questions_for(Round.ML_CODING)), level=Level.L5, weights={},
                    library=catalog.moves.get(Round.ML_CODING))
    clock = Clock(phase_budgets(phases, 45), 200, 1, 100)
    tests = {"turn": 4, "summary": "9/9 tests passed", "passed": 9, "total": 9, "failures": []}
    move = next_move(ground, Situation(Analysis("answer", "def kmeans(...)"), clock, tests=tests), phases)
    code_phase = next(i for i, p in enumerate(phases) if p.code)
    assert move.phase > code_phase and move.previous_phase == code_phase and move.covered
    assert move.note == "I ran your code against the hidden tests: all 9 pass."


def test_quotes_are_verbatim_prefixes() -> None:
    sentence = ("I would put the hottest links in an in-memory cache in front of the database and expect most "
                "reads to hit it.")
    quote = pick_quote(sentence)
    assert quote.endswith("…") and sentence.startswith(quote[:-1])
    assert pick_quote("Shard by user id.") == "Shard by user id"


def test_a_strong_candidate_with_time_left_is_drilled_not_sent_home(catalog: Catalog) -> None:
    """Every signal shown and every question probe asked ten minutes into a 45-minute round: the interviewer
    keeps asking (the round's generic moves, on ground shown before) instead of closing early; going back to
    earlier phases only ever uses the question's own probes."""
    ground = _ground(catalog, question="sd-url-shortener")
    phases = catalog.phases[Round.SYSTEM_DESIGN]
    budgets = phase_budgets(phases, 45)
    probes = [p.id for p in ground.question.probes]
    situation = _situation(catalog, clock=Clock(budgets, 600, 4, 500), shown=set(ground.rubric.signals),
                           asked=probes, asked_signals=[p.signal for p in ground.question.probes])
    move = next_move(ground, situation, phases)
    assert move.kind == "probe" and move.phase == 4 and move.source == "library"
    back = _situation(catalog, clock=Clock(budgets, 600, 4, 500), shown=set(ground.rubric.signals),
                      asked=probes[1:], asked_signals=[p.signal for p in ground.question.probes[1:]])
    returned = next_move(ground, back, phases)
    assert returned.source == "question" or returned.source == "library"
    assert "back" not in returned.prefix or returned.source == "question"


def test_a_phase_left_with_one_of_its_signals_is_not_announced_as_covered(catalog: Catalog) -> None:
    """"Good, we have the labels and features" came after labels alone: one signal is not the phase's ground."""
    ground = _ground(catalog)
    budgets = phase_budgets(catalog.phases[Round.SYSTEM_DESIGN], 45)
    home = [signal for signal, phase in ground.signal_phases.items() if phase == "estimate"]
    assert len(home) >= 3
    over = Clock(budgets, budgets[0] + budgets[1] + 1, 1, budgets[0])
    one = next_move(ground, _situation(catalog, clock=over, shown={home[0]}), catalog.phases[Round.SYSTEM_DESIGN])
    most = next_move(ground, _situation(catalog, clock=over, shown=set(home)), catalog.phases[Round.SYSTEM_DESIGN])
    assert one.previous_phase == most.previous_phase == 1
    assert not one.covered and most.covered


def test_a_number_hook_feeds_only_the_moves_its_kind_of_number_fits(catalog: Catalog) -> None:
    """A canary on "1% of traffic for an hour" was asked how it fits the latency budget; a time or a load
    fits that question, a share of traffic does not."""
    question = catalog.questions_for(Round.ML_SYSTEM_DESIGN)[0]
    library = catalog.moves[Round.ML_SYSTEM_DESIGN]

    def hooked(text: str) -> set[str]:
        return {c.id.split(":")[0] for c in phase_candidates(question, library, "serving", [Hook("number", text)])
                if c.source == "hook"}

    assert "move-number-latency" not in hooked("1% of traffic for an hour")
    assert "move-number-cost" not in hooked("1% of traffic for an hour")
    assert "move-number-latency" in hooked("200 ms at p99")
    assert "move-number-cost" in hooked("70 billion impressions a day")


def test_the_time_table_marks_phases_gone_by_as_done() -> None:
    """A new user read budgets adding up to 48 minutes of a 45-minute round: ended phases kept their budget."""
    from interviewer.conversation import Status, time_table

    status = Status("System design", "L5", "Deep dive", 3, 3, 600.0, 1500.0,
                    [("Clarify requirements", 360.0, 0.0), ("High-level design", 600.0, 0.0),
                     ("Deep dive", 900.0, 600.0)])
    lines = time_table(status).splitlines()
    assert lines[1].split()[-1] == "done" and "6:00" not in lines[1]
    assert lines[3].startswith("▶ Deep dive") and lines[3].split()[-2:] == ["15:00", "10:00"]
