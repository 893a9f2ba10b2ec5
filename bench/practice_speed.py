"""Practice speed with the offline engine, in a real terminal (pexpect) and through the graph.

1. Start-up, in three kinds of home: as the install leaves it (model exported, index built), with no index yet,
   and brand new (nothing at all: the model is exported and quantised and the corpus embedded on this run).
   For each: time until the opening question is on screen, until the input line is open, until a first answer
   typed at once is on disk, and until the interviewer replies to it. Targets: input open <= 1 s (installed)
   and an answer taken within 2 s in any home.
2. Per turn in the terminal: from Enter to the interviewer's reply on screen, over a scripted round in an
   installed home.
3. Per turn in the graph: from an answer submitted to the next question ready (log the answer, the graph's
   analyze/plan/speak steps with detection, replies to questions, follow-up choice and retrieval, checkpoint to
   SQLite, log the question), over 40 turns once the retrieval stack is loaded. Target: p95 <= 100 ms.

    .venv/bin/python bench/practice_speed.py [--runs 3] [--fresh-runs 1] [--turns 40]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.catalog import load_catalog  # noqa: E402
from interviewer.config import REPO_ROOT, Settings  # noqa: E402
from interviewer.feedback.detector import embed_all_anchors  # noqa: E402
from interviewer.graph.state import turn  # noqa: E402
from interviewer.practice import Answer, BackgroundIndex, Engine, embed_round_texts, make_scene  # noqa: E402
from interviewer.rag.embeddings import Embedder  # noqa: E402
from interviewer.rag.index import CorpusIndex  # noqa: E402
from interviewer.session import SessionStore  # noqa: E402

COMMAND = ["-m", "interviewer", "practice", "--round", "system-design", "--level", "L5", "--company", "faang",
           "--question", "sd-url-shortener"]
FIRST_ANSWER = "How many links a month, and how long do links live?"
ANSWERS = [
    "How many links a month, and what's the read to write ratio?",
    "About 46 writes per second and 4,600 redirects per second on average, 20,000 at peak.",
    "An API tier, a key generation service, a key-value store and a cache in front.",
    "I'd keep hot links in Redis with a TTL and expect a ninety percent hit rate.",
    "If a cache node dies the replica takes over and we fall back to the database.",
    "I'd shard by the hash of the code and replicate each shard three ways.",
    "I'd alert on p99 redirect latency, error rate and cache hit rate.",
    "I would not build custom analytics dashboards in the first version.",
]


def spawn(home: Path) -> pexpect.spawn:
    env = {**os.environ, "INTERVIEWER_HOME": str(home), "PROMPT_TOOLKIT_NO_CPR": "1"}
    return pexpect.spawn(sys.executable, COMMAND, env=env, encoding="utf-8", timeout=300, dimensions=(40, 200))


def logged_answers(home: Path) -> int:
    logs = list((home / "sessions").glob("*/transcript.jsonl")) if (home / "sessions").exists() else []
    return sum(1 for line in logs[0].read_text().splitlines() if '"candidate"' in line) if logs else 0


def start_up(home: Path) -> dict[str, float]:
    """Seconds from launch to: the opening on screen, the input line open, a first answer on disk, the reply."""
    started = time.perf_counter()
    child = spawn(home)
    child.expect("Here's the problem")
    opening = time.perf_counter() - started
    child.expect("›")
    prompt = time.perf_counter() - started
    child.send(FIRST_ANSWER + "\r")
    while logged_answers(home) < 1:
        time.sleep(0.01)
    logged = time.perf_counter() - started
    child.expect("Maya:")
    reply = time.perf_counter() - started
    child.expect("›")
    child.send("/quit\r")
    child.expect(pexpect.EOF)
    child.close()
    return {"opening": opening, "prompt": prompt, "answer on disk": logged, "reply": reply}


def report(label: str, runs: list[dict[str, float]]) -> None:
    parts = [f"{key} {statistics.median(r[key] for r in runs):.2f} s" for key in runs[0]]
    print(f"{label} (median of {len(runs)}): " + ", ".join(parts))


def terminal_turns(home: Path) -> list[float]:
    """Enter to the interviewer's reply on screen, per answer, in a live round."""
    child = spawn(home)
    child.expect("›")
    time.sleep(3)  # let the interviewer get ready: this measures turns, not start-up
    timings = []
    for answer in ANSWERS:
        started = time.perf_counter()
        child.send(answer + "\r")
        child.expect("Maya:")
        timings.append(time.perf_counter() - started)
        child.expect("›")
    child.send("/quit\r")
    child.expect(pexpect.EOF)
    child.close()
    return timings


