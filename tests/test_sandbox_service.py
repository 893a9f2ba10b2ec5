"""The service sandbox: the candidate's WSGI app is started on a loopback port per test and judged here from the
HTTP responses; failures name the request; no other network, limits hold; and the checks of one response."""

from __future__ import annotations

import time
from typing import Any

import pytest

from interviewer.catalog import Catalog
from interviewer.sandbox import run_service_tests
from interviewer.sandbox.http_checks import Response, check_response
from interviewer.types import HttpRequest, ServiceSpec

ECHO = '''
import json

items = []


def app(environ, start_response):
    method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
    if method == "POST" and path == "/items":
        data = json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
        item = {"id": len(items) + 1, "name": data["name"]}
        items.append(item)
        start_response("201 Created", [("Content-Type", "application/json")])
        return [json.dumps(item).encode()]
    if method == "GET" and path == "/items":
        start_response("200 OK", [("Content-Type", "application/json"), ("X-Count", str(len(items)))])
        return [json.dumps({"items": items}).encode()]
    start_response("404 Not Found", [("Content-Type", "application/json")])
    return [b'{"error": "not found"}']
'''


def _spec(**changes: Any) -> ServiceSpec:
    spec = ServiceSpec.model_validate({
        "steps": ["add and list", "validation"],
        "reference": ECHO,
        "time_limit": 2.0,
        "request_timeout": 1.0,
        "tests": [
            {"name": "add one", "requests": [
                {"request": "POST /items", "json": {"name": "cup"},
                 "expect": {"status": 201, "json": {"id": "<int>", "name": "cup"}}, "save": {"first": "id"}},
                {"request": "GET /items", "expect": {"status": 200, "headers": {"X-Count": "1"},
                                                     "json": {"items": [{"id": "${first}"}]}}}]},
            {"name": "empty list", "requests": [
                {"request": "GET /items", "expect": {"status": 200, "json": {"items": []}}}]},
            {"name": "a fresh service per test", "requests": [
                {"request": "POST /items", "json": {"name": "x"}, "repeat": 3, "expect": {"status": 201}},
                {"request": "GET /items", "expect": {"status": 200, "json": {"items": [{}, {}, {}]}}}]},
            {"name": "a missing name is refused", "step": 2, "kind": "edge", "requests": [
                {"request": "POST /items", "json": {"title": "cup"}, "expect": {"status": 400}}]},
        ],
    })
    return spec.model_copy(update=changes)


def test_a_working_service_passes_and_a_broken_one_names_the_failing_request() -> None:
    report = run_service_tests(ECHO, _spec())
    assert [r.status for r in report.results] == ["passed", "passed", "passed", "failed"]
    assert report.core_works() and not report.all_passed
    failure = report.results[3]
    assert failure.step == 2
    assert failure.detail == ('POST /items {"title": "cup"} returned 500 (KeyError: \'name\' (line 11)), '
                              'expected 400')
    assert report.summary() == ("3/4 tests passed (step 1 add and list: 3/3, step 2 validation: 0/1); "
                                "failed: a missing name is refused (edge)")
    assert report.first_failure() == failure


def test_a_failure_in_the_first_step_comes_first_and_breaks_the_core() -> None:
    broken = ECHO.replace('"name": data["name"]', '"name": data["name"].upper()')
    report = run_service_tests(broken, _spec())
    assert not report.core_works()
    first = report.first_failure()
    assert first is not None and first.name == "add one"
    assert first.detail == ('POST /items {"name": "cup"} returned 201, but name was \'CUP\', expected \'cup\'')


def test_loading_problems_are_reported_for_every_test() -> None:
    report = run_service_tests("def app(environ, start_response:\n    pass\n", _spec())
    assert {r.status for r in report.results} == {"error"}
    assert report.results[0].detail.startswith("SyntaxError:")
    report = run_service_tests("application = None\n", _spec())
    assert {r.detail for r in report.results} == {"no function or class named app"}


def test_the_service_has_no_network_besides_its_port() -> None:
    code = ECHO.replace('    if method == "GET" and path == "/items":',
                        '    if path == "/out":\n        import socket\n'
                        '        socket.create_connection(("192.0.2.1", 80), timeout=1)\n'
                        '    if method == "GET" and path == "/items":')
    data = _spec().model_dump(by_alias=True)
    data["tests"].insert(0, {"name": "reach out", "requests": [{"request": "GET /out", "expect": {"status": 200}}]})
    report = run_service_tests(code, ServiceSpec.model_validate(data))
    assert report.results[0].status == "failed"
    assert "returned 500 (PermissionError: network access is disabled in the sandbox" in report.results[0].detail


