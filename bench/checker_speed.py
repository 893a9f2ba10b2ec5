"""Offline faithfulness checker throughput, once the static vectors are loaded: claims checked per second, every
transcript sentence embedded from scratch (a fresh embedder per run). Two sets: the offline grader's own claims over
six labelled sample transcripts, and the meta-evaluation set (evals/checker.yaml: true claims and their controlled
edits over all eighteen samples). Target: >= 200 claims/s. Each set runs three times (this machine's speed varies by
up to 2x from minute to minute; the first run also fills the caches of stems and numbers): median and best shown.

    .venv/bin/python bench/checker_speed.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.catalog import load_catalog  # noqa: E402
from interviewer.config import get_settings  # noqa: E402
from interviewer.evaluation import meta  # noqa: E402
from interviewer.evaluation.entailment import OfflineEntailment  # noqa: E402
from interviewer.evaluation.faithfulness import check_claims, check_feedback, text_claim  # noqa: E402
from interviewer.feedback.detector import SignalDetector  # noqa: E402
from interviewer.feedback.grading import grade_transcript  # noqa: E402
from interviewer.feedback.render import to_json  # noqa: E402
from interviewer.rag.embeddings import Embedder  # noqa: E402
from interviewer.rag.static_embeddings import StaticEmbedder  # noqa: E402

RUNS = 3


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
    StaticEmbedder(settings.cache_dir / "models")  # loads the table once, as a running process has it

    def grader_run() -> float:
        backend = OfflineEntailment(StaticEmbedder(settings.cache_dir / "models"))  # nothing cached
        started = time.perf_counter()
        claims = sum(check_feedback(t, f, backend).total for t, f in work)
        return claims / (time.perf_counter() - started)

    _report("grader's claims", [grader_run() for _ in range(RUNS)])
    evals = Path(__file__).resolve().parent.parent / "evals" / "data"
    samples = {sample.id: sample for sample in catalog.samples}
    labelled = meta.build_claims(meta.load_seeds(evals / "checker_seeds.yaml"), samples,
                                 meta.load_edits(evals / "edits.yaml"))
    def meta_run() -> float:
        backend = OfflineEntailment(StaticEmbedder(settings.cache_dir / "models"))
        started = time.perf_counter()
        for name in dict.fromkeys(claim.transcript for claim in labelled):
            group = [text_claim(claim.text) for claim in labelled if claim.transcript == name]
            check_claims(samples[name].transcript, group, backend)
        return len(labelled) / (time.perf_counter() - started)

    _report(f"meta-eval set ({len(labelled)} claims)", [meta_run() for _ in range(RUNS)])


def _report(label: str, rates: list[float]) -> None:
    print(f"{label}: median {statistics.median(rates):.0f} claims/s, best {max(rates):.0f} "
          f"(runs: {', '.join(f'{rate:.0f}' for rate in rates)}; target >= 200)")

if __name__ == "__main__":
    main()
