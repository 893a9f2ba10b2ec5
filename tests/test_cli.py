"""The command line, end to end, as a user runs it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CORPUS, cli_env, make_home

SAMPLE = CORPUS / "transcripts" / "system-design" / "sd-l5-rate-limiter.md"


def run(home: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "interviewer", *args], capture_output=True, text=True,
                          env=cli_env(home), cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def plain_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sample transcript as another site would export it: other speaker names, no front matter."""
    body = SAMPLE.read_text().split("\n---\n", 1)[1]
    body = body.replace("Interviewer:", "Priya:").replace("Candidate:", "Jordan:")
    path = tmp_path_factory.mktemp("export") / "export.txt"
    path.write_text(body)
    return path


def test_replay_prints_graded_feedback_in_markdown(shared_home: Path, plain_export: Path, tmp_path: Path) -> None:
    result = run(shared_home, "replay", str(plain_export), "--round", "system-design", "--level", "L6",
                 "--company", "faang", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("# Feedback: System design, target L6, faang\n")
    assert "**Verdict at L6: " in out and "**Level estimate: L" in out
    assert "claims verified against the transcript" in out
    for heading in ("## Dimensions", "## Strengths", "## Improvements",
                    "## What the next level would have shown", "## Per dimension"):
        assert heading in out
    assert "| Estimation | " in out and "/4 |" in out
    assert '> "' in out and "(turn " in out
    assert list(tmp_path.iterdir()) == []  # nothing written to the working folder


def test_replay_json_and_out_file(shared_home: Path, plain_export: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "feedback.json"
    result = run(shared_home, "replay", str(plain_export), "--round", "system-design", "--format", "json",
                 "--out", str(out), "--candidate", "Jordan")
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data == json.loads(result.stdout)
    assert data["target_level"] == "L5" and data["round"] == "system-design"
    check = data["verification"]
    claims = [c for d in data["dimensions"] for c in d["claims"]]
    assert check["claims_verified"] == len(claims) == check["claims_total"] - check["claims_dropped"]
    assert all(c["verified"] for c in claims)
    quotes = [e for c in claims for e in c["evidence"]]
    text = plain_export.read_text()
    assert quotes and all(e["quote"] in text for e in quotes)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["replay", "missing.txt", "--round", "system-design"], "missing.txt: no such file"),
        (["replay", "{empty}", "--round", "system-design"], "the file is empty"),
        (["replay", "{plain}"], "give --round"),
        (["replay", "{plain}", "--round", "chess"], "'chess' is not one of"),
        (["replay", "{plain}", "--round", "system-design", "--candidate", "Nobody"], "'Nobody' is not a speaker"),
        (["replay", "{plain}", "--bogus"], "No such option '--bogus'"),
        (["frobnicate"], "No such command 'frobnicate'"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(shared_home: Path, plain_export: Path, tmp_path: Path,
                                              args: list[str], message: str) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    args = [a.replace("{plain}", str(plain_export)).replace("{empty}", str(empty)) for a in args]
    result = run(shared_home, *args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("interviewer: ") and message in lines[0], result.stderr


def test_index_builds_under_the_home_folder_then_does_nothing(tmp_path: Path, models: Path) -> None:
    home = make_home(tmp_path / "home", models)
    first = run(home, "index", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Index updated: ") and " added, 0 updated, 0 removed, 0 unchanged" in first.stdout
    assert (home / "index" / "chroma").is_dir()
    second = run(home, "index", cwd=tmp_path)
    assert second.stdout.startswith("Index up to date: ") and "nothing changed" in second.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = run(tmp_path, "--help")
    assert result.returncode == 0
    assert "replay" in result.stdout and "index" in result.stdout
