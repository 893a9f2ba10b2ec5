"""Calibrate and report the offline grader on the corpus' labelled sample transcripts.

Prints, per sample: labelled vs estimated level, and which labelled signals the grader found and missed.
Then a grid search over the detector's parameters (cue bonus, support floor, spread bonus, threshold),
scored by balanced accuracy of signal detection, with a leave-one-transcript-out estimate of how well
the chosen parameters generalise. The chosen values go into interviewer/data/grading.yaml by hand.

    .venv/bin/python bench/calibrate_grader.py [--grid]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.catalog import load_catalog  # noqa: E402
from interviewer.config import get_settings  # noqa: E402
from interviewer.feedback.detector import SignalDetector, load_policy  # noqa: E402
from interviewer.feedback.evidence import candidate_units  # noqa: E402
from interviewer.feedback.grading import grade_transcript  # noqa: E402
from interviewer.rag.embeddings import default_embedder  # noqa: E402


def balanced_accuracy(predicted: np.ndarray, labels: np.ndarray) -> float:
    recall = (predicted & labels).sum() / max(labels.sum(), 1)
    specificity = (~predicted & ~labels).sum() / max((~labels).sum(), 1)
    return float((recall + specificity) / 2)


def report(catalog, embedder) -> None:  # type: ignore[no-untyped-def]
    correct = 0
    all_pred, all_lab = [], []
    per_round: dict[str, list[str]] = {}
    for sample in catalog.samples:
        rubric = catalog.rubric(sample.round)
        detector = SignalDetector(rubric, embedder)
        feedback = grade_transcript(sample.transcript, rubric, detector, target=sample.level,
                                    question=catalog.questions[sample.question])
        shown = detector.detect(sample.transcript).shown()
        labelled = set(sample.signals_shown)
        correct += feedback.level_estimate == sample.level
        per_round.setdefault(sample.round.value, []).append(
            f"{sample.level.value}->{feedback.level_estimate.value}")
        ids = list(rubric.signals)
        all_pred.append(np.array([s in shown for s in ids]))
        all_lab.append(np.array([s in labelled for s in ids]))
        print(f"{sample.id}: labelled {sample.level.value}, estimated {feedback.level_estimate.value} "
              f"({feedback.verdict} at {sample.level.value}); claims verified "
              f"{feedback.verification.claims_verified}/{feedback.verification.claims_total}")
        print(f"  found   ({len(labelled & shown)}/{len(labelled)}): {', '.join(sorted(labelled & shown))}")
        print(f"  missed  ({len(labelled - shown)}): {', '.join(sorted(labelled - shown))}")
        print(f"  spurious ({len(shown - labelled)}): {', '.join(sorted(shown - labelled))}")
    print("\nper round, labelled->estimated:")
    for round_name, pairs in sorted(per_round.items()):
        right = sum(pair[:2] == pair[-2:] for pair in pairs)
        print(f"  {round_name}: {right}/{len(pairs)} ({', '.join(sorted(pairs))})")
    pred, lab = np.concatenate(all_pred), np.concatenate(all_lab)
    print(f"\nlevel-estimate accuracy: {correct}/{len(catalog.samples)} = {correct / len(catalog.samples):.2f}")
    print(f"signal detection: balanced accuracy {balanced_accuracy(pred, lab):.3f}, "
          f"precision {(pred & lab).sum() / max(pred.sum(), 1):.3f}, recall {(pred & lab).sum() / lab.sum():.3f}")


def grid(catalog, embedder) -> None:  # type: ignore[no-untyped-def]
    data = []
    for sample in catalog.samples:
        rubric = catalog.rubric(sample.round)
        detector = SignalDetector(rubric, embedder)
        texts = [unit.text for unit in candidate_units(sample.transcript)]
        sims = detector.similarities(texts)
        lowered = [t.lower() for t in texts]
        cues = np.array([[any(c.lower() in t for c in rubric.signals[s].cues) for s in detector.signal_ids]
                         for t in lowered])
        labels = np.array([s in sample.signals_shown for s in detector.signal_ids])
        data.append((sample.id, sims, cues, labels))

    def scores(sims: np.ndarray, cues: np.ndarray, bonus: float, floor: float, spread: float) -> np.ndarray:
        unit = sims + bonus * cues
        support = (unit >= floor).sum(0)
        return unit.max(0) + spread * np.minimum(np.maximum(support - 1, 0), 3)

    space = list(itertools.product([0.0, 0.03, 0.06, 0.1], [0.4, 0.45, 0.5], [0.0, 0.01, 0.02, 0.03]))

    def fit(rows: list) -> tuple[float, tuple[float, float, float, float]]:  # type: ignore[type-arg]
        best: tuple[float, tuple[float, float, float, float]] = (0.0, (0, 0, 0, 0))
        labels = np.concatenate([r[3] for r in rows])
        for bonus, floor, spread in space:
            joined = np.concatenate([scores(r[1], r[2], bonus, floor, spread) for r in rows])
            for threshold in np.arange(0.35, 0.75, 0.01):
                value = balanced_accuracy(joined >= threshold, labels)
                if value > best[0]:
                    best = (value, (bonus, floor, spread, round(float(threshold), 2)))
        return best

    value, params = fit(data)
    print(f"\ngrid on all samples: balanced accuracy {value:.3f} with (cue_bonus, support_floor, "
          f"spread_bonus, detect_threshold) = {params}")
    predicted, labels = [], []
    for index, row in enumerate(data):
        _, (bonus, floor, spread, threshold) = fit(data[:index] + data[index + 1 :])
        predicted.append(scores(row[1], row[2], bonus, floor, spread) >= threshold)
        labels.append(row[3])
    print(f"leave-one-transcript-out balanced accuracy: "
          f"{balanced_accuracy(np.concatenate(predicted), np.concatenate(labels)):.3f}")


def level_grid(catalog, embedder) -> None:  # type: ignore[no-untyped-def]
    """Search the dimension and level-bar figures for level-estimate accuracy (leave one sample out)."""
    base = load_policy()
    prepared = []
    for sample in catalog.samples:
        rubric = catalog.rubric(sample.round)
        detector = SignalDetector(rubric, embedder)
        prepared.append((sample, rubric, detector, detector.detect(sample.transcript),
                         catalog.questions[sample.question]))
    space = list(itertools.product([0.5, 0.6, 0.67], [0.34, 0.5], [0.4, 0.5, 0.6], [0.2, 0.3, 0.4, 0.5]))

    def policy_for(execution_meets: float, strategy_meets: float, l5: float, l6_strategy: float):  # type: ignore[no-untyped-def]
        data = base.model_dump()
        data["dimension"].update(execution_meets=execution_meets, strategy_meets=strategy_meets)
        data["levels"]["L5"]["execution"] = l5
        data["levels"]["L6"].update(execution=l5, strategy=l6_strategy)
        return type(base).model_validate(data)

    outcome = {}
    for params in space:
        policy = policy_for(*params)
        outcome[params] = [
            grade_transcript(s.transcript, r, d, target=s.level, detection=det, policy=policy,
                             question=q).level_estimate == s.level for s, r, d, det, q in prepared]
    best = max(space, key=lambda p: (sum(outcome[p]), p == (base.dimension.execution_meets,)))
    print(f"\nlevel grid: best {sum(outcome[best])}/{len(prepared)} with (execution_meets, strategy_meets, "
          f"L5/L6 execution share, L6 strategy share) = {best}")
    held_out = 0
    for index in range(len(prepared)):
        chosen = max(space, key=lambda p: sum(v for i, v in enumerate(outcome[p]) if i != index))
        held_out += outcome[chosen][index]
    print(f"leave-one-sample-out level accuracy: {held_out}/{len(prepared)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--grid", action="store_true", help="also search the detector's parameters")
    parser.add_argument("--levels", action="store_true", help="also search the level policy")
    args = parser.parse_args()
    catalog = load_catalog(get_settings().corpus)
    embedder = default_embedder()
    print(f"policy: {load_policy().model_dump(include={'detect_threshold', 'support_floor', 'cue_bonus'})}")
    report(catalog, embedder)
    if args.grid:
        grid(catalog, embedder)
    if args.levels:
        level_grid(catalog, embedder)


if __name__ == "__main__":
    main()
