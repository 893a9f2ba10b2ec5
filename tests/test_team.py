"""Team mode on real engines: sessions in a real PostgreSQL, the index on a real `chroma run` server."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.errors import UserError
from interviewer.rag.embeddings import Embedder
from interviewer.rag.index import CorpusIndex
from interviewer.session_postgres import PostgresStore, redacted
from interviewer.types import Transcript

from .conftest import CORPUS, cli_env, make_home

FIRST = ["How many new links per month, and what is the read to write ratio?",
         "So 120 million new links a month is about 46 writes per second, and at a hundred reads per write that is "
         "4,600 redirects per second.",
         "An API tier behind a load balancer, a key generation service handing out base62 codes, a key-value store "
         "mapping code to URL, and a cache in front for the hot links."]
LAST = "I would keep the hottest links in Redis with a TTL and expect a ninety percent hit rate."


@pytest.fixture(scope="module")
def served_index(chroma_url: str, models: Path, index_vectors: Path, prebuilt_index: Path) -> str:
    """The corpus index built into the Chroma server (vectors from the session's cache: nothing re-embedded)."""
    CorpusIndex(Path("/nonexistent-unused"), CORPUS, Embedder(index_vectors, models), chroma_url).build()
    return chroma_url


@pytest.fixture
def store(postgres_url: str) -> Iterator[PostgresStore]:
    opened = PostgresStore(postgres_url, "ada")
    yield opened
    opened.close()


def team_home(root: Path, models: Path, index_vectors: Path) -> Path:
    """A tool home on another machine: no index, an embedding cache like any home after some use."""
    home = make_home(root, models)
    shutil.copy(index_vectors, home / "cache" / "embeddings.sqlite")
    return home


def run(home: Path, urls: dict[str, str], *args: str, answers: list[str] | None = None,
        tmp: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "interviewer", *args]
    if answers is not None and tmp is not None:
        path = tmp / f"answers-{len(list(tmp.glob('answers-*')))}.txt"
        path.write_text("\n\n".join(answers) + "\n")
        command += ["--answers", str(path)]
    return subprocess.run(command, capture_output=True, text=True, env={**cli_env(home), **urls}, timeout=300)


def test_a_round_started_on_one_machine_is_resumed_on_another(postgres_url: str, served_index: str, models: Path,
                                                             index_vectors: Path, tmp_path: Path) -> None:
    urls = {"INTERVIEWER_DATABASE_URL": postgres_url, "INTERVIEWER_CHROMA_URL": served_index,
            "INTERVIEWER_CANDIDATE": "grace"}
    home_a = team_home(tmp_path / "a", models, index_vectors)
    home_b = team_home(tmp_path / "b", models, index_vectors)

    started = run(home_a, urls, "practice", "--round", "system-design", "--level", "L6", "--question",
                  "sd-url-shortener", answers=[*FIRST, "/quit"], tmp=tmp_path)
    assert started.returncode == 0, started.stderr
    session_id = re.search(r"Continue with: interviewer resume (\S+)\]", started.stdout).group(1)
    assert not (home_a / "sessions").exists() and not (home_a / "index").exists()  # nothing in the home

    listed = run(home_b, urls, "sessions")
    assert listed.returncode == 0, listed.stderr
    line = next(line for line in listed.stdout.splitlines() if line.startswith(session_id))
    assert line.split()[-2:] == ["7", "active"]  # opening, three answers, three replies

    resumed = run(home_b, urls, "resume", session_id, answers=[LAST, "/end"], tmp=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    pending = started.stdout.split("Maya: ")[-1].split("\n\n")[0]
    assert f"Maya: {pending}" in resumed.stdout.split(f"Candidate: {LAST}")[0]  # where the round stood
    assert "# Feedback: System design, target L6" in resumed.stdout
    assert f"Transcript and feedback saved in the session database (session {session_id})" in resumed.stdout

    grace = PostgresStore(postgres_url, "grace")
    try:
        session = grace.get(session_id)
        assert session.meta.status == "finished"
        answers = [t["text"] for t in session.logged_turns() if t["role"] == "candidate"]
        assert answers == [*FIRST, LAST]
        markdown = session.feedback_markdown()
        assert markdown is not None and "**Verdict at L6:" in markdown
        with grace._pool.connection() as connection:
            row = connection.execute("SELECT transcript FROM interviewer_sessions WHERE owner = 'grace' AND id = %s",
                                     (session_id,)).fetchone()
        transcript = Transcript.model_validate_json(row["transcript"] if isinstance(row["transcript"], str)
                                                    else json.dumps(row["transcript"]))
        assert [t.text for t in transcript.turns if t.role == "candidate"] == [*FIRST, LAST]
    finally:
        grace.close()

    stranger = {**urls, "INTERVIEWER_CANDIDATE": "mallory"}
    assert "No sessions yet" in run(home_b, stranger, "sessions").stdout
    refused = run(home_b, stranger, "resume", session_id)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines()[-1] == (f"interviewer: no session {session_id!r} "
                                                       "(see 'interviewer sessions')")


def test_turns_are_committed_once_and_owners_never_meet(store: PostgresStore, postgres_url: str) -> None:
    session = store.create(round="statistics", level="L5", company=None, question="st-ab-test-design", minutes=30)
    turn = {"id": 2, "speaker": "Candidate", "role": "candidate", "text": "I'd size the test first."}
    session.log_turn(turn)
    session.log_turn({**turn, "text": "a second write of the same turn is ignored"})
    other = PostgresStore(postgres_url, "ben")  # another connection sees it at once: committed
    try:
        assert store.get(session.meta.id).logged_turns() == [turn]
        assert store.turn_counts()[session.meta.id] == 1 and session.meta.id not in other.turn_counts()
        assert [s.meta.id for s in other.all()] == [s.meta.id for s in other.all() if s.meta.owner == "ben"]
        with pytest.raises(UserError, match="no session"):
            other.get(session.meta.id)
        twin = other.create(round="statistics", level="L5", company=None, question="st-ab-test-design", minutes=30)
        assert twin.thread_id != session.thread_id and twin.thread_id.startswith("ben/")
    finally:
        other.close()


def test_a_bad_database_url_is_one_line(tmp_path: Path, models: Path) -> None:
    home = make_home(tmp_path / "home", models)
    result = run(home, {"INTERVIEWER_DATABASE_URL": "postgresql://ada:secret@127.0.0.1:1/nowhere"}, "sessions")
    assert result.returncode == 2
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith("interviewer: cannot connect to the session database postgresql://ada:***@127.0.0.1:1/")
    assert redacted("postgresql://u:p@h/d") == "postgresql://u:***@h/d"


RETRIEVE = """
import json, sys
from pathlib import Path
from interviewer.config import get_settings
from interviewer.rag.embeddings import default_embedder
from interviewer.rag.index import corpus_index
index = corpus_index(get_settings(), default_embedder())
hits = index.retrieve("token bucket refill rate per user", round="system-design", k=3)
print(json.dumps({"current": index.is_current(), "sources": [h.source for h in hits], "where": index.place.location}))
"""


def test_the_index_on_a_chroma_server_serves_two_processes(served_index: str, models: Path, index_vectors: Path,
                                                           tmp_path: Path) -> None:
    env = {"INTERVIEWER_CHROMA_URL": served_index}
    processes = [subprocess.Popen([sys.executable, "-c", RETRIEVE], stdout=subprocess.PIPE, text=True,
                                  env={**cli_env(team_home(tmp_path / f"m{n}", models, index_vectors)), **env})
                 for n in range(2)]
    outputs = [json.loads(p.communicate(timeout=120)[0]) for p in processes]
    assert all(p.returncode == 0 for p in processes)
    assert outputs[0] == outputs[1]
    assert outputs[0]["current"] is True and outputs[0]["where"] == f"the Chroma server at {served_index}"
    assert len(outputs[0]["sources"]) == 3 and any("rate-limit" in s for s in outputs[0]["sources"])
    assert not (tmp_path / "m0" / "index" / "chroma").exists()


def test_index_command_builds_into_the_server(served_index: str, models: Path, index_vectors: Path,
                                              tmp_path: Path) -> None:
    result = run(team_home(tmp_path / "home", models, index_vectors), {"INTERVIEWER_CHROMA_URL": served_index}, "index")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Index up to date: ")  # the manifest lives on the server, not in the home


def test_a_bad_chroma_url_is_one_line(tmp_path: Path, models: Path) -> None:
    result = run(make_home(tmp_path / "home", models), {"INTERVIEWER_CHROMA_URL": "localhost:8000"}, "index")
    assert result.returncode == 2
    assert result.stderr.strip() == ("interviewer: INTERVIEWER_CHROMA_URL: 'localhost:8000' is not an http://host:port "
                                     "URL")
