"""What a sandbox run reports: one result per hidden test, and a one-line summary."""

from __future__ import annotations

from typing import Literal

from interviewer.types import Strict

TestStatus = Literal["passed", "failed", "error", "too slow"]
TestKind = Literal["basic", "edge", "performance"]


class CodeTestResult(Strict):
    name: str
    kind: TestKind
    status: TestStatus
    detail: str = ""
    """Why it did not pass: got and expected values, the failing request, the exception, or the limit hit."""
    step: int | None = None
    """Service tests: the build step (1, 2, ...) the test belongs to."""


class CodeReport(Strict):
    results: list[CodeTestResult]
    passed: int
    total: int
    steps: list[str] = []
    """Service tests: the names of the build steps, in order."""

    @classmethod
    def from_results(cls, results: list[CodeTestResult], *, steps: list[str] | None = None) -> CodeReport:
        return cls(results=results, passed=sum(r.status == "passed" for r in results), total=len(results),
                   steps=steps or [])

    @property
    def all_passed(self) -> bool:
        return self.passed == self.total

    def step_counts(self) -> list[tuple[str, int, int]]:
        """Per build step: its name, tests passed and tests."""
        return [(name, sum(r.status == "passed" for r in self.results if r.step == number),
                 sum(1 for r in self.results if r.step == number))
                for number, name in enumerate(self.steps, start=1)]

    def core_works(self) -> bool:
        """Whether the first build step (or, without steps, every test) passes: a working system."""
        if not self.steps:
            return self.all_passed
        name, passed, total = self.step_counts()[0]
        return total > 0 and passed == total

    def summary(self) -> str:
        """One line, e.g. "5/8 tests passed; failed: empty input (edge); too slow: large input (performance)",
        with the count per build step for a service."""
        head = f"{self.passed}/{self.total} tests passed"
        if self.steps:
            head += " (" + ", ".join(f"step {i} {name}: {passed}/{total}"
                                     for i, (name, passed, total) in enumerate(self.step_counts(), start=1)) + ")"
        parts = [head]
        for status in ("failed", "error", "too slow"):
            named = [f"{r.name} ({r.kind})" for r in self.results if r.status == status]
            if named:
                parts.append(f"{status}: {', '.join(named)}")
        return "; ".join(parts)

    def first_failure(self) -> CodeTestResult | None:
        """The failure to talk about first: the earliest build step's, else the first in order."""
        failures = [r for r in self.results if r.status != "passed"]
        return min(failures, key=lambda r: r.step or 0) if failures else None
