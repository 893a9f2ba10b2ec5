"""The rounds that run candidate code (coding, debugging, pair-programming): their banks are complete and every
reference passes its hidden tests; the debugging code handed over really is broken; a correct O(1) LRU cache
passes and a buggy one fails with the failing case named; the opening shows the code handed over; failures drive
the follow-up; and the results become evidence in the right dimension."""

from __future__ import annotations

import ast

import pytest

from interviewer import planner
from interviewer.catalog import Catalog
from interviewer.feedback.code_evidence import apply_code_run, best_code_run, code_so_far, run_hidden_tests
from interviewer.sandbox import run_code_tests, run_service_tests
from interviewer.types import Claim, DimensionGrade, Question, Round, Transcript, Turn

from .conftest import CORPUS

CODE_ROUNDS = [Round.CODING, Round.DEBUGGING, Round.PAIR_PROGRAMMING]
SHARED = {"clarify-first", "plan-first", "think-aloud", "takes-hints", "self-corrects", "business-close"}
HEADINGS = ("## Strong answer", "## Reference points", "## Common pitfalls", "## What the L6 bar adds")


def _ids(round_: Round) -> list[str]:
    return sorted(path.stem for path in (CORPUS / "questions" / round_.value).glob("*.md"))


FUNCTION_IDS = _ids(Round.CODING) + _ids(Round.DEBUGGING)
SERVICE_IDS = _ids(Round.PAIR_PROGRAMMING)


@pytest.mark.parametrize("round_", CODE_ROUNDS)
def test_each_bank_has_twelve_questions_that_run_code(catalog: Catalog, round_: Round) -> None:
    questions = catalog.questions_for(round_)
    assert len(questions) >= 12
    phases = {phase.id for phase in catalog.phases[round_]}
    prefix = {Round.CODING: "dsa-", Round.DEBUGGING: "dbg-", Round.PAIR_PROGRAMMING: "pair-"}[round_]
    for question in questions:
        spec = question.service if round_ == Round.PAIR_PROGRAMMING else question.code
        assert spec is not None and spec.starter.strip(), question.id
        assert 7 <= len(question.probes) <= 11, question.id
        assert {p.phase for p in question.probes} <= phases
        assert len({p.phase for p in question.probes}) >= 4, question.id
        assert all(p.signal.startswith(prefix) or p.signal in SHARED for p in question.probes), question.id
        assert len({p.signal for p in question.probes}) >= 6, question.id
        assert len(question.facts) >= 5, question.id
        assert len({t.name for t in spec.tests}) == len(spec.tests) >= 6, question.id
        body = (CORPUS / "questions" / round_.value / f"{question.id}.md").read_text()
        assert all(heading in body for heading in HEADINGS), question.id
    assert "lru-cache" in {q.id for q in catalog.questions_for(Round.CODING)} or round_ != Round.CODING


def test_harness_helpers_cannot_clash_with_the_candidates_names(catalog: Catalog) -> None:
    """The harness runs in the candidate's namespace after their code: its own functions and classes carry a
    prefix, so a candidate's helper of the same name is never replaced."""
    for question in catalog.questions.values():
        if question.code is None or not question.code.harness:
            continue
        for node in ast.parse(question.code.harness).body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                assert node.name.startswith("harness_"), (question.id, node.name)


@pytest.mark.parametrize("question_id", FUNCTION_IDS + SERVICE_IDS)
def test_the_reference_passes_every_hidden_test(catalog: Catalog, question_id: str) -> None:
    question = catalog.questions[question_id]
    spec = question.code or question.service
    assert spec is not None
    report = run_hidden_tests(spec.reference, question)
    assert report.all_passed, report.summary() + "\n" + "\n".join(r.detail for r in report.results)


@pytest.mark.parametrize("question_id", _ids(Round.DEBUGGING))
def test_the_code_handed_over_for_debugging_fails_a_hidden_test(catalog: Catalog, question_id: str) -> None:
    spec = catalog.questions[question_id].code
    assert spec is not None
    report = run_code_tests(spec.starter, spec)
    assert not report.all_passed, f"{question_id}: the buggy code passes every test"


# --- the LRU cache and the chat server: the done criteria --------------------------------------------------

