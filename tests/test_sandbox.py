"""The function sandbox: reference solutions pass, wrong or hostile code is reported per test, limits hold, the
judging happens in the parent where the candidate's code cannot reach it, and the ml-coding bank is complete."""

from __future__ import annotations

import resource
import threading
import time
from pathlib import Path

import pytest

from interviewer.catalog import Catalog
from interviewer.sandbox import CodeReport, CodeTestResult, extract_code, run_code_tests
from interviewer.sandbox.process import Child, Ending
from interviewer.types import CodeSpec, CodeTest, Question, Round

from .conftest import CORPUS

ML_CODING_IDS = [
    "code-softmax-cross-entropy", "code-kmeans", "code-attention", "code-logreg-gd", "code-tree-split",
    "code-rolling-features", "code-roc-auc", "code-top-k-sampling", "code-mlp-backprop", "code-ndcg", "code-batchnorm",
    "code-conv2d",
]
PHASES = {"clarify", "approach", "implement", "test", "optimize", "wrap-up"}
SHARED = {"clarify-first", "plan-first", "think-aloud", "takes-hints", "self-corrects", "business-close"}


def _question(catalog: Catalog, question_id: str) -> tuple[Question, CodeSpec]:
    question = catalog.questions[question_id]
    assert question.code is not None
    return question, question.code


def _toy_spec(time_limit: float = 2.0, memory_mb: int = 256) -> CodeSpec:
    return CodeSpec(
        entry="double",
        signature="def double(x: float) -> float",
        reference="def double(x):\n    return 2 * x\n",
        time_limit=time_limit,
        memory_mb=memory_mb,
        tests=[
            CodeTest(name="one", call="double(1)", expect="2"),
            CodeTest(name="tenth", call="double(0.1)", expect="0.2", tolerance=1e-12),
            CodeTest(name="zero", call="double(0)", expect="0", kind="edge"),
            CodeTest(name="big", call="double(10 ** 6)", expect="2 * 10 ** 6", kind="performance"),
        ],
    )


def _statuses(report: CodeReport) -> list[str]:
    return [result.status for result in report.results]


# --- the question bank -----------------------------------------------------------------------------------


def test_the_bank_has_the_twelve_coding_questions(catalog: Catalog) -> None:
    questions = catalog.questions_for(Round.ML_CODING)
    assert sorted(q.id for q in questions) == sorted(ML_CODING_IDS)
    for question in questions:
        assert question.code is not None, question.id
        assert 7 <= len(question.probes) <= 9, question.id
        assert {p.phase for p in question.probes} <= PHASES
        assert {"clarify", "optimize", "wrap-up"} <= {p.phase for p in question.probes}, question.id
        assert all(p.signal.startswith("code-") or p.signal in SHARED for p in question.probes)
        assert len(question.facts) >= 5, question.id
        tests = question.code.tests
        assert 6 <= len(tests) <= 10, question.id
        assert {t.kind for t in tests} == {"basic", "edge", "performance"}, question.id
        assert len({t.name for t in tests}) == len(tests), question.id
        assert question.code.signature.startswith(f"def {question.code.entry}(")
        body = (CORPUS / "questions" / "ml-coding" / f"{question.id}.md").read_text()
        for heading in ("## Strong answer", "## Reference points", "## Common pitfalls", "## What the L6 bar adds"):
            assert heading in body, (question.id, heading)


@pytest.mark.parametrize("question_id", ML_CODING_IDS)
def test_the_reference_passes_every_test(catalog: Catalog, question_id: str) -> None:
    _, spec = _question(catalog, question_id)
    report = run_code_tests(spec.reference, spec)
    assert report.all_passed, report.summary() + "\n" + "\n".join(r.detail for r in report.results)
    assert report.passed == report.total == len(spec.tests)
    assert report.summary() == f"{report.total}/{report.total} tests passed"


