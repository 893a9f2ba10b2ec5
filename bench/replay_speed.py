"""Replay speed on a 10,000-word transcript.

1. Whole process: `interviewer replay FILE` in a fresh process with a new tool home in which only the
   exported ONNX model exists (as after the install command): model load, rubric example embeddings and
   transcript embeddings all included. Target: <= 8 s. Also shown: the very first run on a machine, which
   additionally exports the model to ONNX once.
2. Grading work after the model is loaded (in process), with the rubric anchors' and the injection
   prototypes' embeddings cached as `interviewer index` leaves them, and the transcript not cached.
   Target: <= 2 s. Also shown: with nothing cached at all.

    .venv/bin/python bench/replay_speed.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.catalog import load_catalog  # noqa: E402
from interviewer.config import REPO_ROOT  # noqa: E402
from interviewer.feedback.detector import SignalDetector, embed_all_anchors  # noqa: E402
from interviewer.feedback.grading import grade_transcript  # noqa: E402
from interviewer.feedback.injection import embed_prototypes  # noqa: E402
from interviewer.rag.embeddings import Embedder  # noqa: E402
from interviewer.transcripts import read_transcript  # noqa: E402
from interviewer.types import Level, Round  # noqa: E402

WORDS = 10_000


def build_transcript(folder: Path) -> Path:
    """Sample interviews joined end to end, cut at a turn boundary once WORDS words are reached."""
    catalog = load_catalog(REPO_ROOT / "rag_corpus")
    lines: list[str] = []
    words = 0
    while words < WORDS:
        for sample in catalog.samples_for(Round.SYSTEM_DESIGN) + catalog.samples_for(Round.ML_SYSTEM_DESIGN):
            for turn in sample.transcript.turns:
                lines.append(f"{turn.speaker}: {turn.text}\n")
                words += len(turn.text.split())
                if words >= WORDS:
                    break
            if words >= WORDS:
                break
    path = folder / "long-interview.txt"
    path.write_text("\n".join(lines))
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = build_transcript(folder)
        print(f"transcript: {len(path.read_text().split())} words")
        first_home = folder / "first"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "interviewer", "replay", str(path), "--round", "system-design"],
                       capture_output=True, text=True, env={**_env(), "INTERVIEWER_HOME": str(first_home)},
                       check=True)
        print(f"very first run (one-time ONNX export included): {time.perf_counter() - started:.2f} s")
        whole = []
        for run in range(args.runs):
            home = folder / f"home-{run}"
            (home / "cache").mkdir(parents=True)
            (home / "cache" / "models").symlink_to(first_home / "cache" / "models")
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "interviewer", "replay", str(path), "--round", "system-design",
                 "--level", "L6"], capture_output=True, text=True, env={**_env(), "INTERVIEWER_HOME": str(home)})
            whole.append(time.perf_counter() - started)
            if result.returncode != 0:
                raise SystemExit(result.stderr)
        print(f"whole process, new home with the exported model: median {statistics.median(whole):.2f} s "
              f"(runs: {', '.join(f'{t:.2f}' for t in whole)}) target <= 8 s")
        transcript = read_transcript(path)
        catalog = load_catalog(REPO_ROOT / "rag_corpus")
        rubric = catalog.rubric(Round.SYSTEM_DESIGN)
        models = first_home / "cache" / "models"
        Embedder(None, models).warm()
        anchors = Embedder(None, models)
        embed_all_anchors([rubric], anchors)
        embed_prototypes(anchors)
        cached_anchors = dict(anchors._memory)  # what `interviewer index` leaves in the cache
        for label, preload in (("anchors cached, transcript not", cached_anchors), ("nothing cached", {})):
            grading = []
            for _ in range(args.runs):
                embedder = Embedder(None, models)
                embedder._memory.update(preload)
                detector = SignalDetector(rubric, embedder)
                started = time.perf_counter()
                grade_transcript(transcript, rubric, detector, target=Level.L6)
                grading.append(time.perf_counter() - started)
            print(f"grading after model load ({label}): median {statistics.median(grading):.2f} s "
                  f"(runs: {', '.join(f'{t:.2f}' for t in grading)}) target <= 2 s")


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


if __name__ == "__main__":
    main()
