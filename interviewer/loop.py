"""An interview loop: which rounds to practise for a role and company type, the level bar of each, and a
day-by-day practice plan that follows the preparation clock up to the interview date.

Pure functions over `data/loops.yaml`; the only I/O is reading that file. Nothing here runs a session: the plan
names the `interviewer practice` commands to run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field

from interviewer.catalog import validate_data
from interviewer.errors import UserError
from interviewer.rag.corpus import load_yaml
from interviewer.types import CompanyType, JobRole, Level, Round, Strict

LOOPS_FILE = Path(__file__).parent / "data" / "loops.yaml"
StageId = Literal["deep-study", "mock-sharpen", "review", "light-touch", "day-of"]
STAGE_ORDER: tuple[StageId, ...] = ("deep-study", "mock-sharpen", "review", "light-touch", "day-of")
WEIGHT_LABELS = {3: "primary", 2: "important", 1: "lighter"}
TOP_NOTE_ROUNDS = 3
"""A clock note tied to rounds shows only when one of them is among this many heaviest rounds of the role."""


# --- the data file ------------------------------------------------------------------------------


class RoleRound(Strict):
    weight: int = Field(ge=1, le=3)
    expect: str


class RoleSpec(Strict):
    title: str
    loop: str
    focus: str
    rounds: dict[Round, RoleRound] = Field(min_length=1)


class CompanySpec(Strict):
    title: str
    examples: str
    edge: str
    flatten: float = Field(default=0.0, ge=0.0, lt=1.0)
    multipliers: dict[Round, float] = Field(default_factory=dict)


class RoundBar(Strict):
    title: str
    execution: str
    strategy: str


class Note(Strict):
    text: str
    rounds: list[Round] = Field(default_factory=list)


class Stage(Strict):
    id: StageId
    name: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    sessions: int = Field(ge=0)
    minutes: int | None = Field(default=None, ge=5, le=120)
    top: int | None = Field(default=None, ge=1)
    rest_days: int = Field(default=0, ge=0)
    focus: str
    notes: list[Note] = Field(min_length=1)
    checklist: list[str] = Field(default_factory=list)

    def covers(self, days_out: int) -> bool:
        return self.end <= days_out <= self.start

    def rests(self, days_out: int) -> bool:
        return self.sessions == 0 or days_out < self.end + self.rest_days


class Loops(Strict):
    roles: dict[JobRole, RoleSpec]
    companies: dict[CompanyType, CompanySpec]
    rounds: dict[Round, RoundBar]
    clock: list[Stage]

    def stage_at(self, days_out: int) -> Stage:
        return next(stage for stage in self.clock if stage.covers(days_out))


def load_loops(path: Path = LOOPS_FILE) -> Loops:
    """The loops file, validated: a bad file fails with one line naming it."""
    return _load_loops(path.resolve())


@cache
def _load_loops(path: Path) -> Loops:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UserError(f"cannot read {path.name}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise UserError(f"{path.name}: not valid YAML ({str(error).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise UserError(f"{path.name}: expected a mapping of roles, companies, rounds and clock")
    loops = validate_data(Loops, data, path.name)
    for problem in _problems(loops):
        raise UserError(f"{path.name}: {problem}")
    return loops


def _problems(loops: Loops) -> list[str]:
    """What the schema alone cannot check: coverage of every key, the clock's continuity, note fallbacks."""
    problems = [f"roles: {role.value} is missing" for role in JobRole if role not in loops.roles]
    problems += [f"companies: {c.value} is missing" for c in CompanyType if c not in loops.companies]
    problems += [f"rounds: {r.value} has no level bars" for r in Round if r not in loops.rounds]
    problems += [f"roles: {role.value} has no behavioral round" for role, spec in loops.roles.items()
                 if Round.BEHAVIORAL not in spec.rounds]
    return problems + _clock_problems(loops.clock)


def _clock_problems(clock: list[Stage]) -> list[str]:
    if tuple(stage.id for stage in clock) != STAGE_ORDER:
        return [f"clock: stages must be {', '.join(STAGE_ORDER)}, in that order"]
    problems = [f"clock: {stage.id} starts after it ends" for stage in clock if stage.start < stage.end]
    problems += [f"clock: {after.id} must start the day after {before.id} ends"
                 for before, after in zip(clock, clock[1:], strict=False) if after.start != before.end - 1]
    problems += [f"clock: {stage.id} runs sessions without minutes" for stage in clock
                 if stage.sessions and stage.minutes is None]
    problems += [f"clock: {stage.id} needs a note that names no rounds" for stage in clock
                 if all(note.rounds for note in stage.notes)]
    if clock[-1].end != 0 or clock[-1].sessions or not clock[-1].checklist:
        problems.append("clock: day-of must end at 0 days out, with no sessions and a checklist")
    return problems