@pytest.mark.parametrize("question_id", ML_CODING_IDS)
def test_the_reference_is_deterministic(catalog: Catalog, question_id: str) -> None:
    _, spec = _question(catalog, question_id)
    assert run_code_tests(spec.reference, spec) == run_code_tests(spec.reference, spec)


NUDGE = '''

_reference_entry = {entry}


def _nudge(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, (list, tuple)):
        return type(value)(_nudge(item) for item in value)
    return value


def {entry}(*args, **kwargs):
    return _nudge(_reference_entry(*args, **kwargs))
'''


@pytest.mark.parametrize("question_id", ML_CODING_IDS)
def test_a_wrong_solution_fails(catalog: Catalog, question_id: str) -> None:
    _, spec = _question(catalog, question_id)
    wrong = spec.reference + NUDGE.format(entry=spec.entry)
    report = run_code_tests(wrong, spec)
    failed = [r for r in report.results if r.status == "failed"]
    assert len(failed) >= 4, report.summary()
    assert {r.status for r in report.results} <= {"passed", "failed"}
    for result in failed:
        assert "got " in result.detail and ", expected " in result.detail
    assert report.summary().startswith(f"{report.passed}/{report.total} tests passed; failed: ")


def test_one_failing_test_does_not_hide_the_others(catalog: Catalog) -> None:
    _, spec = _question(catalog, "code-softmax-cross-entropy")
    naive = (
        "import math\n\n\n"
        "def softmax_cross_entropy(logits, labels):\n"
        "    probs = []\n"
        "    for row in logits:\n"
        "        exps = [math.exp(x) for x in row]\n"
        "        probs.append([e / sum(exps) for e in exps])\n"
        "    losses = [-math.log(p[y]) for p, y in zip(probs, labels)]\n"
        "    return probs, sum(losses) / len(losses)\n"
    )
    report = run_code_tests(naive, spec)
    by_name = {r.name: r for r in report.results}
    assert by_name["uniform pair"].status == "passed"
    assert by_name["small batch"].status == "passed"
    assert by_name["large logits"].status == "error"
    assert by_name["large logits"].detail.startswith("OverflowError")
    assert "(line 7)" in by_name["large logits"].detail
    assert by_name["empty batch"].status == "error" and "ZeroDivisionError" in by_name["empty batch"].detail
    assert by_name["very negative logits"].status == "error"
    assert 0 < report.passed < report.total


def test_numpy_results_are_compared_as_lists() -> None:
    code = "import numpy as np\n\n\ndef double(x):\n    return np.array(x) * 2\n"
    report = run_code_tests(code, _toy_spec())
    assert report.all_passed, report.summary()


def test_comparison_rules() -> None:
    spec = CodeSpec(
        entry="f", signature="def f(x)", reference="def f(x):\n    return x\n",
        tests=[
            CodeTest(name="tuple equals list", call="f((1, [2.0, 3]))", expect="[1, (2.0, 3)]"),
            CodeTest(name="within tolerance", call="f([0.1 + 0.2])", expect="[0.3]", tolerance=1e-9),
            CodeTest(name="exact without tolerance", call="f(0.1 + 0.2)", expect="0.3"),
            CodeTest(name="dict by keys", call="f({'b': 2.0, 'a': [1]})", expect="{'a': [1], 'b': 2}"),
            CodeTest(name="dict keys differ", call="f({'a': 1})", expect="{'b': 1}"),
            CodeTest(name="nested length", call="f([[1, 2], [3]])", expect="[[1, 2], [3, 4]]"),
            CodeTest(name="none is not zero", call="f(0)", expect="None"),
        ],
    )
    report = run_code_tests(spec.reference, spec)
    assert _statuses(report) == ["passed", "passed", "failed", "passed", "failed", "failed", "failed"]
    nested = report.results[5].detail
    assert "got [[1, 2], [3]], expected [[1, 2], [3, 4]]" in nested and "length of [1]: 1 vs 2" in nested
    assert report.summary() == ("3/7 tests passed; failed: exact without tolerance (basic), dict keys differ "
                                "(basic), nested length (basic), none is not zero (basic)")


