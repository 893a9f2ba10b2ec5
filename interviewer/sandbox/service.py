"""Run a candidate's HTTP service against a question's hidden HTTP tests, judging every response here.

For each test the child (`runner.py`, mode `service`) loads the code and serves its WSGI `app` on a loopback
port this process opened for it, and nothing else: no other network, no processes, a CPU and memory cap. The
parent sends the test's requests with `http.client`, checks each response (`http_checks.py`) and stops at the
first that fails, naming that request and what came back. A fresh process per test keeps the tests independent.
"""

from __future__ import annotations

import http.client
import json
import signal
import socket
import time
from typing import Any

from interviewer.sandbox.functions import ending_cause
from interviewer.sandbox.http_checks import Response, check_response, describe_request, saved_value, substitute
from interviewer.sandbox.process import Child, Ending
from interviewer.sandbox.report import CodeReport, CodeTestResult, TestStatus
from interviewer.types import HttpRequest, ServiceSpec, ServiceTest

START_SECONDS = 5.0
"""Wall-clock time the service has to load and start listening."""
BODY_CAP = 1024 * 1024


def run_service_tests(code: str, spec: ServiceSpec) -> CodeReport:
    """Start the service afresh for every test of `spec` and send it the test's requests; one result per test."""
    results: list[CodeTestResult] = []
    for test in spec.tests:
        status, detail = _run_one(code, spec, test)
        results.append(CodeTestResult(name=test.name, kind=test.kind, status=status, detail=detail, step=test.step))
    return CodeReport.from_results(results, steps=spec.steps)


def _run_one(code: str, spec: ServiceSpec, test: ServiceTest) -> tuple[TestStatus, str]:
    payload = {"mode": "service", "code": code, "starter": spec.starter, "entry": spec.entry,
               "time_limit": spec.time_limit,
               "memory_mb": spec.memory_mb}
    budget = START_SECONDS + len(test.requests) * (spec.request_timeout + 0.5)
    # The port is opened here and handed to the child, which may have no network of its own (isolation.py).
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        port = listener.getsockname()[1]
        child = Child({**payload, "listen_fd": listener.fileno()}, wall_limit=budget, pass_fds=(listener.fileno(),))
    with child:
        first = child.next_record(until=time.monotonic() + START_SECONDS)
        if first is None or "listening" not in first:
            ending = child.stop()
            if first is not None and "setup_error" in first:
                return "error", str(first["setup_error"])
            return _stopped(ending, spec, "while starting")
        saved: dict[str, Any] = {}
        for request in test.requests:
            for _ in range(request.repeat):
                failure = _step(child, port, request, saved, spec)
                if failure is not None:
                    return failure
        return "passed", ""


def _step(child: Child, port: int, request: HttpRequest, saved: dict[str, Any],
          spec: ServiceSpec) -> tuple[TestStatus, str] | None:
    """Send one request and check its response; None when it is as expected (its saved values kept)."""
    outcome = _exchange(child, port, request, saved, spec.request_timeout)
    if outcome is None:
        return "too slow", f"{describe_request(request, saved)} got no response within {spec.request_timeout:g} s"
    if isinstance(outcome, str):
        status, cause = _stopped(child.stop(grace=0.5), spec, f"on {describe_request(request, saved)}")
        return status, cause if status == "too slow" else f"{cause} ({outcome})"
    problem = check_response(request, outcome, saved)
    if problem is not None:
        return "failed", problem
    for name, path in request.save.items():
        saved[name] = saved_value(outcome, path)
    return None


def _exchange(child: Child, port: int, request: HttpRequest, saved: dict[str, Any],
              timeout: float) -> Response | str | None:
    """Send one request and read the response (with any exception the app reported); None when no response
    came in time, or why the connection failed."""
    method, _, path = substitute(request.request, saved).partition(" ")
    headers = {name: str(substitute(value, saved)) for name, value in request.headers.items()}
    body: bytes | None = None
    if request.body is not None:
        body = request.body.encode("utf-8")
        headers["Content-Type"] = "application/json"
    elif request.json_body is not None:
        body = json.dumps(substitute(request.json_body, saved)).encode("utf-8")
        headers["Content-Type"] = "application/json"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        reply = connection.getresponse()
        data = reply.read(BODY_CAP)
        status, received = reply.status, {name.lower(): value for name, value in reply.getheaders()}
    except TimeoutError:
        return None
    except (OSError, http.client.HTTPException) as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()
    exceptions = [str(r["exception"]) for r in child.drain() if "exception" in r]
    return Response(status=status, headers=received, body=data, exception=exceptions[0] if exceptions else None)


def _stopped(ending: Ending, spec: ServiceSpec, when: str) -> tuple[TestStatus, str]:
    """Why the service gave no answer: too slow (CPU or wall clock), or it died."""
    if ending.wall_timeout or ending.killed_by(signal.SIGXCPU):
        limit = "wall-clock" if ending.wall_timeout else f"{spec.time_limit:g} s CPU time"
        return "too slow", f"the service exceeded its {limit} limit {when}"
    if ending.returncode == -signal.SIGKILL:
        return "error", f"the service stopped answering {when}"
    return "error", f"the service stopped {when}: {ending_cause(ending, spec.memory_mb)}"
