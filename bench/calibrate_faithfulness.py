"""Calibrate the offline entailment backend of the faithfulness checker on its labelled claims.

Fits the logistic weights over (cosine, lexical, structural) with `fit_offline_weights`, prints them next to
the shipped OFFLINE_WEIGHTS, the accuracy on the calibration claims, the leave-one-out accuracy per L2 penalty,
and the claims the fitted weights get wrong. The chosen values go into interviewer/evaluation/entailment.py by hand.

    .venv/bin/python bench/calibrate_faithfulness.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.evaluation.entailment import (  # noqa: E402
    L2_PENALTY,
    OFFLINE_WEIGHTS,
    Features,
    OfflineEntailment,
    fit_offline_weights,
    load_calibration,
)
from interviewer.rag.embeddings import default_embedder  # noqa: E402


def main() -> None:
    backend = OfflineEntailment(default_embedder())
    items = load_calibration()
    examples = [(tuple(backend.features(item.claim, item.evidence)[0]), item.supported) for item in items]
    for l2 in (1e-2, 3e-3, 1e-3, 3e-4, 1e-4):
        errors = 0
        for index, (features, label) in enumerate(examples):
            weights = fit_offline_weights(examples[:index] + examples[index + 1:], l2=l2)
            errors += (OfflineEntailment(backend.embedder, weights).probability(Features(*features)) >= 0.5) != label
        print(f"l2={l2:g}: leave-one-out {len(examples) - errors} of {len(examples)} right")
    fitted = fit_offline_weights(examples, l2=L2_PENALTY)
    print(f"fitted:  {fitted}\nshipped: {OFFLINE_WEIGHTS}")
    scorer = OfflineEntailment(backend.embedder, fitted)
    right = 0
    for item, (features, label) in zip(items, examples, strict=True):
        probability = scorer.probability(Features(*features))
        right += (probability >= 0.5) == label
        if (probability >= 0.5) != label:
            print(f"  wrong: p={probability:.2f} label={label} {item.claim}")
    print(f"{right} of {len(examples)} right with the fitted weights")


if __name__ == "__main__":
    main()
