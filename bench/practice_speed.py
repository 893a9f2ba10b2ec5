"""Practice speed with the offline engine.

1. First question on screen: `interviewer practice ...` started in a pty; time until the opening question is
   printed. With a home as the install leaves it (model exported, index built), and with no index at all
   (the very first run: the index is built in the background while the candidate reads). Target: <= 1.0 s.
2. Per-turn overhead: from an answer submitted to the next question ready (log the answer, run the graph's
   analyze/plan/speak steps with detection and retrieval, checkpoint to SQLite, log the question), over a
   40-turn round once the retrieval stack is loaded. Target: p95 <= 50 ms.

    .venv/bin/python bench/practice_speed.py [--runs 5]
"""

from __future__ import annotations

import argparse
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
from interviewer.graph.state import turn  # noqa: E402
from interviewer.practice import Answer, BackgroundIndex, Engine, make_scene  # noqa: E402
from interviewer.rag.embeddings import Embedder  # noqa: E402
from interviewer.rag.index import CorpusIndex  # noqa: E402
from interviewer.session import SessionStore  # noqa: E402

COMMAND = ["-m", "interviewer", "practice", "--round", "system-design", "--level", "L5", "--company", "faang",
           "--question", "sd-url-shortener"]
ANSWERS = [
    "How many links a month, and how long do they live?",
    "About 46 writes per second and 4,600 redirects per second on average, 20,000 at peak.",
    "An API tier, a key generation service, a key-value store and a cache in front.",
    "I'd keep hot links in Redis with a TTL and expect a ninety percent hit rate.",
    "If a cache node dies the replica takes over and we fall back to the database.",
    "I'd shard by the hash of the code and replicate each shard three ways.",
    "I'd alert on p99 redirect latency, error rate and cache hit rate.",
    "I would not build custom analytics dashboards in the first version.",
]


def first_question(home: Path) -> float:
    env = {**os.environ, "INTERVIEWER_HOME": str(home), "PROMPT_TOOLKIT_NO_CPR": "1"}
    started = time.perf_counter()
    child = pexpect.spawn(sys.executable, COMMAND, env=env, encoding="utf-8", timeout=60, dimensions=(40, 200))
    child.expect("Here's the problem")
    elapsed = time.perf_counter() - started
    child.expect("›")
    child.send("/quit\r")
    child.expect(pexpect.EOF)
    child.close()
    return elapsed


def per_turn(home: Path, turns: int) -> list[float]:
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
        while len(timings) < turns and (pending := engine.pending()) is not None:
            text = f"{ANSWERS[answered % len(ANSWERS)]} (point {answered})"
            answered += 1
            started = time.perf_counter()
            session.log_turn(turn(pending["turn"] + 1, "Candidate", "candidate", text))
            for _ in engine.submit(Answer(text=text, seconds=5)):
                pass
            for item in engine.new_interviewer_turns:
                session.log_turn(item)
            following = engine.pending()
            if following is None:
                break
            session.log_turn(turn(following["turn"], "Maya", "interviewer", following["text"]))
            timings.append(time.perf_counter() - started)
    store.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ready = Path(tmp) / "ready"
        settings = Settings(home=ready)
        embedder = Embedder(settings.cache_dir / "embeddings.sqlite", settings.cache_dir / "models")
        CorpusIndex(settings.index_dir, REPO_ROOT / "rag_corpus", embedder).build()
        installed = [first_question(ready) for _ in range(args.runs)]
        print(f"first question, installed home: median {statistics.median(installed):.2f} s, "
              f"max {max(installed):.2f} s (target <= 1.0 s)")
        cold = []
        for run in range(args.runs):
            home = Path(tmp) / f"no-index-{run}"
            (home / "cache").mkdir(parents=True)
            (home / "cache" / "models").symlink_to(settings.cache_dir / "models")
            cold.append(first_question(home))
        print(f"first question, no index yet: median {statistics.median(cold):.2f} s, max {max(cold):.2f} s "
              f"(target <= 1.0 s)")
        timings = sorted(per_turn(ready, 40))
        p95 = timings[int(0.95 * (len(timings) - 1))]
        print("sorted turn times (ms):", [round(t * 1000) for t in timings])
        print(f"per-turn overhead over {len(timings)} turns: p50 {statistics.median(timings) * 1000:.0f} ms, "
              f"p95 {p95 * 1000:.0f} ms, max {timings[-1] * 1000:.0f} ms (target p95 <= 50 ms)")


if __name__ == "__main__":
    main()
