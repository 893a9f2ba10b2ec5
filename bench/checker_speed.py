"""Offline faithfulness checker throughput, once the model is loaded: claims checked per second, every
transcript sentence embedded from scratch. The claims are the offline grader's own, over six labelled sample
transcripts. Target: >= 50 claims/s.

    .venv/bin/python bench/checker_speed.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.catalog import load_catalog  # noqa: E402
from interviewer.config import get_settings  # noqa: E402
from interviewer.evaluation.entailment import OfflineEntailment  # noqa: E402
from interviewer.evaluation.faithfulness import check_feedback  # noqa: E402
from interviewer.feedback.detector import SignalDetector  # noqa: E402
from interviewer.feedback.grading import grade_transcript  # noqa: E402
from interviewer.feedback.render import to_json  # noqa: E402
from interviewer.rag.embeddings import Embedder  # noqa: E402


def main() -> None:
    settings = get_settings()
    catalog = load_catalog(settings.corpus)
    embedder = Embedder(None, settings.cache_dir / "models")
    embedder.warm()
    work = []
    for sample in catalog.samples[:6]:
        rubric = catalog.rubric(sample.round)
        feedback = grade_transcript(sample.transcript, rubric, SignalDetector(rubric, embedder), target=sample.level)
        work.append((sample.transcript, to_json(feedback)))
    fresh = Embedder(None, settings.cache_dir / "models")  # nothing cached: every sentence is embedded
    backend = OfflineEntailment(fresh)
    started = time.perf_counter()
    claims = sum(check_feedback(t, f, backend, embedder=fresh).total for t, f in work)
    elapsed = time.perf_counter() - started
    print(f"{claims} claims in {elapsed:.2f} s: {claims / elapsed:.0f} claims/s (target >= 50)")


if __name__ == "__main__":
    main()
