"""Code evidence: the candidate's code, run against the question's hidden tests in the sandbox.

Every version of the code (as it stood after each answer that changed it) is run and the best one counts: a
round is credited with the strongest code the candidate wrote, not only the last edit. Functions and classes (ML
coding, coding, debugging) run against the question's function tests; a service (pair programming) is started and
sent the question's HTTP tests. The results become a claim in the dimension the round's rubric names
(`hidden_tests`), quoting the candidate's own definition line, and bound that dimension's grade: code that passes
every test (for a service: a working first build step) meets at least the execution bar there; code that fails
half or more (a service whose first step does not work) cannot.
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

from interviewer.sandbox import CodeReport, defines, definition_line, extract_code, run_code_tests, run_service_tests
from interviewer.types import Claim, DimensionGrade, Evidence, HiddenTests, Question, Transcript


@dataclass(frozen=True)
class CodeRun:
    turn_id: int
    def_line: str
    """The candidate's line defining the entry (`def f(`, `class C`, `app = ...`), verbatim: the quote cited."""
    report: CodeReport


_FENCED = re.compile(r"```[ \t]*(?:python|py)?[ \t]*\n(?P<body>.*?)```", re.DOTALL | re.IGNORECASE)


def _definitions_only(code: str) -> bool:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return False
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)
    return bool(tree.body) and all(isinstance(node, kinds) for node in tree.body)


def entry_of(question: Question) -> str | None:
    """The name the candidate's code must define, if the question runs code."""
    if question.code is not None:
        return question.code.entry
    if question.service is not None:
        return question.service.entry
    return None


def code_so_far(answers: list[str], entry: str) -> str | None:
    """The code to run after these candidate answers: the code as of the latest definition of `entry` (with
    the helpers pasted before it), then every function the candidate redefined in a later answer, so that, as
    in a notebook, the latest definition wins. None before anything defines `entry`."""
    defining = [i for i, text in enumerate(answers) if defines(entry, text)]
    if not defining:
        return None
    base = extract_code("\n\n".join(answers[: defining[-1] + 1]), entry)
    if base is None:
        return None
    later = [textwrap.dedent(match.group("body")) for text in answers[defining[-1] + 1 :]
             for match in _FENCED.finditer(text)]
    return "\n\n".join([base, *(block for block in later if _definitions_only(block))]) + "\n"


def run_hidden_tests(code: str, question: Question) -> CodeReport:
    if question.service is not None:
        return run_service_tests(code, question.service)
    assert question.code is not None
    return run_code_tests(code, question.code)


def _version_ends(answers: list[str], entry: str) -> list[int]:
    """The answers after which the code changed: the one that first defines `entry`, and each later one with a
    definition in it."""
    first = next((i for i, text in enumerate(answers) if defines(entry, text)), None)
    if first is None:
        return []
    changed = ("def ", "class ", "app =", "app=")
    return [i for i, text in enumerate(answers) if i >= first and any(mark in text for mark in changed)]


def best_code_run(transcript: Transcript, question: Question) -> CodeRun | None:
    """Run every version of the candidate's code against the hidden tests and keep the one that passed most (ties
    go to the later version); the evidence quotes that version's line defining the entry."""
    entry = entry_of(question)
    if entry is None:
        return None
    answers = transcript.candidate_turns()
    texts = [t.text for t in answers]
    best: CodeRun | None = None
    for end in _version_ends(texts, entry):
        code = code_so_far(texts[: end + 1], entry)
        turn = next((t for t in reversed(answers[: end + 1]) if definition_line(entry, t.text) is not None), None)
        if code is None or turn is None:
            continue
        line = definition_line(entry, turn.text)
        assert line is not None
        run = CodeRun(turn.id, line, run_hidden_tests(code, question))
        if best is None or run.report.passed >= best.report.passed:
            best = run
    return best


def code_claim(run: CodeRun, target: HiddenTests) -> Claim:
    """What running the code showed. A judgment, not an observation: its support is the sandbox's run of the
    quoted code, not the candidate's words."""
    report = run.report
    text = f"Hidden tests: {report.summary()}"
    failure = report.first_failure()
    if failure is not None and failure.detail:
        text += f". First failing case, {failure.name}: {failure.detail}"
    return Claim(text=text, dimension=target.dimension,
                 polarity="strength" if report.all_passed else "improvement", kind="judgment",
                 signal=target.signal, evidence=[Evidence(turn_id=run.turn_id, quote=run.def_line)])


def apply_code_run(grades: list[DimensionGrade], run: CodeRun, target: HiddenTests | None,
                   rationale: Callable[[str, int], str]) -> None:
    """Add the test claim to the rubric's hidden-tests dimension (`target`; the catalog makes sure a round that
    runs code has one), in place of any claim the conversation made about that signal, and bound the dimension's
    grade by the results; `rationale` describes a dimension id at a score."""
    if target is None:
        return
    report = run.report
    works = report.core_works()
    broken = not works if report.steps else report.total > 0 and report.passed * 2 <= report.total
    for grade in grades:
        if grade.dimension != target.dimension:
            continue
        # The tests decide this signal: what the candidate said about it (or an absence of words) gives way.
        grade.claims = [code_claim(run, target), *(c for c in grade.claims if c.signal != target.signal)]
        shown, missing = [s for s in grade.signals_shown if s != target.signal], \
            [s for s in grade.signals_missing if s != target.signal]
        (shown if works else missing).append(target.signal)
        grade.signals_shown, grade.signals_missing = shown, missing
        if works:
            grade.score = max(grade.score or 0, 3)
        elif broken:
            grade.score = min(grade.score or 2, 2)
        if grade.score is not None:
            grade.rationale = (f"{rationale(grade.dimension, grade.score)} Hidden tests: "
                               f"{report.passed}/{report.total} passed.")
