"""The interview loop: round ranking per role and company, the level bars, and the clock-driven practice plan."""

import shlex
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from interviewer.catalog import Catalog
from interviewer.cli import cli
from interviewer.errors import UserError
from interviewer.loop import (
    LOOPS_FILE,
    DayPlan,
    JobRole,
    load_loops,
    practice_plan,
    rank_rounds,
    render_loop,
)
from interviewer.practice import choose_question
from interviewer.types import CompanyType, Level, Round

TODAY = date(2025, 6, 2)


def _plan(days: int, role: str = "ai-engineer", company: str = "ai-first", level: str = "L5") -> list[DayPlan]:
    return practice_plan(role, company, level, TODAY + timedelta(days=days), TODAY)


# --- the data file ------------------------------------------------------------------------------


def test_loops_file_validates() -> None:
    loops = load_loops()
    assert set(loops.roles) == set(JobRole)
    assert set(loops.companies) == set(CompanyType)
    assert set(loops.rounds) == set(Round)
    for spec in loops.roles.values():
        assert Round.BEHAVIORAL in spec.rounds
        assert {item.weight for item in spec.rounds.values()} <= {1, 2, 3}
    assert [stage.id for stage in loops.clock] == ["deep-study", "mock-sharpen", "review", "light-touch", "day-of"]


def _write(tmp_path: Path, old: str, new: str) -> Path:
    text = LOOPS_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "loops.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    title: ML engineer\n", "    title: ML engineer\n    salary: high\n", "roles.ml-engineer.salary"),
        ("ml-coding: {weight: 3,", "ml-coding: {weight: 4,", "less than or equal to 3"),
        ("  faang:\n", "  bigtech:\n", "companies.bigtech"),
        ("    start: 14\n", "    start: 13\n", "mock-sharpen must start the day after deep-study ends"),
        ("      behavioral: {weight: 1, expect: \"1 round on influence",
         "      system-design: {weight: 1, expect: \"1 round on influence", "data-scientist has no behavioral"),
        ("roles:\n", "roles: [\n", "not valid YAML"),
    ],
)
def test_a_bad_loops_file_fails_with_its_name(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(UserError, match="^loops.yaml: ") as raised:
        load_loops(_write(tmp_path, old, new))
    assert message in str(raised.value)


# --- ranking ------------------------------------------------------------------------------------


def test_ai_engineer_at_an_ai_first_lab_leads_with_ai_systems_design() -> None:
    ranked = rank_rounds("ai-engineer", "ai-first")
    assert ranked[0][0] == Round.AI_SYSTEMS_DESIGN
    weights = [weight for _, weight in ranked]
    assert weights == sorted(weights, reverse=True)


@pytest.mark.parametrize("company", list(CompanyType))
def test_data_scientists_lead_with_statistics_everywhere(company: CompanyType) -> None:
    assert rank_rounds(JobRole.DATA_SCIENTIST, company)[0][0] == Round.STATISTICS


def test_ml_engineers_lead_with_ml_system_design_at_big_tech() -> None:
    assert rank_rounds("ml-engineer", "faang")[0][0] == Round.ML_SYSTEM_DESIGN


def test_company_type_moves_the_weights() -> None:
    def weight(role: str, company: str, round_: Round) -> float:
        return dict(rank_rounds(role, company))[round_]

    assert weight("ai-engineer", "ai-first", Round.AI_SYSTEMS_DESIGN) > weight("ai-engineer", "product",
                                                                                Round.AI_SYSTEMS_DESIGN)
    assert weight("ml-engineer", "product", Round.STATISTICS) > weight("ml-engineer", "faang", Round.STATISTICS)
    spread = {company: max(dict(rank_rounds("ml-engineer", company)).values())
              / min(dict(rank_rounds("ml-engineer", company)).values()) for company in ("faang", "startup")}
    assert spread["startup"] < spread["faang"]


def test_unknown_role_is_a_user_error() -> None:
    with pytest.raises(UserError, match="unknown role 'pm'"):
        rank_rounds("pm", "faang")


# --- the plan -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_out", "stage"),
    [(28, "deep-study"), (15, "deep-study"), (14, "mock-sharpen"), (8, "mock-sharpen"), (7, "review"),
     (3, "review"), (2, "light-touch"), (1, "light-touch"), (0, "day-of")],
)
def test_each_day_is_in_the_stage_of_its_distance_to_the_interview(days_out: int, stage: str) -> None:
    by_distance = {day.days_out: day for day in _plan(28)}
    assert by_distance[days_out].stage.id == stage


def test_every_day_from_today_to_the_interview_is_listed() -> None:
    plan = _plan(20)
    assert [day.day for day in plan] == [TODAY + timedelta(days=n) for n in range(21)]
    assert [day.days_out for day in plan] == list(range(20, -1, -1))
    assert all(day.focus for day in plan)


def test_commands_are_valid_practice_invocations(catalog: Catalog) -> None:
    """Each command parses, and would start a real round: the corpus has a question for its round and level."""
    practice = cli.commands["practice"]
    commands = [command for day in _plan(28, "data-scientist", "product", "L6") for command in day.commands]
    assert commands
    for command in commands:
        words = shlex.split(command)
        assert words[:2] == ["interviewer", "practice"]
        context = practice.make_context("practice", words[2:])
        assert context.params["level"] == "L6" and context.params["company"] == "product"
        round_ = Round(context.params["round_"])
        question = choose_question(catalog, round_, Level.L6, CompanyType.PRODUCT, None, set())
        assert question.round == round_ and Level.L6 in question.levels


