"""`interviewer practice`, `sessions` and `resume`, end to end, including kill -9 at random points."""

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from interviewer.conversation import split_answers

from .conftest import cli_env, make_home

ANSWERS = """How many new links per month, and what's the read to write ratio?

So 120 million new links a month is about 46 writes per second, and at a hundred reads per write that's
4,600 redirects per second on average, maybe 20,000 at peak.

/time

An API tier behind a load balancer, a key generation service handing out base62 codes,
a key-value store mapping code to URL, and a cache in front for the hot links.

/hint

I'd keep the hottest links in Redis with a TTL and expect a ninety percent hit rate.

If a cache node dies its replica takes over, and we fall back to the database while it warms up.

/end
"""


def practice(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "interviewer", "practice", *args], input=stdin,
                          capture_output=True, text=True, env=cli_env(home), timeout=300)


@pytest.fixture
def home(tmp_path: Path, models: Path, prebuilt_index: Path) -> Path:
    return make_home(tmp_path / "home", models, prebuilt_index)


def sessions_in(home: Path) -> list[Path]:
    return sorted(p for p in (home / "sessions").iterdir() if p.is_dir())


def test_practice_from_an_answers_file(home: Path, tmp_path: Path) -> None:
    answers = tmp_path / "answers.txt"
    answers.write_text(ANSWERS)
    result = practice(home, "--round", "system-design", "--level", "L6", "--company", "faang",
                      "--question", "sd-url-shortener", "--answers", str(answers))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Maya: Hi, I'm Maya, a staff engineer on the storage platform team. This is a 45-minute "
                          "system design round.")
    assert "Marketing teams want to share links" in out  # the L6 prompt leaves the scope open
    assert "Candidate: How many new links per month" in out
    assert re.search(r"▶ (Clarify requirements|Estimate) ", out) and "total left" in out  # /time, early on
    assert "Candidate: /hint" in out
    assert "Maya: Let's stop there, a little ahead of time." in out  # /end with time left: not "That's time"
    assert "# Feedback: System design, target L6, faang" in out and "Hints taken: 1" in out
    folder = sessions_in(home)[0]
    assert out.rstrip().endswith(f"Transcript and feedback saved in {folder}")
    transcript = json.loads((folder / "transcript.json").read_text())
    candidate = [t["text"] for t in transcript["turns"] if t["role"] == "candidate"]
    assert candidate == [a for a in split_answers(ANSWERS) if not a.startswith("/")]
    assert "multi" not in candidate[1] and "\n" in candidate[1]  # a multi-line answer stays one turn
    for name in ("feedback.md", "feedback.json", "transcript.md", "transcript.jsonl"):
        assert (folder / name).exists()
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["status"] == "finished" and meta["elapsed"] > 0  # the round's clock when it ended
    assert json.loads((folder / "meta.json").read_text())["status"] == "finished"


def test_answers_on_stdin_and_the_sessions_list(home: Path) -> None:
    result = practice(home, "--round", "ml-system-design", "--level", "L5", "--minutes", "20",
                      stdin="I'd start from the business goal: what are we optimising?\n\n/end\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Arjun: ")
    listing = subprocess.run([sys.executable, "-m", "interviewer", "sessions"], capture_output=True, text=True,
                             env=cli_env(home))
    lines = listing.stdout.splitlines()
    assert lines[0].split() == ["id", "started", "round", "level", "question", "turns", "status"]
    assert len(lines) == 2 and "ml-system-design" in lines[1] and lines[1].endswith("finished")
    assert int(lines[1].split()[-2]) >= 2  # the opening question and the answer at least


