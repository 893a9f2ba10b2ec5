"""The planner's pure functions: answer kinds, the phase clock, probe choice and the next move."""

import pytest

from interviewer.catalog import Catalog
from interviewer.planner import (
    Analysis,
    Clock,
    Ground,
    choose_probe,
    classify_answer,
    home_phases,
    next_move,
    phase_budgets,
    phase_probes,
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
        ("I'd shard by the hash of the short code so the load spreads evenly across nodes.", "answer"),
    ],
)
def test_answers_are_classified(text: str, kind: str) -> None:
    assert classify_answer(text, None, topic_similarity=0.5).kind == kind


def test_off_topic_needs_a_low_topic_similarity() -> None:
    text = "I like pizza and the weather is nice today."
    assert classify_answer(text, None, topic_similarity=0.02).kind == "off_topic"
    assert classify_answer(text, None, topic_similarity=0.4).kind == "answer"
    assert classify_answer("", "hint", None).kind == "command"


def test_budgets_scale_to_the_round_length(catalog: Catalog) -> None:
    phases = catalog.phases[Round.SYSTEM_DESIGN]
    assert sum(phase_budgets(phases, 45)) == pytest.approx(45 * 60)
    assert phase_budgets(phases, 30)[0] == pytest.approx(phases[0].minutes / 45 * 30 * 60)


def _ground(catalog: Catalog, level: Level = Level.L5) -> Ground:
    return Ground(question=catalog.questions["sd-url-shortener"], rubric=catalog.rubric(Round.SYSTEM_DESIGN),
                  signal_phases=home_phases(catalog.questions_for(Round.SYSTEM_DESIGN)), level=level, weights={})


def test_probe_choice_skips_shown_and_asked_signals(catalog: Catalog) -> None:
    ground = _ground(catalog)
    phase = ground.question.probes[0].phase
    first = choose_probe(ground, phase, set(), set(), {})
    assert first is not None
    again = choose_probe(ground, phase, set(), {first.id}, {})
    assert again is None or again.id != first.id
    shown = choose_probe(ground, phase, {first.signal}, set(), {})
    assert shown is None or shown.signal != first.signal


def test_the_level_decides_which_bar_is_probed_first(catalog: Catalog) -> None:
    for level, bar in ((Level.L5, "execution"), (Level.L6, "strategy")):
        ground = _ground(catalog, level)
        for phase in {p.phase for p in ground.question.probes}:
            probe = choose_probe(ground, phase, set(), set(), {})
            bars = {ground.rubric.signals[p.signal].bar for p in ground.question.probes if p.phase == phase}
            if probe is not None and bar in bars:
                assert ground.rubric.signals[probe.signal].bar == bar, (level, phase)


def test_relevance_to_the_last_answer_breaks_ties(catalog: Catalog) -> None:
    ground = _ground(catalog)
    caching = [p for p in ground.question.probes if p.signal == "sd-caching"]
    assert len(caching) >= 2
    favoured = caching[-1]
    asked = {p.id for p in ground.question.probes if p.signal != "sd-caching"}
    assert choose_probe(ground, favoured.phase, set(), asked, {favoured.id: 0.9}) == favoured


def test_company_weights_put_their_dimensions_first(catalog: Catalog) -> None:
    ground = _ground(catalog)
    rubric = ground.rubric
    by_phase: dict[str, list] = {}  # type: ignore[type-arg]
    for phase_id in dict.fromkeys(p.id for p in catalog.phases[Round.SYSTEM_DESIGN]):
        for probe in phase_probes(ground.question, rubric, phase_id, ground.signal_phases):
            if rubric.signals[probe.signal].bar == "execution":
                by_phase.setdefault(phase_id, []).append(probe)
    phase, probes = next((phase, probes) for phase, probes in by_phase.items()
                         if len({rubric.dimension_of(p.signal).id for p in probes}) >= 2)
    unweighted = choose_probe(ground, phase, set(), set(), {})
    assert unweighted is not None
    favoured = next(p for p in probes if rubric.dimension_of(p.signal).id != rubric.dimension_of(unweighted.signal).id)
    weighted = Ground(**{**ground.__dict__, "weights": {rubric.dimension_of(favoured.signal).id: 2.0}})
    assert choose_probe(weighted, phase, set(), set(), {}) == favoured


def _move(catalog: Catalog, analysis: Analysis, clock: Clock, **overrides):  # type: ignore[no-untyped-def]
    arguments = dict(ground=_ground(catalog), analysis=analysis, clock=clock,
                     phases=catalog.phases[Round.SYSTEM_DESIGN], shown=set(), asked=set(), relevance={},
                     current_probe=None, current_signal=None, closing_asked=False, elaborated=False, fact=None)
    arguments.update(overrides)
    return next_move(**arguments)


def _clock(catalog: Catalog, elapsed: float = 60.0, phase: int = 0, started: float = 0.0) -> Clock:
    return Clock(phase_budgets(catalog.phases[Round.SYSTEM_DESIGN], 45), elapsed, phase, started)


def test_next_move_handles_each_kind_of_turn(catalog: Catalog) -> None:
    answer = Analysis("answer", "some answer")
    assert _move(catalog, Analysis("command", "", "end"), _clock(catalog)).kind == "end"
    hint = _move(catalog, Analysis("command", "", "hint"), _clock(catalog), current_probe="p", current_signal="s")
    assert (hint.kind, hint.probe, hint.signal) == ("hint", "p", "s")
    clarify = _move(catalog, Analysis("clarifying", "how many users?"), _clock(catalog), fact="Ten million.")
    assert (clarify.kind, clarify.fact) == ("clarify", "Ten million.")
    assert _move(catalog, Analysis("short", "Redis."), _clock(catalog)).kind == "elaborate"
    assert _move(catalog, Analysis("short", "Redis."), _clock(catalog), elaborated=True).kind == "probe"
    dont_know = _move(catalog, Analysis("dont_know", "no idea"), _clock(catalog))
    assert dont_know.kind == "probe" and dont_know.prefix[0] == "dont_know"
    probe = _move(catalog, answer, _clock(catalog))
    assert probe.kind == "probe" and probe.phase == 0


def test_the_phase_moves_on_when_its_time_is_spent(catalog: Catalog) -> None:
    budgets = phase_budgets(catalog.phases[Round.SYSTEM_DESIGN], 45)
    move = _move(catalog, Analysis("answer", "x"), _clock(catalog, elapsed=budgets[0] + 1))
    assert move.phase > 0 and move.previous_phase == 0 and "time_up" in move.prefix


def test_the_round_closes_with_the_candidates_questions(catalog: Catalog) -> None:
    budgets = phase_budgets(catalog.phases[Round.SYSTEM_DESIGN], 45)
    late = _move(catalog, Analysis("answer", "x"), _clock(catalog, elapsed=sum(budgets) + 5, phase=3))
    assert late.kind == "closing_questions" and late.phase == 5
    wrap = _clock(catalog, elapsed=100, phase=5)
    assert _move(catalog, Analysis("answer", "x"), wrap).kind == "closing_questions"
    assert _move(catalog, Analysis("answer", "x"), wrap, closing_asked=True).kind == "end"


def test_quotes_are_verbatim_prefixes() -> None:
    sentence = ("I would put the hottest links in an in-memory cache in front of the database and expect most "
                "reads to hit it.")
    quote = pick_quote(sentence)
    assert quote.endswith("…") and sentence.startswith(quote[:-1])
    assert pick_quote("Shard by user id.") == "Shard by user id"
