"""ML coding evidence: the candidate's latest code, run against the question's hidden tests in the sandbox.

The results become claims in the correctness dimension, quoting the candidate's own `def` line, and bound
the dimension's grade: code that passes every test meets at least the execution bar there; code that fails
half or more cannot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from interviewer.sandbox import CodeReport, extract_code, run_code_tests
from interviewer.types import Claim, DimensionGrade, Evidence, Question, Transcript

DIMENSION = "correctness"
SIGNAL = "code-working-solution"


@dataclass(frozen=True)
class CodeRun:
    turn_id: int
    def_line: str
    """The candidate's `def <entry>(` line, verbatim: the quote the evidence cites."""
    report: CodeReport


def latest_code_run(transcript: Transcript, question: Question) -> CodeRun | None:
    """Run the last candidate turn that defines the question's function (None when there is none)."""
    if question.code is None:
        return None
    for turn in reversed(transcript.candidate_turns()):
        code = extract_code(turn.text, question.code.entry)
        if code is None:
            continue
        line = next((ln.strip() for ln in turn.text.splitlines() if f"def {question.code.entry}(" in ln), None)
        if line is None:
            continue
        return CodeRun(turn.id, line, run_code_tests(code, question.code))
    return None


def code_claim(run: CodeRun) -> Claim:
    report = run.report
    return Claim(
        text=f"Hidden tests: {report.summary()}",
        dimension=DIMENSION, polarity="strength" if report.all_passed else "improvement", kind="observation",
        signal=SIGNAL, evidence=[Evidence(turn_id=run.turn_id, quote=run.def_line)],
    )


def apply_code_run(grades: list[DimensionGrade], run: CodeRun, rationale: Callable[[str, int], str]) -> None:
    """Add the test claim to the correctness dimension and bound its grade by the results; `rationale`
    describes a dimension id at a score."""
    for grade in grades:
        if grade.dimension != DIMENSION:
            continue
        grade.claims.insert(0, code_claim(run))
        passed, total = run.report.passed, run.report.total
        if run.report.all_passed:
            grade.score = max(grade.score or 0, 3)
        elif total and passed * 2 <= total:
            grade.score = min(grade.score or 2, 2)
        if grade.score is not None:
            grade.rationale = f"{rationale(grade.dimension, grade.score)} Hidden tests: {passed}/{total} passed."