# --- ranking ------------------------------------------------------------------------------------


def rank_rounds(role: JobRole | str, company: CompanyType | str,
                loops: Loops | None = None) -> list[tuple[Round, float]]:
    """The role's rounds with their weights after the company's adjustment, heaviest first (ties keep the
    role's own order, which lists primary rounds first)."""
    loops = loops or load_loops()
    spec = loops.roles[_role(role)]
    adjust = loops.companies[_company(company)]
    base = {round_: float(item.weight) for round_, item in spec.rounds.items()}
    mean = sum(base.values()) / len(base)
    weights = {round_: round((weight + adjust.flatten * (mean - weight)) * adjust.multipliers.get(round_, 1.0), 2)
               for round_, weight in base.items()}
    order = list(base)
    return sorted(weights.items(), key=lambda item: (-item[1], order.index(item[0])))


def _role(value: JobRole | str) -> JobRole:
    try:
        return JobRole(value)
    except ValueError:
        raise UserError(f"unknown role {value!r} (expected one of {', '.join(JobRole)})") from None


def _company(value: CompanyType | str) -> CompanyType:
    try:
        return CompanyType(value)
    except ValueError:
        raise UserError(f"unknown company type {value!r} (expected one of {', '.join(CompanyType)})") from None


# --- the plan -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    """One practice round to run: an `interviewer practice` invocation."""

    round: Round
    level: Level
    company: CompanyType
    minutes: int

    @property
    def command(self) -> str:
        return (f"interviewer practice --round {self.round.value} --level {self.level.value} "
                f"--company {self.company.value} --minutes {self.minutes}")


@dataclass(frozen=True)
class DayPlan:
    day: date
    days_out: int
    stage: Stage
    focus: str
    sessions: list[Session] = field(default_factory=list)
    checklist: list[str] = field(default_factory=list)

    @property
    def commands(self) -> list[str]:
        return [session.command for session in self.sessions]


def practice_plan(role: JobRole | str, company: CompanyType | str, level: Level | str, interview_date: date,
                  today: date, loops: Loops | None = None,
                  practicable: frozenset[Round] | None = None) -> list[DayPlan]:
    """One entry per day from today (or 4 weeks out, if the interview is further away) to the interview day.

    `practicable` limits sessions to rounds that have practice questions (None: every round)."""
    loops = loops or load_loops()
    days_out = (interview_date - today).days
    if days_out < 0:
        raise UserError(f"the interview date {interview_date.isoformat()} is in the past (today is "
                        f"{today.isoformat()})")
    ranked = rank_rounds(role, company, loops)
    first = min(days_out, loops.clock[0].start)
    rounds = _schedule(loops.clock, ranked, first, practicable)
    notes = _notes(loops.clock, [round_ for round_, _ in ranked[:TOP_NOTE_ROUNDS]])
    plan = []
    for left in range(first, -1, -1):
        stage = loops.stage_at(left)
        sessions = [Session(round_, Level(level), _company(company), stage.minutes or 0) for round_ in rounds[left]]
        focus = notes[stage.id][(stage.start - left) % len(notes[stage.id])]
        plan.append(DayPlan(interview_date - timedelta(days=left), left, stage, focus, sessions, stage.checklist))
    return plan


def _notes(clock: list[Stage], top: list[Round]) -> dict[str, list[str]]:
    return {stage.id: [note.text for note in stage.notes if not note.rounds or set(note.rounds) & set(top)]
            for stage in clock}


def _schedule(clock: list[Stage], ranked: list[tuple[Round, float]], first: int,
              practicable: frozenset[Round] | None) -> dict[int, list[Round]]:
    """The rounds to practise on each day (by days out), stage by stage, heavier rounds more often."""
    pool = [(round_, weight) for round_, weight in ranked if practicable is None or round_ in practicable]
    schedule: dict[int, list[Round]] = {left: [] for left in range(first + 1)}
    for stage in clock:
        days = [left for left in range(min(first, stage.start), stage.end - 1, -1) if not stage.rests(left)]
        sequence = _weighted_sequence(pool[:stage.top], stage.sessions * len(days))
        for index, left in enumerate(days):
            schedule[left] = sequence[index * stage.sessions:(index + 1) * stage.sessions]
    return schedule