def test_quit_then_resume_continues_where_it_stopped(home: Path, tmp_path: Path) -> None:
    first = practice(home, "--round", "system-design", "--question", "sd-chat",
                     stdin="Is this one-to-one chat only, or groups too?\n\n/quit\n")
    assert first.returncode == 0, first.stderr
    session = sessions_in(home)[0].name
    assert f"Saved. Continue with: interviewer resume {session}" in first.stdout
    rest = tmp_path / "rest.txt"
    rest.write_text("Then I'd start with one-to-one delivery over websockets and a message store.\n\n/end\n")
    resumed = subprocess.run([sys.executable, "-m", "interviewer", "resume", "--answers", str(rest)],
                             capture_output=True, text=True, env=cli_env(home), timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert "model offline (the model the round began with)" in resumed.stderr
    assert resumed.stdout.startswith(f"[Resuming session {session}: system-design, L5, question sd-chat]")
    assert "Candidate: Is this one-to-one chat only, or groups too?" in resumed.stdout  # the conversation so far
    transcript = json.loads((sessions_in(home)[0] / "transcript.json").read_text())
    assert [t["text"] for t in transcript["turns"] if t["role"] == "candidate"] == [
        "Is this one-to-one chat only, or groups too?",
        "Then I'd start with one-to-one delivery over websockets and a message store."]
    again = subprocess.run([sys.executable, "-m", "interviewer", "resume", session], capture_output=True,
                           text=True, env=cli_env(home))
    assert again.returncode == 2 and "is finished" in again.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--round", "system-design", "--question", "nope"], "no question 'nope' for system-design"),
        (["--round", "system-design", "--minutes", "1"], "is not in the range 5<=x<=120"),
        (["--round", "system-design", "--answers", "missing.txt"], "missing.txt: no such file"),
    ],
)
def test_practice_user_errors(home: Path, args: list[str], message: str) -> None:
    result = practice(home, *args, stdin="")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr


def test_resume_without_sessions(home: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "interviewer", "resume"], capture_output=True, text=True,
                            env=cli_env(home))
    assert result.returncode == 2 and "no unfinished session" in result.stderr


KILL_ANSWERS = [
    "How many new links per month, and how long do links live?",
    "So about 46 writes per second and 4,600 redirects per second on average, 20,000 at peak.",
    "An API tier behind a load balancer, a key generation service, a key-value store and a cache.",
    "I'd keep the hottest links in Redis with a TTL and expect a ninety percent hit rate.",
    "If a cache node dies its replica takes over, and we fall back to the database while it warms up.",
    "I'd shard the store by the hash of the short code and replicate each shard three ways.",
    "For monitoring I'd alert on redirect p99 latency, error rate and cache hit rate.",
    "I would not build custom analytics dashboards in the first version.",
]