# --- honest judging --------------------------------------------------------------------------------------

SECRETS = [CodeTest(name=f"secret {i}", call=f"double({i})", expect=f"'s3cr3t-expected-{i}'") for i in range(4)]

REPLACE_COMPARE = """
import sys

sys.modules["__main__"].compare = lambda *args, **kwargs: None


def double(x):
    return "wrong"
"""

PEEK = """
import gc


def double(x):
    prefix = "s3cr3t-" + "expected"
    found = [item for item in gc.get_objects() if isinstance(item, str) and item.startswith(prefix)]
    for item in gc.get_objects():
        if isinstance(item, dict):
            found += [v for v in item.values() if isinstance(v, str) and v.startswith(prefix)]
    return found[0] if found else "not found"
"""

FORGE = """
import gc
import json
import os
import sys

sys.modules["__main__"].encode = lambda value: "s3cr3t-answer"   # what the child serialises


def _forge():
    nonce = next(item["nonce"] for item in gc.get_objects()
                 if isinstance(item, dict) and isinstance(item.get("nonce"), str))
    for fd in range(3, 20):
        for index in range(4):
            record = {"index": index, "status": "passed", "detail": "", "value": "s3cr3t-answer"}
            try:
                os.write(fd, (nonce + json.dumps(record) + "\\n").encode())
            except OSError:
                pass


_forge()


def double(x):
    return 2 * x
"""


def test_replacing_the_comparison_no_longer_helps() -> None:
    """The old runner compared in the child, where this wrong code replaced the comparison and scored 4/4."""
    report = run_code_tests(REPLACE_COMPARE, _toy_spec())
    assert _statuses(report) == ["failed"] * 4
    assert report.results[0].detail == "got 'wrong', expected 2"


def test_the_expected_values_never_reach_the_child() -> None:
    spec = _toy_spec().model_copy(update={"tests": SECRETS})
    report = run_code_tests(PEEK, spec)
    assert _statuses(report) == ["failed"] * 4, report.summary()
    assert all(r.detail.startswith("got 'not found', expected 's3cr3t-expected-") for r in report.results)


def test_forged_records_and_a_patched_serialiser_are_judged_here() -> None:
    """Records forged with the nonce come first and count, but what they carry is compared in the parent."""
    for spec in (_toy_spec(), _toy_spec().model_copy(update={"tests": SECRETS})):
        report = run_code_tests(FORGE, spec)
        assert _statuses(report) == ["failed"] * 4, report.summary()
        assert report.results[0].detail.startswith("got 's3cr3t-answer', expected ")


def test_asyncio_and_threads_work_but_local_sockets_cannot_connect() -> None:
    code = ("import asyncio, threading\n\n\nasync def _twice(x):\n    await asyncio.sleep(0)\n    return 2 * x\n\n\n"
            "def double(x):\n    box = []\n"
            "    worker = threading.Thread(target=lambda: box.append(asyncio.run(_twice(x))))\n"
            "    worker.start()\n    worker.join()\n    return box[0]\n")
    assert run_code_tests(code, _toy_spec()).all_passed
    unix = "import socket\n\n\ndef double(x):\n    socket.socket(socket.AF_UNIX).connect('/run/any.sock')\n"
    report = run_code_tests(unix, _toy_spec())
    assert all("network access is disabled" in r.detail for r in report.results)


def _burn(seconds_of_cpu: float) -> dict[str, object]:
    code = ("import time\n\n\ndef spin(x):\n    end = time.process_time() + x\n    while time.process_time() < end:\n"
            "        pass\n    return x\n")
    return {"mode": "functions", "code": code, "entry": "spin", "harness": "", "calls": [f"spin({seconds_of_cpu})"],
            "time_limit": 5, "memory_mb": 256}


