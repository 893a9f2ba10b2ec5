"""Damaged files in the tool's home, and homes, config files and inputs the tool cannot use: each one is repaired
(exit 0) or ends in one line and exit code 2, never a traceback, and nothing the candidate typed is lost."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from interviewer.rag.embeddings import Embedder
from interviewer.rag.index import MANIFEST, CorpusIndex
from interviewer.rag.onnx_model import OnnxEncoder, fp32_path, int8_path

from .conftest import CORPUS, cli_env, make_home

SAMPLE = CORPUS / "transcripts" / "system-design" / "sd-l5-rate-limiter.md"


def run(home: Path | str, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
        prefix: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {**cli_env(Path(home)), **(env or {})}
    environ["INTERVIEWER_HOME"] = str(home)
    return subprocess.run([*(prefix or []), sys.executable, "-m", "interviewer", *args], capture_output=True,
                          text=True, env=environ, cwd=cwd, timeout=600)


def one_line(result: subprocess.CompletedProcess[str], *parts: str) -> str:
    """The single stderr line of a user error (exit 2), which must mention every part (the notice of which model
    is used may come before it)."""
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith("interviewer: model ")]
    assert len(lines) == 1 and lines[0].startswith("interviewer: "), result.stderr
    assert all(part in lines[0] for part in parts), lines[0]
    return lines[0]


# --- the index ---------------------------------------------------------------------------------------------------


def _segment(index: Path) -> Path:
    return next(p for p in (index / "chroma").iterdir() if p.is_dir())


def _cut(path: Path, keep: float = 0.5) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


DAMAGE: dict[str, Callable[[Path], None]] = {
    "zeroed chroma.sqlite3": lambda index: (index / "chroma" / "chroma.sqlite3").write_bytes(
        bytes((index / "chroma" / "chroma.sqlite3").stat().st_size)),
    "empty chroma.sqlite3": lambda index: (index / "chroma" / "chroma.sqlite3").write_bytes(b""),
    "truncated chroma.sqlite3": lambda index: _cut(index / "chroma" / "chroma.sqlite3"),
    "deleted HNSW segment": lambda index: shutil.rmtree(_segment(index)),
    "garbage HNSW files": lambda index: [path.write_bytes(os.urandom(path.stat().st_size or 64))
                                         for path in _segment(index).iterdir()],
    "garbage manifest.json": lambda index: (index / MANIFEST).write_bytes(b"\x89\x00{not json"),
}


@pytest.fixture
def index_copy(tmp_path: Path, prebuilt_index: Path, index_vectors: Path, models: Path) -> CorpusIndex:
    """A private copy of the session's index, with a copy of the embedding cache it was built from."""
    folder = tmp_path / "index"
    shutil.copytree(prebuilt_index, folder)
    shutil.copy(index_vectors, tmp_path / "vectors.sqlite")
    return CorpusIndex(folder, CORPUS, Embedder(tmp_path / "vectors.sqlite", models))


@pytest.mark.parametrize("fault", list(DAMAGE))
def test_a_damaged_index_is_never_current_and_a_build_repairs_it(index_copy: CorpusIndex, fault: str) -> None:
    count = index_copy.count()
    index_copy.close()
    DAMAGE[fault](index_copy.folder)
    assert not index_copy.is_current()
    report = index_copy.build()
    assert report.repaired, fault
    assert index_copy.is_current()
    fresh = CorpusIndex(index_copy.folder, CORPUS, index_copy.embedder)  # as the next process sees it
    assert fresh.damage() is None and fresh.count() == count
    assert fresh.retrieve("token bucket per API key", round="system-design", k=1)


def test_an_index_cut_short_by_a_cancelled_build_is_continued_not_called_current(index_copy: CorpusIndex) -> None:
    (index_copy.folder / MANIFEST).unlink()  # a build stopped before it finished writes no manifest
    assert not index_copy.is_current()
    report = index_copy.build()
    assert report.repaired is None and not report.added and report.unchanged > 1000


def test_the_index_command_rebuilds_a_damaged_index_then_finds_it_current(tmp_path: Path, models: Path,
                                                                          prebuilt_index: Path,
                                                                          index_vectors: Path) -> None:
    home = make_home(tmp_path / "home", models)
    shutil.copytree(prebuilt_index, home / "index")
    shutil.copy(index_vectors, home / "cache" / "embeddings.sqlite")
    shutil.rmtree(_segment(home / "index"))
    first = run(home, "index")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("The index was damaged (") and "has been rebuilt" in first.stdout
    assert "Traceback" not in first.stderr
    second = run(home, "index")
    assert second.stdout.startswith("Index up to date: ")