def _weighted_sequence(pool: list[tuple[Round, float]], count: int) -> list[Round]:
    """Smooth weighted round-robin: each round appears in proportion to its weight, spread out evenly."""
    if not pool:
        return []
    total = sum(weight for _, weight in pool)
    current = {round_: 0.0 for round_, _ in pool}
    sequence = []
    for _ in range(count):
        for round_, weight in pool:
            current[round_] += weight
        chosen = max(current, key=lambda r: current[r])
        current[chosen] -= total
        sequence.append(chosen)
    return sequence


# --- rendering ----------------------------------------------------------------------------------


def render_loop(role: JobRole | str, company: CompanyType | str, level: Level | str = Level.L5,
                interview_date: date | None = None, today: date | None = None, loops: Loops | None = None,
                practicable: frozenset[Round] | None = None) -> str:
    """The plain-text answer of `interviewer loop`: header, ranked rounds with their bars, then the plan."""
    loops = loops or load_loops()
    role, company, level = _role(role), _company(company), Level(level)
    today = today or date.today()
    lines = _header(loops, role, company, level) + _ranking(loops, role, company, level, practicable)
    if interview_date is None:
        lines += ["", "Add --date YYYY-MM-DD (the interview day) for a day-by-day practice plan."]
    else:
        plan = practice_plan(role, company, level, interview_date, today, loops, practicable)
        lines += _plan_intro(loops, interview_date, today, plan) + _plan_days(plan)
    return "\n".join(lines) + "\n"


def _header(loops: Loops, role: JobRole, company: CompanyType, level: Level) -> list[str]:
    spec, firm = loops.roles[role], loops.companies[company]
    return [
        f"Interview loop: {spec.title} at {firm.title} ({firm.examples}), target {level.value} "
        f"({level.bar} bar)",
        f"Expect: {spec.loop}",
        f"Focus: {spec.focus}",
        f"At {firm.title}: {firm.edge}",
    ]


def _ranking(loops: Loops, role: JobRole, company: CompanyType, level: Level,
             practicable: frozenset[Round] | None) -> list[str]:
    lines = ["", "Rounds to practise, heaviest first:"]
    for number, (round_, weight) in enumerate(rank_rounds(role, company, loops), start=1):
        item, bar = loops.roles[role].rounds[round_], loops.rounds[round_]
        lines.append(f"{number}. {bar.title} ({round_.value}), weight {weight:g}, "
                     f"{WEIGHT_LABELS[item.weight]}: {item.expect}")
        lines.append(f"   {level.value} {level.bar} bar: {bar.strategy if level.bar == 'strategy' else bar.execution}")
        if practicable is not None and round_ not in practicable:
            lines.append("   (no practice questions for this round yet: it is left out of the plan)")
    return lines


def _plan_intro(loops: Loops, interview_date: date, today: date, plan: list[DayPlan]) -> list[str]:
    days_out = (interview_date - today).days
    lines = ["", f"Practice plan: interview on {_day(interview_date)}, {_days(days_out)} from today "
                 f"({today.isoformat()})."]
    start = loops.clock[0]
    if days_out > start.start:
        lines.append(f"That is more than {start.start // 7} weeks away: the plan starts {start.start // 7} weeks "
                     f"out, on {_day(plan[0].day)}.")
    elif plan[0].stage.id != start.id:
        lines.append(f"With {_days(days_out)} left, the plan starts at the {plan[0].stage.name.lower()} stage.")
    return lines


def _plan_days(plan: list[DayPlan]) -> list[str]:
    lines: list[str] = []
    previous: str | None = None
    for day in plan:
        if day.stage.id != previous:
            lines += ["", f"== {day.stage.name} ({_span(day.stage)}): {day.stage.focus}"]
        previous = day.stage.id
        when = f"{_days(day.days_out)} out, {day.stage.name.lower()}" if day.days_out else "interview day"
        lines += ["", f"{_day(day.day)}, {when}", f"  Focus: {day.focus}"]
        lines += [f"  {command}" for command in day.commands]
        lines += [f"  [ ] {item}" for item in day.checklist]
        if not day.commands and not day.checklist:
            lines.append("  No practice session today.")
    return lines


def _span(stage: Stage) -> str:
    if stage.start == 0:
        return "the interview day"
    return f"{stage.start} to {stage.end} days out" if stage.start != stage.end else f"{_days(stage.start)} out"


def _day(day: date) -> str:
    return f"{day.strftime('%a')} {day.isoformat()}"


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"
