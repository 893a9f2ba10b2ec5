"""Running candidate code honestly: a separate, limited child process runs only the candidate's code and reports
raw results; this process judges them.

- `run_code_tests`: functions and classes against a question's hidden tests (`functions.py`).
- `run_service_tests`: an HTTP service, started on a loopback port, against hidden HTTP tests (`service.py`).
- `extract_code`: the code in a pasted answer (`extract.py`).

The child program is `runner.py`; `process.py` starts it, reads it and reaps it with its own CPU time.
"""

from interviewer.sandbox.extract import defines, definition_line, extract_code, without_code
from interviewer.sandbox.functions import run_code_tests
from interviewer.sandbox.report import CodeReport, CodeTestResult, TestKind, TestStatus
from interviewer.sandbox.service import run_service_tests

__all__ = [
    "CodeReport",
    "CodeTestResult",
    "TestKind",
    "TestStatus",
    "defines",
    "definition_line",
    "extract_code",
    "run_code_tests",
    "run_service_tests",
    "without_code",
]
