"""The offline entailment head on the 74 hand-labelled claims of `interviewer/data/faithfulness_calibration.yaml`
(claims about interview answers: paraphrases, changed numbers, swapped technologies, lost negations, invented
topics), none of which it was trained on: accuracy at the checker's support threshold and at 0.5, and the
balanced accuracy over a range of thresholds. The head itself is trained by `scripts/train_entailment.py`.

    .venv/bin/python bench/calibrate_faithfulness.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.evaluation.entailment import OfflineEntailment  # noqa: E402
from interviewer.evaluation.lexicon import thresholds  # noqa: E402
from interviewer.evaluation.stats import balanced_accuracy  # noqa: E402

CALIBRATION = Path(__file__).resolve().parent.parent / "interviewer" / "data" / "faithfulness_calibration.yaml"


def main() -> None:
    items = yaml.safe_load(CALIBRATION.read_text(encoding="utf-8"))["examples"]
    backend = OfflineEntailment()
    probabilities = [backend.support(item["claim"], item["evidence"])[0] for item in items]
    labels = [bool(item["supported"]) for item in items]
    threshold = thresholds().support
    for cut in sorted({threshold, 0.2, 0.3, 0.4, 0.5, 0.6}):
        predicted = [p >= cut for p in probabilities]
        right = sum(p == y for p, y in zip(predicted, labels, strict=True))
        mark = "  <- the checker's support threshold" if cut == threshold else ""
        print(f"threshold {cut:.2f}: {right} of {len(items)} right, balanced accuracy "
              f"{balanced_accuracy(predicted, labels):.3f}{mark}")


if __name__ == "__main__":
    main()