ORDERED_LRU = """
from collections import OrderedDict


class LRUCache:
    def __init__(self, capacity):
        self.capacity = capacity
        self.data = OrderedDict()

    def get(self, key):
        if key not in self.data:
            return -1
        self.data.move_to_end(key)
        return self.data[key]

    def put(self, key, value):
        if self.capacity == 0:
            return
        if key in self.data:
            self.data.move_to_end(key)
        self.data[key] = value
        if len(self.data) > self.capacity:
            self.data.popitem(last=False)
"""


def test_lru_cache_passes_a_correct_o1_solution_and_names_the_failing_case_of_a_buggy_one(catalog: Catalog) -> None:
    spec = catalog.questions["lru-cache"].code
    assert spec is not None
    assert run_code_tests(ORDERED_LRU, spec).all_passed
    no_refresh = ORDERED_LRU.replace("        self.data.move_to_end(key)\n        return", "        return")
    report = run_code_tests(no_refresh, spec)
    failure = report.first_failure()
    assert failure is not None and failure.name == "get refreshes recency: after get 1, put 3 evicts 2"
    assert failure.detail == "got [1, 2, -1, 3], expected [1, -1, 1, 3] (first difference at [1]: 2 vs -1)"
    assert "failed: get refreshes recency: after get 1, put 3 evicts 2 (basic)" in report.summary()
    linear = ORDERED_LRU.replace("self.data.move_to_end(key)", "self.data[key] = self.data.pop(key)"
                                 ).replace("self.data = OrderedDict()", "self.data = OrderedDict()\n"
                                           "        self.order = []").replace(
        "        self.data[key] = value\n", "        self.data[key] = value\n"
        "        self.order = [k for k in self.order if k != key] + [key]\n")
    slow = run_code_tests(linear, spec)
    assert [r.name for r in slow.results if r.status == "too slow"] == ["200,000 operations on a capacity of 20,000"]


CHAT = """
import json

messages = []


def app(environ, start_response):
    size = int(environ.get("CONTENT_LENGTH") or 0)
    if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"] == "/messages":
        data = json.loads(environ["wsgi.input"].read(size))
        message = {"id": len(messages) + 1, "user": data["user"], "text": data["text"]}
        messages.append(message)
        start_response("201 Created", [("Content-Type", "application/json")])
        return [json.dumps(message).encode()]
    if environ["REQUEST_METHOD"] == "GET" and environ["PATH_INFO"] == "/messages":
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"messages": messages}).encode()]
    start_response("404 Not Found", [("Content-Type", "application/json")])
    return [b"{}"]
"""


def test_a_working_chat_service_passes_its_step_and_a_broken_one_names_the_failing_request(catalog: Catalog) -> None:
    spec = catalog.questions["pair-chat-server"].service
    assert spec is not None
    report = run_service_tests(CHAT, spec)
    counts = report.step_counts()
    assert counts[0][1] == 4 and counts[1][1] == 0 and counts[2][1] == 0
    empty = next(r for r in report.results if r.name == "an empty message is refused")
    assert empty.status == "failed"
    assert empty.detail == 'POST /messages {"user": "ana", "text": ""} returned 201, expected 400'
    not_json = next(r for r in report.results if r.name == "a body that is not JSON is refused")
    assert not_json.detail.startswith("POST /messages with body 'hello there' returned 500 (JSONDecodeError")
    assert not report.core_works()


# --- the opening, the follow-up and the evidence -------------------------------------------------------


def test_the_opening_shows_the_code_handed_over_verbatim(catalog: Catalog) -> None:
    from interviewer.catalog import load_persona, load_phrases
    from interviewer.planner import home_phases
    from interviewer.types import Level
    from interviewer.voice import Scene, opening_text

    question = catalog.questions["dbg-flatten-deep"]
    scene = Scene(persona=load_persona(Round.DEBUGGING), phrases=load_phrases(), question=question,
                  rubric=catalog.rubric(Round.DEBUGGING), phases=catalog.phases[Round.DEBUGGING], level=Level.L5,
                  company=None, minutes=45, session_id="s", signal_phases=home_phases([question]))
    text = opening_text(scene)
    assert question.code is not None
    assert text.endswith("```python\n" + question.code.starter.strip() + "\n```")
    assert "    for item in items:\n        if isinstance(item, list):" in text


