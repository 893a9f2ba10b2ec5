"""ML coding evidence: the candidate's code, run against the question's hidden tests in the sandbox.

Every version of the code is run and the best one counts. The results become claims in the correctness
dimension, quoting the candidate's own `def` line, and bound the dimension's grade: code that passes every test
meets at least the execution bar there; code that fails half or more cannot.
"""

from __future__ import annotations

import ast
import re
import textwrap
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


_FENCED = re.compile(r"```[ \t]*(?:python|py)?[ \t]*\n(?P<body>.*?)```", re.DOTALL | re.IGNORECASE)


def _definitions_only(code: str) -> bool:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return False
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)
    return bool(tree.body) and all(isinstance(node, kinds) for node in tree.body)


def code_so_far(answers: list[str], entry: str) -> str | None:
    """The code to run after these candidate answers: the code as of the latest definition of `entry` (with
    the helpers pasted before it), then every function the candidate redefined in a later answer, so that, as
    in a notebook, the latest definition wins. None before any `def <entry>(`."""
    defining = [i for i, text in enumerate(answers) if f"def {entry}(" in text]
    if not defining:
        return None
    base = extract_code("\n\n".join(answers[: defining[-1] + 1]), entry)
    if base is None:
        return None
    later = [textwrap.dedent(match.group("body")) for text in answers[defining[-1] + 1 :]
             for match in _FENCED.finditer(text)]
    return "\n\n".join([base, *(block for block in later if _definitions_only(block))]) + "\n"


def _version_ends(answers: list[str], entry: str) -> list[int]:
    """The answers after which the code changed: each answer that defines `entry` or redefines a function once
    `entry` exists."""
    first = next((i for i, text in enumerate(answers) if f"def {entry}(" in text), None)
    if first is None:
        return []
    return [i for i, text in enumerate(answers) if i >= first and "def " in text]


def best_code_run(transcript: Transcript, question: Question) -> CodeRun | None:
    """Run every version of the candidate's code (as it stood after each answer that changed it) against the
    hidden tests and keep the best: a round is credited with the strongest code the candidate wrote, not only
    the last edit (which can be a worse variant). Ties go to the later version. The evidence quotes the
    `def <entry>(` line of that version."""
    if question.code is None:
        return None
    entry = question.code.entry
    answers = transcript.candidate_turns()
    texts = [t.text for t in answers]
    best: CodeRun | None = None
    for end in _version_ends(texts, entry):
        code = code_so_far(texts[: end + 1], entry)
        if code is None:
            continue
        turn = next(t for t in reversed(answers[: end + 1]) if f"def {entry}(" in t.text)
        line = next(ln.strip() for ln in turn.text.splitlines() if f"def {entry}(" in ln)
        run = CodeRun(turn.id, line, run_code_tests(code, question.code))
        if best is None or run.report.passed >= best.report.passed:
            best = run
    return best


def code_claim(run: CodeRun) -> Claim:
    """What running the code showed. A judgment, not an observation: its support is the sandbox's run of the
    quoted code, not the candidate's words."""
    report = run.report
    return Claim(
        text=f"Hidden tests: {report.summary()}",
        dimension=DIMENSION, polarity="strength" if report.all_passed else "improvement", kind="judgment",
        signal=SIGNAL, evidence=[Evidence(turn_id=run.turn_id, quote=run.def_line)],
    )


def apply_code_run(grades: list[DimensionGrade], run: CodeRun, rationale: Callable[[str, int], str]) -> None:
    """Add the test claim to the correctness dimension and bound its grade by the results; `rationale`
    describes a dimension id at a score."""
    for grade in grades:
        if grade.dimension != DIMENSION:
            continue
        if run.report.all_passed:  # the run shows the working solution, whatever the words suggested
            grade.claims = [c for c in grade.claims if not (c.kind == "absence" and c.signal == SIGNAL)]
        grade.claims.insert(0, code_claim(run))
        passed, total = run.report.passed, run.report.total
        if run.report.all_passed:
            grade.score = max(grade.score or 0, 3)
        elif total and passed * 2 <= total:
            grade.score = min(grade.score or 2, 2)
        if grade.score is not None:
            grade.rationale = f"{rationale(grade.dimension, grade.score)} Hidden tests: {passed}/{total} passed."