def test_cpu_time_is_measured_per_child() -> None:
    """A busy run that ends while a quiet one is going on is not charged to the quiet one (RUSAGE_CHILDREN of
    the whole process would be)."""
    endings: dict[str, Ending] = {}

    def run(name: str, payload: dict[str, object]) -> None:
        with Child(payload, wall_limit=20) as child:
            child.records()
            endings[name] = child.stop()

    quiet = {**_burn(0.0), "code": "import time\n\n\ndef spin(x):\n    time.sleep(2.5)\n    return x\n"}
    threads = [threading.Thread(target=run, args=("quiet", quiet)),
               threading.Thread(target=run, args=("busy", _burn(1.2)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert endings["busy"].cpu_seconds >= 1.1
    assert endings["quiet"].cpu_seconds < 0.5
    assert endings["quiet"].returncode == 0 and endings["busy"].returncode == 0


# --- limits ----------------------------------------------------------------------------------------------


def test_an_infinite_loop_ends_too_slow(catalog: Catalog) -> None:
    _, spec = _question(catalog, "code-roc-auc")
    code = "def roc_auc(scores, labels):\n    while True:\n        pass\n"
    started = time.monotonic()
    report = run_code_tests(code, spec)
    assert time.monotonic() - started < spec.time_limit + 5
    assert set(_statuses(report)) == {"too slow"}
    assert "while running this test" in report.results[0].detail
    assert report.results[1].detail.startswith("not run:")
    assert report.summary().startswith(f"0/{report.total} tests passed; too slow: perfect ranking (basic), ")


def test_the_tests_before_a_slow_one_still_count(catalog: Catalog) -> None:
    _, spec = _question(catalog, "code-roc-auc")
    code = spec.reference + (
        "\n\n_reference_entry = roc_auc\n\n\n"
        "def roc_auc(scores, labels):\n"
        "    while len(scores) == 5:\n"
        "        pass\n"
        "    return _reference_entry(scores, labels)\n"
    )
    report = run_code_tests(code, spec)
    statuses = _statuses(report)
    slow = next(i for i, r in enumerate(report.results) if r.name == "all scores tied")
    assert statuses[:slow] == ["passed"] * slow
    assert statuses[slow:] == ["too slow"] * (len(statuses) - slow)
    assert "while running this test" in report.results[slow].detail
    assert "too slow: all scores tied (edge), one class only (edge)" in report.summary()


def test_code_that_sleeps_hits_the_wall_clock_limit() -> None:
    code = "import time\n\n\ndef double(x):\n    time.sleep(60)\n"
    started = time.monotonic()
    report = run_code_tests(code, _toy_spec(time_limit=0.5))
    assert time.monotonic() - started < 10
    assert set(_statuses(report)) == {"too slow"}
    assert "wall-clock" in report.results[0].detail


def test_an_infinite_loop_at_import_time_is_too_slow() -> None:
    report = run_code_tests("while True:\n    pass\n", _toy_spec(time_limit=1.0))
    assert set(_statuses(report)) == {"too slow"}
    assert "while loading the code" in report.results[0].detail


@pytest.mark.parametrize(
    "body",
    [
        "    return bytearray(50 * 1024 ** 3)\n",
        "    hoard = []\n    while True:\n        hoard.append(bytearray(10 * 1024 ** 2))\n",
        "    return [0] * (10 ** 10)\n",
    ],
)
def test_a_memory_hog_is_stopped_without_harming_the_parent(body: str) -> None:
    limits_before = resource.getrlimit(resource.RLIMIT_AS)
    started = time.monotonic()
    report = run_code_tests("def double(x):\n" + body, _toy_spec(memory_mb=256))
    assert time.monotonic() - started < 15
    assert set(_statuses(report)) <= {"error", "too slow"}
    assert any("memory" in r.detail.lower() or r.status == "too slow" for r in report.results)
    assert resource.getrlimit(resource.RLIMIT_AS) == limits_before
    assert len(bytearray(64 * 1024 ** 2)) == 64 * 1024 ** 2  # the parent can still allocate
    assert run_code_tests(_toy_spec().reference, _toy_spec()).all_passed


@pytest.mark.parametrize(
    "code",
    [
        "import socket\n\n\ndef double(x):\n    socket.create_connection(('example.com', 80), timeout=1)\n",
        "import socket\n\n\ndef double(x):\n    socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n",
        "import socket\n\n\ndef double(x):\n    socket.getaddrinfo('example.com', 443)\n",
        "import _socket\n\n\ndef double(x):\n    _socket.socket()\n",
        "def double(x):\n    import urllib.request\n    urllib.request.urlopen('http://example.com')\n",
        "def double(x):\n    import http.client\n    http.client.HTTPConnection('example.com').request('GET', '/')\n",
        "def double(x):\n    import requests\n    requests.get('http://example.com')\n",
    ],
)
def test_network_access_is_refused(code: str) -> None:
    report = run_code_tests(code, _toy_spec())
    assert set(_statuses(report)) == {"error"}
    assert all("network access is disabled" in r.detail for r in report.results), report.results[0].detail


def test_network_modules_cannot_even_be_imported_at_top_level() -> None:
    report = run_code_tests("import urllib.request\n\n\ndef double(x):\n    return 2 * x\n", _toy_spec())
    assert set(_statuses(report)) == {"error"}
    assert report.results[0].detail.startswith("the code failed to load: ImportError")


def test_writes_stay_inside_the_temporary_directory(tmp_path: Path) -> None:
    outside = tmp_path / "escaped.txt"
    escape = f"def double(x):\n    open({str(outside)!r}, 'w').write('x')\n    return 2 * x\n"
    report = run_code_tests(escape, _toy_spec())
    assert set(_statuses(report)) == {"error"}
    assert "outside the sandbox" in report.results[0].detail
    assert not outside.exists()
    inside = "def double(x):\n    with open('scratch.txt', 'w') as f:\n        f.write('x')\n    return 2 * x\n"
    assert run_code_tests(inside, _toy_spec()).all_passed


def test_new_processes_are_refused() -> None:
    code = "import subprocess\n\n\ndef double(x):\n    return subprocess.run(['true']).returncode\n"
    report = run_code_tests(code, _toy_spec())
    assert set(_statuses(report)) == {"error"}
    assert "not allowed" in report.results[0].detail


def test_printing_does_not_disturb_the_results() -> None:
    code = "import sys\n\n\ndef double(x):\n    print('{\"index\": 0}' * 100)\n    sys.stderr.write('noise')\n" \
           "    return 2 * x\n"
    assert run_code_tests(code, _toy_spec()).all_passed


def test_exiting_is_reported() -> None:
    report = run_code_tests("import sys\n\n\ndef double(x):\n    sys.exit(3)\n", _toy_spec())
    assert set(_statuses(report)) == {"error"} and report.results[0].detail.startswith("SystemExit")
    report = run_code_tests("import os\n\n\ndef double(x):\n    os._exit(3)\n", _toy_spec())
    assert set(_statuses(report)) == {"error"}
    assert "exited with code 3" in report.results[0].detail
    assert report.results[1].detail.startswith("not run:")


# --- broken code -----------------------------------------------------------------------------------------


def test_a_syntax_error_is_reported_for_every_test(catalog: Catalog) -> None:
    _, spec = _question(catalog, "code-kmeans")
    report = run_code_tests("def kmeans(points, centroids, iterations):\n    return centroids,\n    for\n", spec)
    assert report.passed == 0
    assert set(_statuses(report)) == {"error"}
    detail = report.results[0].detail
    assert detail.startswith("SyntaxError:") and "line 3" in detail
    assert all(r.detail == detail for r in report.results)


def test_a_missing_entry_function_is_reported(catalog: Catalog) -> None:
    _, spec = _question(catalog, "code-tree-split")
    report = run_code_tests("def find_split(values, labels):\n    return None\n", spec)
    assert set(_statuses(report)) == {"error"}
    assert {r.detail for r in report.results} == {"no function or class named best_split"}
    assert report.summary().startswith(f"0/{report.total} tests passed; error: clean split (basic), ")


def test_a_result_model_rejects_unknown_fields() -> None:
    with pytest.raises(ValueError):
        CodeTestResult.model_validate({"name": "x", "kind": "basic", "status": "passed", "colour": "red"})


# --- pulling code out of an answer -----------------------------------------------------------------------

FENCED = '''Let me write it with a helper.

```python
import math


def _stable_sigmoid(z):
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
```

An early version:

```python
def train_logreg(X, y, lr=0.1, epochs=100):
    return [], 0.0
```

And the final one:

```py
def train_logreg(X, y, lr=0.1, epochs=100):
    return [_stable_sigmoid(0.0)], 0.0
```

```text
>>> train_logreg([[1.0]], [1])
```
That is O(epochs * n * d).
'''

UNFENCED = '''Sure. I'll sort once and sweep, which is O(n log n).
    from collections import Counter

    def best_split(values, labels):
        n = len(values)
        if n < 2:
            return None

        return (min(values), 0.0)
    Then I would test it on ties and empty input.
Importantly, a class imbalance does not change the approach.
'''


def test_extract_code_from_fenced_blocks() -> None:
    code = extract_code(FENCED, "train_logreg")
    assert code is not None
    assert code.startswith("import math")
    assert "_stable_sigmoid(0.0)" in code and "return [], 0.0" not in code
    assert ">>>" not in code and "That is" not in code
    compile(code, "<test>", "exec")


def test_extract_code_from_an_unfenced_paste() -> None:
    code = extract_code(UNFENCED, "best_split")
    assert code is not None
    assert code.splitlines()[0] == "from collections import Counter"
    assert "def best_split(values, labels):" in code and "        return None" in code
    assert "Then I would" not in code and "Importantly" not in code and "class imbalance" not in code
    compile(code, "<test>", "exec")


def test_extract_code_skips_prose_between_functions() -> None:
    answer = ("Helper first:\ndef helper(x):\n    return 2 * x\nreturn values are floats, by the way.\n"
              "def double(x):\n    return helper(x)\nprint(double(1)\n")
    code = extract_code(answer, "double")
    assert code == "def helper(x):\n    return 2 * x\n\n\ndef double(x):\n    return helper(x)\n"
    assert run_code_tests(code, _toy_spec()).all_passed


def test_extract_code_without_the_entry_function() -> None:
    assert extract_code("I would sort first and then define the split, def-initely.", "best_split") is None
    assert extract_code("```python\ndef helper(x):\n    return x\n```", "best_split") is None
    assert extract_code("", "best_split") is None


def test_extract_code_keeps_broken_code_for_the_syntax_error() -> None:
    code = extract_code("def roc_auc(scores, labels):\n    return 0.5 +\nThen I'd test it.", "roc_auc")
    assert code is not None and "return 0.5 +" in code and "Then" not in code
    report = run_code_tests(code, _toy_spec().model_copy(update={"entry": "roc_auc"}))
    assert report.results[0].detail.startswith("SyntaxError")


@pytest.mark.parametrize("question_id", ["code-roc-auc", "code-attention"])
def test_a_pasted_reference_passes_end_to_end(catalog: Catalog, question_id: str) -> None:
    _, spec = _question(catalog, question_id)
    indented = "\n".join("    " + line if line else "" for line in spec.reference.splitlines())
    for answer in (f"Here it is:\n```python\n{spec.reference}\n```\nDone.",
                   f"Here it is, pasted as is:\n{indented}\nThat's O(n log n)."):
        code = extract_code(answer, spec.entry)
        assert code is not None
        assert run_code_tests(code, spec).all_passed
