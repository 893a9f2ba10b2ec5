"""Run a candidate's functions or classes against a question's hidden tests and judge each result here.

The child (`runner.py`, mode `functions`) receives the code, the question's harness and each test's call, never
the expected values; it reports each call's value or exception. The parent evaluates each test's `expect` and
compares (`values.py`). A child that dies or runs out of time still yields one result per test: the tests it
reported keep their results, the one running is charged with the limit or the crash, the rest are "not run".
"""

from __future__ import annotations

import math
import signal
from typing import Any

from interviewer.sandbox.process import Child, Ending
from interviewer.sandbox.report import CodeReport, CodeTestResult, TestStatus
from interviewer.sandbox.values import BadValue, compare, decode, expected_value, mismatch_detail
from interviewer.types import CodeSpec, CodeTest

WALL_FACTOR = 2.0
"""The parent kills the child after `time_limit * WALL_FACTOR + WALL_SLACK` seconds of wall-clock time (catches
code that sleeps or blocks rather than burning CPU)."""
WALL_SLACK = 2.0


def wall_limit(time_limit: float) -> float:
    return time_limit * WALL_FACTOR + WALL_SLACK


def cpu_limit(time_limit: float) -> int:
    return max(1, math.ceil(time_limit))


def run_code_tests(code: str, spec: CodeSpec) -> CodeReport:
    """Run `code` against every test of `spec` in a separate, limited process; one result per test."""
    payload = {"mode": "functions", "code": code, "starter": spec.starter, "entry": spec.entry, "harness": spec.harness,
               "calls": [test.call for test in spec.tests], "time_limit": spec.time_limit,
               "memory_mb": spec.memory_mb}
    with Child(payload, wall_limit=wall_limit(spec.time_limit)) as child:
        records = child.records()
        ending = child.stop()
    return _report(spec, records, ending)


def _judge(test: CodeTest, record: dict[str, Any]) -> tuple[TestStatus, str]:
    if "error" in record:
        return "error", str(record["error"])
    try:
        want = expected_value(test.expect)
    except Exception as exc:  # noqa: BLE001 - a broken expectation is reported, not raised
        return "error", f"bad test expectation: {type(exc).__name__}: {exc}"
    try:
        got = decode(record.get("value"))
    except BadValue as exc:
        return "error", str(exc)
    difference = compare(got, want, test.tolerance)
    if difference is None:
        return "passed", ""
    return "failed", mismatch_detail(got, want, difference)


def _report(spec: CodeSpec, records: list[dict[str, Any]], ending: Ending) -> CodeReport:
    setup_error = next((str(r["setup_error"]) for r in records if "setup_error" in r), None)
    loaded = any(r.get("loaded") for r in records)
    by_index: dict[int, dict[str, Any]] = {}
    for record in records:
        if isinstance(record.get("index"), int):
            by_index.setdefault(record["index"], record)  # the first report of a test counts
    limit = cpu_limit(spec.time_limit)
    slow = ending.wall_timeout or ending.killed_by(signal.SIGXCPU) or (
        ending.killed_by(signal.SIGKILL) and ending.cpu_seconds >= limit - 0.05)
    results: list[CodeTestResult] = []
    first_missing: int | None = None
    for index, test in enumerate(spec.tests):
        status: TestStatus
        if setup_error is not None:
            status, detail = "error", setup_error
        elif index in by_index:
            status, detail = _judge(test, by_index[index])
        else:
            running = first_missing is None
            if running:
                first_missing = index
            status, detail = unfinished(running, loaded, slow, ending, spec.time_limit, spec.memory_mb)
        results.append(CodeTestResult(name=test.name, kind=test.kind, status=status, detail=detail))
    return CodeReport.from_results(results)


def unfinished(running: bool, loaded: bool, slow: bool, ending: Ending, time_limit: float,
               memory_mb: int) -> tuple[TestStatus, str]:
    """Status and detail of a test with no result: the one running when the process ended, or one not reached."""
    if slow:
        limit = (f"the {wall_limit(time_limit):g} s wall-clock limit" if ending.wall_timeout
                 else f"the {cpu_limit(time_limit)} s CPU time limit")
        if not running:
            return "too slow", f"not run: {limit} was used up before this test"
        where = "while running this test" if loaded else "while loading the code"
        return "too slow", f"exceeded {limit} {where}"
    cause = ending_cause(ending, memory_mb)
    if running:
        return "error", cause
    return "error", f"not run: the process ended during an earlier test ({cause})"


def ending_cause(ending: Ending, memory_mb: int) -> str:
    """Why a child stopped early, in a few words."""
    if ending.returncode < 0:
        try:
            name = signal.Signals(-ending.returncode).name
        except ValueError:
            name = f"signal {-ending.returncode}"
        return f"killed by {name}, most likely over the {memory_mb} MB memory limit"
    if ending.returncode == 0:
        return "the process stopped without reporting a result"
    last = ending.stderr.strip().splitlines()[-1:] or [""]
    return f"the process exited with code {ending.returncode}" + (f" ({last[0][:160]})" if last[0] else "")
