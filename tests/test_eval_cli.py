"""`interviewer eval faithfulness` and `interviewer eval consistency`, end to end."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import cli_env

TRANSCRIPT = """Interviewer: How much traffic do we need to handle?
Candidate: About 4,600 redirects per second on average, and I'd keep the hot links in Redis with a TTL.
Interviewer: What happens if a cache node dies?
Candidate: A replica takes over, and we fall back to the database while the new node warms up.
"""
FEEDBACK = """## Strengths
- The candidate estimated about 4,600 redirects per second.
- The candidate planned a fallback to the database when a cache node dies.
## Improvements
- The candidate proposed Kafka for the redirect path.
- The candidate estimated 46,000 redirects per second.
"""
DOC = "Interviewer: Storage?\\nCandidate: We store links in Cassandra, replicated three ways."


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "interviewer", "eval", *args], capture_output=True, text=True,
                          env=cli_env(home), timeout=300)


def test_faithfulness_of_free_text_feedback(shared_home: Path, tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text(TRANSCRIPT)
    (tmp_path / "f.md").write_text(FEEDBACK)
    result = run(shared_home, "faithfulness", "--transcript", str(tmp_path / "t.txt"), "--feedback",
                 str(tmp_path / "f.md"), "--format", "json", "--out", str(tmp_path / "r.json"))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report == json.loads((tmp_path / "r.json").read_text())
    assert (report["total"], report["supported"], report["score"]) == (4, 2, 0.5)
    verdicts = {c["text"]: c for c in report["claims"]}
    assert "technology not said: Kafka" in verdicts["The candidate proposed Kafka for the redirect path."]["reasons"]
    assert any("46,000" in r for r in verdicts["The candidate estimated 46,000 redirects per second."]["reasons"])


def test_consistency_reports_balanced_accuracy(shared_home: Path, tmp_path: Path) -> None:
    records = [{"doc": DOC, "summary": "The candidate stored links in Cassandra.", "label": 1},
               {"doc": DOC, "summary": "The candidate stored links in MongoDB.", "label": "0"},
               {"doc": "A plain source text: the launch raised retention by 3%.",
                "summary": "Retention rose by 3%.", "label": "1"}]
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(records))
    result = run(shared_home, "consistency", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["records"] == 3 and report["balanced_accuracy"] == 1.0
    limited = run(shared_home, "consistency", str(path), "--limit", "2")
    assert "Records: 2. Balanced accuracy: 1.000" in limited.stdout


@pytest.mark.parametrize(("content", "message"), [("{", "invalid JSON"), ('[{"doc": "x"}]', "expected a JSON list"),
                                                  ('[{"doc": "x", "summary": "y", "label": "maybe"}]', "neither 1")])
def test_consistency_errors_are_one_line(shared_home: Path, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = run(shared_home, "consistency", str(path))
    assert result.returncode == 2 and message in result.stderr and result.stderr.count("\n") == 1
