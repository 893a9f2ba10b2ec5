"""Eval-run concurrency against a model with latency: the loopback OpenAI-compatible server (tests/fake_llm.py,
in its own process, as a real server would be) answers every call after 200 ms; 80 faithfulness verdicts go
through the real OpenAI SDK client, the on-disk model-call cache (cold) and the eval runner's bounded thread pool
at concurrency 16. Ideal: 16 / 0.2 s = 80 calls/s. Target: >= 75% of ideal. A second pass over the same claims
shows the cache answering instead.

    .venv/bin/python bench/eval_concurrency.py
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviewer.catalog import load_catalog  # noqa: E402
from interviewer.config import get_settings  # noqa: E402
from interviewer.evaluation.entailment import ModelEntailment  # noqa: E402
from interviewer.evaluation.runner import Runner  # noqa: E402
from interviewer.llm.cache import CachedModel  # noqa: E402
from interviewer.llm.factory import ModelChoice, get_model  # noqa: E402
from interviewer.rag.embeddings import Embedder  # noqa: E402
from tests.fake_llm import FakeLLMServer  # noqa: E402

LATENCY = 0.2
CONCURRENCY = 16
CALLS = 80


def verdict(request: Any) -> str:
    return json.dumps({"supported": True, "reason": "the evidence says so"})


def serve(connection: Connection, stop: Event) -> None:
    """The child process: start the server, send its base URL, serve until told to stop."""
    with FakeLLMServer(verdict, latency=LATENCY) as server:
        connection.send(server.openai_base_url)
        stop.wait()


def main() -> None:
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    stop = context.Event()
    process = context.Process(target=serve, args=(child, stop), daemon=True)
    process.start()
    try:
        measure(parent.recv())
    finally:
        stop.set()
        process.join(timeout=10)


def measure(base_url: str) -> None:
    settings = get_settings()
    catalog = load_catalog(settings.corpus)
    embedder = Embedder(None, settings.cache_dir / "models")
    claims = [(f"The candidate made point number {i} about caching.", [f"Sentence {i} about caching and Redis."])
              for i in range(CALLS)]
    with tempfile.TemporaryDirectory() as folder:
        inner = get_model(ModelChoice("openai/fake-model", base_url, "bench"),
                          environ={"OPENAI_API_KEY": "bench-key"})
        assert inner is not None
        model = CachedModel(inner, Path(folder) / "calls.sqlite", prompt_versions={"entailment": "bench"})
        backend = ModelEntailment(model)
        runner = Runner(settings, catalog, embedder, backend, model)
        backend.support("A warm-up claim.", ["A warm-up sentence."])  # the SDK's first call loads its modules
        for label in ("cold cache", "warm cache"):
            calls_before = inner.usage.calls
            started = time.perf_counter()
            results = runner.map(lambda item: backend.support(*item), claims, CONCURRENCY)
            elapsed = time.perf_counter() - started
            assert all(probability == 1.0 for probability, _ in results)
            sent = inner.usage.calls - calls_before
            rate = CALLS / elapsed
            ideal = CONCURRENCY / LATENCY
            print(f"{label}: {CALLS} verdicts in {elapsed:.2f} s, {sent} sent to the server: {rate:.1f} calls/s "
                  f"= {rate / ideal:.0%} of the ideal {ideal:.0f}/s at concurrency {CONCURRENCY} and "
                  f"{LATENCY * 1000:.0f} ms latency (target >= 75%)")


if __name__ == "__main__":
    main()