def _tests(report_steps: list[list[object]], failure: dict[str, object]) -> dict[str, object]:
    return {"turn": 4, "summary": "s", "passed": 4, "total": 13, "failures": [failure], "steps": report_steps,
            "signal": "pair-working-service", "edge_signal": "pair-error-handling"}


def test_a_failed_hidden_test_drives_the_follow_up() -> None:
    steps = [["send and list messages", 4, 7], ["messages since an id", 0, 3], ["rooms and users", 0, 3]]
    fix = planner.test_failure_move(_tests(steps, {"name": "an empty message is refused", "kind": "edge", "step": 1,
                                           "status": "failed", "detail": "POST /messages returned 500"}), 2)
    assert fix.probe_text == ("I ran your service against the hidden HTTP tests: 4/13 pass (step 1 send and list "
                              "messages 4/7, step 2 messages since an id 0/3, step 3 rooms and users 0/3). The case "
                              '"an empty message is refused" failed: POST /messages returned 500. What\'s going on '
                              "there, and how would you fix it?")
    assert fix.signal == "pair-error-handling"
    steps[0][1] = 7
    nxt = planner.test_failure_move(_tests(steps, {"name": "messages since an id", "kind": "basic", "step": 2,
                                           "status": "failed", "detail": "GET /messages?since=1 returned 200"}), 2)
    assert "Step 2, messages since an id, isn't there yet: GET /messages?since=1 returned 200. That's the next " \
           "thing to build" in (nxt.probe_text or "")
    assert nxt.signal == "pair-working-service"


def _transcript(*answers: str) -> Transcript:
    turns = []
    for index, text in enumerate(answers):
        turns += [Turn(id=2 * index + 1, speaker="Interviewer", role="interviewer", text="Go on."),
                  Turn(id=2 * index + 2, speaker="Candidate", role="candidate", text=text)]
    return Transcript(turns=turns)


def test_code_so_far_finds_classes_and_apps() -> None:
    code = code_so_far(["I'd use an OrderedDict.", "```python\n" + ORDERED_LRU + "```"], "LRUCache")
    assert code is not None and "class LRUCache:" in code
    service = code_so_far(["Plain WSGI:\n```python\nimport json\n\n\ndef handle(environ):\n    return 1\n\n\n"
                           "app = handle\n```"], "app")
    assert service is not None and service.rstrip().endswith("app = handle")


def test_service_results_become_evidence_weighing_a_working_core(catalog: Catalog) -> None:
    question: Question = catalog.questions["pair-chat-server"]
    rubric = catalog.rubric(Round.PAIR_PROGRAMMING)
    run = best_code_run(_transcript("Here's the app.\n```python\n" + CHAT + "```"), question)
    assert run is not None and run.def_line == "def app(environ, start_response):"
    grades = [DimensionGrade(dimension=d.id, name=d.name, score=4, rationale="") for d in rubric.dimensions]
    said = Claim(text="Working service: the candidate said it works", dimension="working-system",
                 polarity="strength", kind="observation", signal="pair-working-service")
    grades[1].claims, grades[1].signals_shown = [said], ["pair-working-service"]
    apply_code_run(grades, run, rubric.hidden_tests, lambda dimension, score: f"{dimension} {score}")
    working = next(g for g in grades if g.dimension == "working-system")
    assert working.score == 2  # the first step does not work: at most approaching the bar, whatever was said
    claim = working.claims[0]
    assert claim.text.startswith("Hidden tests: 4/13 tests passed (step 1 send and list messages: 4/7, ")
    assert "First failing case, an empty message is refused: POST /messages" in claim.text
    assert claim.signal == "pair-working-service" and claim.evidence[0].quote == run.def_line
    assert working.claims == [claim]  # the tests decide the signal: the claim from what was said gives way
    assert working.signals_missing == ["pair-working-service"] and working.signals_shown == []


def test_an_answers_file_keeps_pasted_code_with_blank_lines_as_one_answer() -> None:
    from interviewer.conversation import split_answers

    text = ("My plan first.\n\nHere it is:\n```python\nimport json\n\n\ndef app(environ, start_response):\n"
            "    pass\n```\nThat's step one.\n\n/end\n")
    assert split_answers(text) == ["My plan first.", "Here it is:\n```python\nimport json\n\n\ndef app(environ, "
                                   "start_response):\n    pass\n```\nThat's step one.", "/end"]