def test_a_request_that_never_returns_is_too_slow() -> None:
    code = ECHO.replace('    if method == "GET" and path == "/items":',
                        '    if method == "GET" and path == "/items":\n        while True:\n            pass')
    started = time.monotonic()
    report = run_service_tests(code, _spec())
    assert time.monotonic() - started < 20
    slow = report.results[1]
    assert slow.status == "too slow" and slow.detail == "GET /items got no response within 1 s"
    assert report.results[3].status == "failed"  # the next test has a fresh service


def test_a_service_that_exits_is_reported() -> None:
    code = ECHO.replace('    if method == "GET" and path == "/items":',
                        '    if method == "GET" and path == "/items":\n        import os\n        os._exit(3)')
    report = run_service_tests(code, _spec())
    detail = report.results[1].detail
    assert report.results[1].status == "error"
    assert detail.startswith("the service stopped on GET /items: the process exited with code 3")


def test_forged_records_do_not_help_a_service() -> None:
    forging = '''
import gc, json, os

nonce = next(item["nonce"] for item in gc.get_objects() if isinstance(item, dict) and "nonce" in item)
for fd in range(3, 12):
    try:
        os.write(fd, (nonce + json.dumps({"passed": True, "status": "passed"}) + "\\n").encode())
    except OSError:
        pass


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json")])
    return [b"{}"]
'''
    report = run_service_tests(forging, _spec())
    assert report.passed == 0


# --- checking one response -------------------------------------------------------------------------------


def _request(**data: Any) -> HttpRequest:
    return HttpRequest.model_validate({"request": "GET /x", **data})


def _response(status: int = 200, body: bytes = b"{}", **headers: str) -> Response:
    return Response(status=status, headers={k.lower().replace("_", "-"): v for k, v in headers.items()}, body=body)


@pytest.mark.parametrize(
    ("expect", "body", "problem"),
    [
        ({"status": 200, "json": {"a": "<int>"}}, b'{"a": 3, "extra": true}', None),
        ({"status": 200, "json": {"a": "<int>"}}, b'{"a": true}',
         "GET /x returned 200, but a was True, expected an integer"),
        ({"status": 200, "json": {"a": "<str>"}}, b'{"b": "x"}',
         "GET /x returned 200, but a was 'missing', expected a string"),
        ({"status": 200, "json": {"xs": [{"n": 1}, {"n": 2}]}}, b'{"xs": [{"n": 1}]}',
         "GET /x returned 200, but xs was [{'n': 1}], expected 2 items: [{'n': 1}, {'n': 2}]"),
        ({"status": 200, "json": {"xs": {"$unordered": [2, 1]}}}, b'{"xs": [1, 2]}', None),
        ({"status": 200, "json": {"id": "${saved}"}}, b'{"id": 7}', None),
        ({"status": 200, "json": {"id": "${saved}"}}, b'{"id": "7"}',
         "GET /x returned 200, but id was '7', expected 7"),
        ({"status": [200, 201], "json": {"ok": False}}, b'{"ok": 0}',
         "GET /x returned 200, but ok was 0, expected False"),
        ({"status": 200, "json": {}}, b"<html>", "GET /x returned 200 with a body that is not JSON ('<html>')"),
        ({"status": 404}, b"", "GET /x returned 200, expected 404"),
    ],
)
def test_response_checks(expect: dict[str, Any], body: bytes, problem: str | None) -> None:
    assert check_response(_request(expect=expect), _response(body=body), {"saved": 7}) == problem


def test_header_checks_and_saved_fields() -> None:
    request = _request(expect={"status": 302, "headers": {"Location": "https://x.test/${code}"}}, save={"id": "id"})
    good = _response(302, b'{"id": 1}', Location="https://x.test/ab")
    assert check_response(request, good, {"code": "ab"}) is None
    assert check_response(request, _response(302, b'{"id": 1}'), {"code": "ab"}) == (
        "GET /x returned 302 with no Location, expected Location 'https://x.test/ab'")
    assert check_response(request, _response(302, b'{"other": 1}', Location="https://x.test/ab"), {"code": "ab"}) == (
        "GET /x returned 302 without the field 'id' (needed as id later)")


def test_every_pair_programming_test_names_a_step_the_question_has(catalog: Catalog) -> None:
    for question in catalog.questions.values():
        if question.service is not None:
            assert {t.step for t in question.service.tests} == set(range(1, len(question.service.steps) + 1)), \
                question.id