def graph_turns(home: Path, turns: int) -> list[float]:
    """Turn timings over as many sessions as it takes; the turn that ends a round (grading) is left out."""
    settings = Settings(home=home)
    catalog = load_catalog(settings.corpus)
    store = SessionStore(settings.sessions_dir)
    embedder = Embedder(settings.cache_dir / "embeddings.sqlite", settings.cache_dir / "models")
    embedder.warm()
    retriever = BackgroundIndex(CorpusIndex(settings.index_dir, settings.corpus, embedder))
    retriever.wait()
    timings: list[float] = []
    answered = 0
    while len(timings) < turns:
        session = store.create(round="system-design", level="L5", company="faang", question="sd-url-shortener",
                               minutes=45)
        engine = Engine(store, session, make_scene(catalog, session), embedder, retriever, catalog)
        engine.settle()
        clock = 0.0
        while len(timings) < turns and (pending := engine.pending()) is not None:
            text = f"{ANSWERS[answered % len(ANSWERS)]} (point {answered})"
            answered += 1
            clock += 60
            started = time.perf_counter()
            session.log_turn(turn(pending["turn"] + 1, "Candidate", "candidate", text))
            for _ in engine.submit(Answer(text=text, clock=clock)):
                pass
            for item in engine.new_interviewer_turns:
                session.log_turn(item)
            following = engine.pending()
            if following is None:
                break
            session.log_turn(turn(following["turn"], "Maya", "interviewer", following["text"]))
            timings.append(time.perf_counter() - started)
    retriever.close()
    store.close()
    return timings


def percentiles(label: str, timings: list[float], target: str) -> None:
    ordered = sorted(timings)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(f"{label} over {len(ordered)} turns: p50 {statistics.median(ordered) * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms ({target})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fresh-runs", type=int, default=1, help="brand-new homes (each exports the model)")
    parser.add_argument("--turns", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ready = Path(tmp) / "ready"
        settings = Settings(home=ready)
        embedder = Embedder(settings.cache_dir / "embeddings.sqlite", settings.cache_dir / "models")
        CorpusIndex(settings.index_dir, REPO_ROOT / "rag_corpus", embedder).build()
        catalog = load_catalog(REPO_ROOT / "rag_corpus")  # as `interviewer index` leaves the home
        embed_all_anchors(list(catalog.rubrics.values()), embedder)
        embed_round_texts(catalog, embedder)
        report("installed home", [start_up(ready) for _ in range(args.runs)])
        no_index = []
        for run in range(args.runs):
            home = Path(tmp) / f"no-index-{run}"
            (home / "cache").mkdir(parents=True)
            (home / "cache" / "models").symlink_to(settings.cache_dir / "models")
            no_index.append(start_up(home))
        report("no index and no embedding cache", no_index)
        fresh = [start_up(Path(tmp) / f"fresh-{run}") for run in range(args.fresh_runs)]
        if fresh:
            report("brand-new home (model export included)", fresh)
        percentiles("terminal: Enter to the reply on screen", terminal_turns(ready), "live round, installed home")
        percentiles("graph: answer to next question ready", graph_turns(ready, args.turns), "target p95 <= 100 ms")
        print(json.dumps({"sessions": len(list((ready / "sessions").glob("*")))}))


if __name__ == "__main__":
    main()
