"""Turn latency of `interviewer serve` under 20 concurrent browser-less sessions, with SQLite and with PostgreSQL.

Starts `interviewer serve` on a free loopback port (sessions in a fresh home, the index and caches of yours),
then 20 candidates at once (`interviewer.web.client.WebCandidate`, the page's own API and event stream) each
start a system design round and give the same answers. A turn's latency is from the answer posted to the next
question complete on the stream (the interviewer waiting again): the answer logged, the graph's analyze, plan
and speak steps, the checkpoint, the question logged. The round's opening and its grading are left out. Then
the same against a throw-away PostgreSQL (`INTERVIEWER_DATABASE_URL`).

    .venv/bin/python bench/serve_concurrency.py [--sessions 20] [--answers 6]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.config import get_settings  # noqa: E402
from interviewer.engines import EngineMissing, postgres, served  # noqa: E402
from interviewer.web.client import WebCandidate  # noqa: E402

ANSWERS = [
    "How many new links per month, and what's the read to write ratio?",
    "So 120 million new links a month is about 46 writes per second, and at a hundred reads per write that's "
    "4,600 redirects per second on average, maybe 20,000 at peak.",
    "An API tier behind a load balancer, a key generation service handing out base62 codes, a key-value store "
    "mapping code to URL, and a cache in front for the hot links.",
    "I'd keep the hottest links in Redis with a TTL and expect a ninety percent hit rate.",
    "If a cache node dies its replica takes over, and we fall back to the database while it warms up.",
    "Analytics go through a queue to a columnar store, so the redirect path never waits on them.",
    "For abuse we check new URLs against a blocklist and rate-limit link creation per account.",
    "The trade-off is consistency of click counts against redirect latency; I'd accept counts a minute behind.",
]


def candidate(url: str, answers: int, latencies: list[float], failures: list[str], lock: threading.Lock) -> None:
    try:
        with WebCandidate(url) as person:
            person.start(round="system-design", level="L5", company="faang", minutes=45,
                         question="sd-url-shortener")
            for number in range(answers):
                started = time.perf_counter()
                events = person.say(ANSWERS[number % len(ANSWERS)])
                took = time.perf_counter() - started
                if events[-1]["type"] != "waiting":
                    raise RuntimeError(f"turn {number}: the round ended with {events[-1]}")
                with lock:
                    latencies.append(took)
            person.say("/quit")
    except Exception as error:  # noqa: BLE001 - a failed session is counted and reported, the rest go on
        with lock:
            failures.append(f"{type(error).__name__}: {error}")


def run(label: str, env: dict[str, str], sessions: int, answers: int) -> None:
    log = Path(env["INTERVIEWER_HOME"]) / f"serve-{label.split()[0]}.log"
    with served(env, log_path=log) as url:
        latencies: list[float] = []
        failures: list[str] = []
        lock = threading.Lock()
        started = time.perf_counter()
        threads = [threading.Thread(target=candidate, args=(url, answers, latencies, failures, lock))
                   for _ in range(sessions)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    ordered = sorted(latencies)
    if not ordered:
        print(f"{label}: no turn completed ({'; '.join(failures[:3])})")
        return
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"{label}: {sessions} sessions x {answers} answers, {len(ordered)} turns in {wall:.1f} s: "
          f"turn latency p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
          f"max {ordered[-1] * 1000:.0f} ms; {len(failures)} sessions failed")
    for failure in failures[:3]:
        print(f"  failed: {failure}")
    if failures:
        print("  the server said:", log.read_text()[-3000:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--answers", type=int, default=6)
    args = parser.parse_args()
    mine = get_settings()
    if not (mine.index_dir / "chroma").exists():
        sys.exit(f"no index in {mine.index_dir}: run 'interviewer index' first")
    with tempfile.TemporaryDirectory(prefix="interviewer-bench-") as folder:
        home = Path(folder)
        (home / "cache").symlink_to(mine.cache_dir, target_is_directory=True)
        (home / "index").symlink_to(mine.index_dir, target_is_directory=True)
        env = {**os.environ, "INTERVIEWER_HOME": str(home)}
        env.pop("INTERVIEWER_DATABASE_URL", None)
        print(f"{os.cpu_count()} CPUs; offline engine; {args.sessions} concurrent sessions")
        run("SQLite (sessions and checkpoints in the home)", env, args.sessions, args.answers)
        try:
            with postgres() as url:
                run("PostgreSQL (fsync off, loopback)", {**env, "INTERVIEWER_DATABASE_URL": url}, args.sessions,
                    args.answers)
        except EngineMissing as missing:
            print(f"PostgreSQL: skipped ({missing})")


if __name__ == "__main__":
    main()