def test_practice_repairs_a_damaged_index_and_goes_on(tmp_path: Path, models: Path, prebuilt_index: Path,
                                                      index_vectors: Path) -> None:
    home = make_home(tmp_path / "home", models)
    shutil.copytree(prebuilt_index, home / "index")
    shutil.copy(index_vectors, home / "cache" / "embeddings.sqlite")
    shutil.rmtree(_segment(home / "index"))
    answers = tmp_path / "answers.txt"
    answers.write_text("We keep a token bucket per API key in Redis, refilled by a Lua script.\n\n/end\n")
    result = run(home, "practice", "--round", "system-design", "--question", "sd-rate-limiter",
                 "--answers", str(answers))
    assert result.returncode == 0, result.stderr
    assert "Transcript and feedback saved" in result.stdout
    assert CorpusIndex(home / "index", CORPUS, Embedder(None, models)).damage() is None


# --- the embedding model and its cache ---------------------------------------------------------------------------


def test_a_truncated_onnx_model_is_made_again(tmp_path: Path, models: Path) -> None:
    home = tmp_path / "home"
    own_models = home / "cache" / "models"
    own_models.mkdir(parents=True)
    Embedder(None, models).warm()  # the session's model exists, so its fp32 export does too
    shutil.copy(fp32_path(models), fp32_path(own_models))
    shutil.copy(int8_path(models), int8_path(own_models))
    _cut(int8_path(own_models))
    result = run(home, "replay", str(SAMPLE), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["round"] == "system-design"
    vector = OnnxEncoder(int8_path(own_models)).encode(["a sound model again"])
    assert np.isclose(np.linalg.norm(vector), 1.0)


@pytest.mark.parametrize("garbage", [b"", os.urandom(40_000), b"SQLite format 3\x00" + os.urandom(20_000)])
def test_a_garbage_embedding_cache_is_dropped_and_rebuilt(tmp_path: Path, models: Path, garbage: bytes) -> None:
    cache = tmp_path / "embeddings.sqlite"
    cache.write_bytes(garbage)
    embedder = Embedder(cache, models)
    vectors = embedder.embed(["we shard by user id", "a cache in front of the database"])
    assert vectors.shape == (2, 384)
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT count(*) FROM vectors").fetchone() == (2,)


def test_cache_rows_that_are_not_vectors_are_recomputed(tmp_path: Path, models: Path) -> None:
    cache = tmp_path / "embeddings.sqlite"
    embedder = Embedder(cache, models)
    expected = embedder.embed(["we shard by user id"])
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE vectors SET vec = ?", (b"short",))
    again = Embedder(cache, models).embed(["we shard by user id"])
    assert np.allclose(again, expected)


def test_replay_with_a_garbage_embedding_cache_goes_on(tmp_path: Path, models: Path) -> None:
    home = make_home(tmp_path / "home", models)
    (home / "cache" / "embeddings.sqlite").write_bytes(os.urandom(50_000))
    result = run(home, "replay", str(SAMPLE), "--format", "json")
    assert result.returncode == 0, result.stderr
    healed = run(home, "replay", str(SAMPLE), "--format", "json")  # now with the fresh cache it started
    assert healed.returncode == 0, healed.stderr
    graded, again = json.loads(result.stdout), json.loads(healed.stdout)
    assert graded["verification"] == again["verification"] and graded["dimensions"] == again["dimensions"]


# --- homes, config and inputs the tool cannot use ----------------------------------------------------------------


def test_a_home_that_is_a_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.write_text("not a folder")
    one_line(run(home, "replay", str(SAMPLE)), str(home), "INTERVIEWER_HOME", "is a file")


def test_a_home_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    home = tmp_path / "file" / "home"
    one_line(run(home, "index"), str(home), "INTERVIEWER_HOME", "cannot create")


def test_a_read_only_home(tmp_path: Path, models: Path) -> None:
    home = make_home(tmp_path / "home", models)
    prefix: list[str] = []
    if os.geteuid() == 0:  # root writes anywhere; without the override capability the permission bits hold
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: a read-only folder cannot be made")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
    home.chmod(0o555)
    try:
        one_line(run(home, "practice", "--round", "system-design", prefix=prefix), str(home), "INTERVIEWER_HOME",
                 "cannot write")
    finally:
        home.chmod(0o755)


def test_an_empty_home_variable_means_the_default_home(tmp_path: Path, models: Path) -> None:
    data = tmp_path / "xdg"
    make_home(data / "interviewer", models)
    work = tmp_path / "work"
    work.mkdir()
    result = run("", "replay", str(SAMPLE), cwd=work, env={"XDG_DATA_HOME": str(data)})
    assert result.returncode == 0, result.stderr
    assert list(work.iterdir()) == []
    assert (data / "interviewer" / "cache" / "embeddings.sqlite").exists()


def test_a_config_file_that_is_not_utf8(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_bytes(b'model = "\xff\xfe"\n')
    one_line(run(home, "replay", str(SAMPLE)), "config.toml", "not UTF-8")


def test_eval_consistency_on_an_empty_list(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("[]")
    one_line(run(tmp_path / "home", "eval", "consistency", str(empty)), "empty.json", "no records")


@pytest.mark.parametrize("text", ["", "\n  \n\t\n\n"])
def test_practice_with_an_answers_file_without_answers(tmp_path: Path, text: str) -> None:
    home = tmp_path / "home"
    answers = tmp_path / "answers.txt"
    answers.write_text(text)
    one_line(run(home, "practice", "--round", "system-design", "--answers", str(answers)),
             str(answers), "no answers")
    assert not (home / "sessions").exists()  # no round was graded, no question marked as practised


def test_an_out_file_that_cannot_be_written_keeps_the_feedback(tmp_path: Path, shared_home: Path) -> None:
    (tmp_path / "file").write_text("x")
    out = tmp_path / "file" / "feedback.md"
    result = run(shared_home, "replay", str(SAMPLE), "--out", str(out))
    one_line(result, str(out), "cannot write", "is not a folder")
    assert result.stdout.startswith("# Feedback: System design")


# --- sessions and the model-call cache ---------------------------------------------------------------------------


def test_garbage_checkpoints_are_set_aside_a_new_round_runs_and_an_old_one_says_where_its_answers_are(
        tmp_path: Path, models: Path, prebuilt_index: Path) -> None:
    home = make_home(tmp_path / "home", models, prebuilt_index)
    answers = tmp_path / "answers.txt"
    answers.write_text("How many API keys are there?\n\n/quit\n")
    left = run(home, "practice", "--round", "system-design", "--question", "sd-rate-limiter", "--answers",
               str(answers))
    assert left.returncode == 0 and "Continue with: interviewer resume" in left.stdout, left.stderr
    session = next(p for p in (home / "sessions").iterdir() if p.is_dir())
    (home / "sessions" / "checkpoints.sqlite").write_bytes(os.urandom(30_000))
    answers.write_text("We keep a token bucket per key in Redis.\n\n/end\n")
    fresh = run(home, "practice", "--round", "system-design", "--answers", str(answers))
    assert fresh.returncode == 0 and "Transcript and feedback saved" in fresh.stdout, fresh.stderr
    assert (home / "sessions" / "checkpoints.sqlite.damaged").exists()
    old = run(home, "resume", session.name, "--answers", str(answers))
    one_line(old, session.name, "cannot be resumed", str(session / "transcript.jsonl"))
    assert "How many API keys are there?" in (session / "transcript.jsonl").read_text()


def test_a_session_log_with_garbage_lines_keeps_its_turns(tmp_path: Path) -> None:
    from interviewer.session import SessionStore

    session = SessionStore(tmp_path).create(round="system-design", level="L5", company=None,
                                            question="sd-rate-limiter", minutes=45)
    session.log_turn({"id": 1, "speaker": "Maya", "role": "interviewer", "text": "Go on?"})
    with open(session.log_path, "ab") as handle:
        handle.write(b"\xff\xfe garbage\n42\n[1, 2]\n{\"id\": \"x\"}\n{\"id\": 2, \"role\": \"cand")
    assert [turn["id"] for turn in session.logged_turns()] == [1]


def test_a_garbage_model_call_cache_is_set_aside(tmp_path: Path) -> None:
    from interviewer.llm.cache import CachedModel
    from interviewer.llm.scripted import ScriptedModel

    path = tmp_path / "model_calls.sqlite"
    path.write_bytes(os.urandom(30_000))
    cache = CachedModel(ScriptedModel(default="an answer"), path)
    assert cache.complete([{"role": "user", "content": "hello"}], system="s") == "an answer"
    assert path.with_name("model_calls.sqlite.damaged").exists()