@pytest.mark.parametrize("role", list(JobRole))
@pytest.mark.parametrize("company", list(CompanyType))
def test_heavier_rounds_are_practised_more_often(role: JobRole, company: CompanyType) -> None:
    counts = Counter(session.round for day in _plan(28, role, company) for session in day.sessions)
    ranked = [round_ for round_, _ in rank_rounds(role, company)]
    in_order = [counts[round_] for round_ in ranked]
    assert in_order == sorted(in_order, reverse=True)
    assert in_order[0] > in_order[-1] > 0


def test_each_stage_runs_its_kind_of_session() -> None:
    plan = _plan(28)
    heaviest = rank_rounds("ai-engineer", "ai-first")[0][0]
    for day in plan:
        minutes = [session.minutes for session in day.sessions]
        if day.stage.id == "mock-sharpen":
            assert minutes and all(m == 45 for m in minutes)
        elif day.stage.id == "deep-study":
            assert len(minutes) >= 2
        elif day.stage.id == "review":
            assert minutes and all(m < 45 for m in minutes)
        elif day.stage.id == "light-touch":
            assert len(minutes) <= 1 and all(m <= 20 for m in minutes)
            assert all(session.round == heaviest for session in day.sessions)
        else:
            assert not day.sessions and day.checklist


def test_a_far_interview_starts_the_plan_four_weeks_out() -> None:
    plan = _plan(60)
    assert plan[0].days_out == 28 and plan[0].day == TODAY + timedelta(days=32)
    assert len(plan) == 29
    text = render_loop("ai-engineer", "ai-first", "L5", TODAY + timedelta(days=60), TODAY)
    assert "the plan starts 4 weeks out, on Fri 2025-07-04." in text


@pytest.mark.parametrize(("days", "stage"), [(10, "mock-sharpen"), (5, "review"), (1, "light-touch"),
                                             (0, "day-of")])
def test_a_near_interview_starts_at_the_right_stage(days: int, stage: str) -> None:
    plan = _plan(days)
    assert plan[0].stage.id == stage and plan[0].day == TODAY and len(plan) == days + 1


def test_a_past_date_is_one_user_error() -> None:
    with pytest.raises(UserError, match=r"^the interview date 2025-06-01 is in the past \(today is 2025-06-02\)$"):
        _plan(-1)


def test_rounds_without_questions_stay_out_of_the_plan() -> None:
    practicable = frozenset(Round) - {Round.ML_CODING}
    plan = practice_plan("ml-engineer", "faang", "L5", TODAY + timedelta(days=28), TODAY, practicable=practicable)
    assert all(session.round != Round.ML_CODING for day in plan for session in day.sessions)
    text = render_loop("ml-engineer", "faang", "L5", TODAY + timedelta(days=28), TODAY, practicable=practicable)
    assert "no practice questions for this round yet" in text


# --- rendering ----------------------------------------------------------------------------------


def test_the_rendered_loop_has_header_ranked_bars_and_one_block_per_day() -> None:
    text = render_loop("ai-engineer", "ai-first", Level.L6, TODAY + timedelta(days=9), TODAY)
    lines = text.splitlines()
    assert lines[0] == ("Interview loop: AI / LLM engineer at AI-first labs (OpenAI, Anthropic, DeepMind, Cohere, "
                        "Mistral), target L6 (strategy bar)")
    assert lines[6].startswith("1. AI systems design (ai-systems-design), weight 4.5, primary: ")
    assert lines[7].startswith("   L6 strategy bar: Scope an open-ended LLM product yourself")
    assert "With 9 days left, the plan starts at the mock and sharpen stage." in text
    for n in range(10):
        assert (TODAY + timedelta(days=n)).isoformat() in text
    assert "interviewer practice --round ai-systems-design --level L6 --company ai-first --minutes 45" in text
    assert text.count("  Focus: ") == 10
    assert "interview day\n" in text and "  [ ] " in text


def test_without_a_date_only_the_ranking_is_shown() -> None:
    text = render_loop("data-scientist", "startup")
    assert "1. Statistics and experimentation (statistics)" in text
    assert "L5 execution bar: Pick the right test" in text
    assert "Add --date YYYY-MM-DD" in text and "interviewer practice" not in text


def test_ml_fundamentals_is_weighed_by_role_and_company() -> None:
    """Google-style and AI-lab loops probe theory depth hardest; product companies least."""
    def weight(role: str, company: str) -> float:
        return dict(rank_rounds(role, company))[Round.ML_FUNDAMENTALS]

    assert weight("ml-engineer", "ai-first") == 2.6 and weight("ml-engineer", "faang") == 2.4
    assert weight("ml-engineer", "product") == 1.6
    assert all(Round.ML_FUNDAMENTALS in dict(rank_rounds(role, "faang")) for role in JobRole)
    text = render_loop("ml-engineer", "ai-first", "L6", TODAY + timedelta(days=20), TODAY)
    assert "ML fundamentals (ml-fundamentals), weight 2.6, important" in text
    assert "L6 strategy bar: Derive results instead of reciting them" in text
    assert "interviewer practice --round ml-fundamentals --level L6 --company ai-first" in text