def test_kill_at_random_points_then_resume_loses_nothing_and_repeats_nothing(home: Path, tmp_path: Path) -> None:
    """Kill -9 the process at 24 random points of its rounds (while it starts, between answers, mid-answer);
    every submitted answer survives, in order, once; no interviewer question appears twice; each round still
    ends in feedback."""
    rng = random.Random(20261121)
    kills = 0
    rounds = 0
    killed_at: list[int] = []
    """Per kill, how many answers the session had logged by then (-1: killed before the session existed)."""
    while kills < 24:
        rounds += 1
        answers_file = tmp_path / f"answers-{rounds}.txt"
        command = ["practice", "--round", "system-design", "--question", "sd-url-shortener"]
        session = None
        finished = False
        while not finished:
            logged = []
            if session is not None:
                logged = [t["text"] for t in _log(session) if t["role"] == "candidate"]
            remaining = KILL_ANSWERS[len(logged):]
            answers_file.write_text("\n\n".join(remaining + ["/end"]) + "\n")
            args = (command if session is None else ["resume", session.name]) + ["--answers", str(answers_file)]
            known = _sessions(home)
            process = subprocess.Popen([sys.executable, "-m", "interviewer", *args], env=cli_env(home),
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if kills < 24 and rng.random() < 0.85:
                # a random point of this run, whatever the machine's speed: while it starts up, or just after it
                # logged its `more`-th answer (the moment between the log and the graph hearing of it)
                more = rng.randint(0, len(remaining))
                deadline = time.monotonic() + 120
                while more and process.poll() is None and time.monotonic() < deadline:
                    current = session or next(iter(_sessions(home) - known), None)
                    if current is not None and _answers(current) >= len(logged) + more:
                        break
                    time.sleep(0.005)
                time.sleep(rng.uniform(0.0, 0.03) if more else rng.uniform(0.3, 2.0))
                if process.poll() is None:
                    os.kill(process.pid, signal.SIGKILL)
                    kills += 1
            out, err = process.communicate(timeout=300)
            session = session or next(iter(_sessions(home) - known), None)
            if process.returncode == -signal.SIGKILL:
                killed_at.append(-1 if session is None else _answers(session))
            finished = session is not None and json.loads((session / "meta.json").read_text())["status"] == "finished"
            if process.returncode not in (0, -signal.SIGKILL):
                raise AssertionError(f"exit {process.returncode} in round {rounds}: {err}")
        transcript = json.loads((session / "transcript.json").read_text())
        candidate = [t["text"] for t in transcript["turns"] if t["role"] == "candidate"]
        where = f"round {rounds}, session {session.name}, after {kills} kills"  # a failure says which run
        assert candidate == KILL_ANSWERS[: len(candidate)] and len(candidate) == len(KILL_ANSWERS), (where, candidate)
        interviewer = [t["text"] for t in transcript["turns"] if t["role"] == "interviewer"]
        assert len(interviewer) == len(set(interviewer)), (where, interviewer)
        assert [t["id"] for t in transcript["turns"]] == list(range(1, len(transcript["turns"]) + 1)), where
        assert (session / "feedback.json").exists(), where
    # the kills landed at many points of a round, mid-answer sequence included, not only while starting up
    assert len(set(killed_at)) >= 4 and max(killed_at) >= 3, killed_at


def _sessions(home: Path) -> set[Path]:
    folder = home / "sessions"
    return {path for path in folder.iterdir() if path.is_dir()} if folder.exists() else set()


def _answers(session: Path) -> int:
    return sum(turn["role"] == "candidate" for turn in _log(session))


def _log(session: Path) -> list[dict]:  # type: ignore[type-arg]
    path = session / "transcript.jsonl"
    if not path.exists():
        return []
    turns = []
    for line in path.read_text().splitlines():
        try:
            turns.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    return turns


def test_ml_coding_runs_pasted_code_against_the_hidden_tests(home: Path, tmp_path: Path) -> None:
    """A failing edge case drives the next follow-up; the final code's results are evidence in the feedback."""
    naive = ("Here's my first version:\n```python\nimport math\ndef softmax_cross_entropy(logits, labels):\n"
             "    probs, total = [], 0.0\n    for row, label in zip(logits, labels):\n"
             "        exps = [math.exp(x) for x in row]\n        s = sum(exps)\n"
             "        probs.append([e / s for e in exps])\n        total += -math.log(probs[-1][label])\n"
             "    return probs, total / len(logits)\n```")
    fixed = ("Fixed: guard the empty batch and subtract the row max.\n```python\nimport math\n"
             "def softmax_cross_entropy(logits, labels):\n    if not logits:\n        return [], 0.0\n"
             "    probs, total = [], 0.0\n    for row, label in zip(logits, labels):\n        top = max(row)\n"
             "        exps = [math.exp(x - top) for x in row]\n        s = sum(exps)\n"
             "        probs.append([e / s for e in exps])\n        total += -(row[label] - top - math.log(s))\n"
             "    return probs, total / len(logits)\n```")
    answers = tmp_path / "code.txt"
    answers.write_text("\n\n".join([naive.replace("\n\n", "\n"), fixed, "/end"]) + "\n")
    result = practice(home, "--round", "ml-coding", "--level", "L5", "--question", "code-softmax-cross-entropy",
                      "--answers", str(answers))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "5/8 tests passed" in out and "empty batch case (edge)" in out and "error: ZeroDivisionError" in out
    assert re.search(r"all 8 pass|All 8 hidden tests pass|green, 8 out of 8", out), out
    feedback = json.loads((sessions_in(home)[0] / "feedback.json").read_text())
    correctness = next(d for d in feedback["dimensions"] if d["dimension"] == "correctness")
    claim = correctness["claims"][0]
    assert claim["text"] == "Hidden tests: 8/8 tests passed" and claim["verified"]
    assert claim["evidence"][0]["quote"] == "def softmax_cross_entropy(logits, labels):"
    assert correctness["score"] >= 3 and "Hidden tests: 8/8 passed" in correctness["rationale"]


def test_review_fixes_bad_environment_corrupt_sessions_and_question_rounds(home: Path) -> None:
    bad_env = subprocess.run([sys.executable, "-m", "interviewer", "sessions"], capture_output=True, text=True,
                             env={**cli_env(home), "INTERVIEWER_TIMEOUT": "soon"})
    assert bad_env.returncode == 2 and bad_env.stderr.startswith("interviewer: INTERVIEWER_TIMEOUT: ")
    assert bad_env.stderr.count("\n") == 1
    ok = practice(home, "--question", "code-kmeans", stdin="/end\n")  # the question decides the round
    assert ok.returncode == 0 and ok.stdout.startswith("Kofi: "), ok.stderr
    broken = home / "sessions" / "20990101-000000-dead"
    broken.mkdir(parents=True)
    (broken / "meta.json").write_text("{not json")
    listing = subprocess.run([sys.executable, "-m", "interviewer", "sessions"], capture_output=True, text=True,
                             env=cli_env(home))
    assert listing.returncode == 0 and "code-kmeans" in listing.stdout and "dead" not in listing.stdout
    resumed = subprocess.run([sys.executable, "-m", "interviewer", "resume", broken.name], capture_output=True,
                             text=True, env=cli_env(home))
    assert resumed.returncode == 2 and "unreadable session metadata" in resumed.stderr


def test_resume_logs_the_question_it_shows_again(home: Path) -> None:
    first = practice(home, "--round", "system-design", "--question", "sd-chat",
                     stdin="We start with one-to-one chat over websockets.\n\n/quit\n")
    assert first.returncode == 0, first.stderr
    folder = sessions_in(home)[0]
    log = folder / "transcript.jsonl"
    lines = log.read_text().splitlines()
    log.write_text("\n".join(lines[:-1]) + "\n")  # as if the process died before logging the next question
    resumed = subprocess.run([sys.executable, "-m", "interviewer", "resume"], input="/quit\n", capture_output=True,
                             text=True, env=cli_env(home), timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert log.read_text().splitlines() == lines


DIAGRAM = """flowchart LR
  client([Mobile client]) --> gw[API gateway]
  gw --> svc[Shortener service]
  svc --> cache[(Redis cache)]
  svc --> db[(Postgres)]
  svc --> scanner[Abuse scanner]
"""


def test_a_diagram_component_nobody_explained_draws_a_question(home: Path, tmp_path: Path) -> None:
    """The seed's architecture round: the candidate attaches a Mermaid diagram; the box never mentioned in words
    gets a question, the diagram stays in the transcript and is evidence in the feedback; a bad file is one line
    and the round goes on."""
    (tmp_path / "design.mmd").write_text(DIAGRAM)
    answers = tmp_path / "answers.txt"
    answers.write_text(
        "Is it read-heavy? I'll assume a hundred reads per write and 100 million new links a month.\n\n"
        f"/diagram {tmp_path / 'missing.mmd'}\n\n"
        "The client calls the API gateway, which routes to the shortener service. It stores the mapping in "
        "Postgres and keeps hot links in a Redis cache, so most redirects never reach the database.\n"
        f"/diagram {tmp_path / 'design.mmd'}\n\n"
        "It checks each new long URL against a list of known phishing domains before a code is handed out.\n\n"
        "/end\n")
    result = practice(home, "--round", "system-design", "--level", "L5", "--question", "sd-url-shortener",
                      "--answers", str(answers))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"[{tmp_path / 'missing.mmd'}: no such file; the round goes on without the diagram]" in out
    assert "[Diagram: design.mmd, Mermaid flowchart, 6 components, 5 connections]" in out
    assert "Your diagram has a box for Abuse scanner that we haven't talked about yet." in out
    folder = sessions_in(home)[0]
    turns = json.loads((folder / "transcript.json").read_text())["turns"]
    drawn = next(t for t in turns if "[Diagram: design.mmd" in t["text"])
    assert drawn["role"] == "candidate" and drawn["text"].startswith("The client calls the API gateway")
    asked = next(t for t in turns if "Abuse scanner that we haven't" in t["text"])
    assert asked["role"] == "interviewer" and asked["id"] == drawn["id"] + 1
    feedback = json.loads((folder / "feedback.json").read_text())
    design = next(d for d in feedback["dimensions"] if d["dimension"] == "high-level-design")
    claim = next(c for c in design["claims"] if c["text"].startswith("Drew the design as a diagram"))
    assert claim["verified"] and claim["evidence"][0]["turn_id"] == drawn["id"]
    assert claim["evidence"][0]["quote"] in drawn["text"]


def test_ml_fundamentals_challenges_a_misconception_and_credits_the_correction(home: Path, tmp_path: Path) -> None:
    answers = tmp_path / "answers.txt"
    wrong = ("At inference it works the same way, it just computes the mean and variance of whatever test batch "
             "comes in.")
    answers.write_text(
        "Batch norm subtracts the mini-batch mean of each channel, divides by the mini-batch standard deviation, "
        "and then applies a learned gamma and beta.\n\n"
        f"{wrong}\n\n"
        "With a batch of one the variance is zero, so that can't be right. Let me correct that: in eval mode it "
        "uses the running mean and variance accumulated during training.\n\n/end\n")
    result = practice(home, "--round", "ml-fundamentals", "--level", "L5", "--question", "mlf-batch-norm",
                      "--answers", str(answers))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Ines: Hi, I'm Ines, a research engineer")
    assert "Suppose a request arrives alone, a batch of one." in out
    challenge = out[out.index(wrong) + len(wrong):]
    assert challenge.index("Suppose a request arrives alone") < challenge.index("Candidate:")  # the very next turn
    feedback = json.loads((sessions_in(home)[0] / "feedback.json").read_text())
    accuracy = next(d for d in feedback["dimensions"] if d["dimension"] == "conceptual-accuracy")
    corrected = next(c for c in accuracy["claims"] if c["text"].startswith("Corrected a misconception"))
    assert corrected["verified"] and corrected["evidence"][0]["quote"] == wrong


def test_a_first_run_is_a_home_without_the_model_or_its_own_index(tmp_path: Path) -> None:
    """The setup notice is for a home that must still export the model or embed the corpus; an index on a Chroma
    server is not built here."""
    from interviewer.config import Settings
    from interviewer.practice import first_run
    from interviewer.rag.index import MANIFEST
    from interviewer.rag.onnx_model import int8_path

    settings = Settings(home=tmp_path)
    assert first_run(settings)
    model = int8_path(settings.cache_dir / "models")
    model.parent.mkdir(parents=True)
    model.write_bytes(b"")
    assert first_run(settings)
    assert not first_run(Settings(home=tmp_path, chroma_url="http://localhost:8000"))
    settings.index_dir.mkdir()
    (settings.index_dir / MANIFEST).write_text("{}")
    assert not first_run(settings)


def test_a_shared_index_is_started_once_and_a_failed_load_leaves_retrieval_empty() -> None:
    """A server's rounds share one index: each round starts it, and a load that failed (a damaged index) must
    not make the next round fail with 'threads can only be started once'."""
    from interviewer.practice import BackgroundIndex

    class Broken:
        loads = 0

        def ensure(self, cancel: object) -> None:
            Broken.loads += 1
            raise OSError("damaged index")

    index = BackgroundIndex(Broken())  # type: ignore[arg-type]
    assert not index.wait(5)
    index.start()
    index.start()
    assert Broken.loads == 1 and index.retrieve("sharding") == []
    index.close()
