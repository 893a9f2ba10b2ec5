"""Train the offline entailment head of the faithfulness checker and write `interviewer/data/entailment_head.yaml`.

Data: DocNLI (Yin et al., 2021; github.com/salesforce/DocNLI, BSD-3-Clause), read from a local git copy of the
repository, never copied into ours: `Data/binary-MNLI/{dev,test}.txt` (19,647 sentence pairs) and
`Data/binary-FEVER-NLI/{dev,test}.txt` (Wikipedia passages and claims), each line `label<TAB>premise<TAB>hypothesis`
with labels entailment / not_entailment. The premise is split into sentences (the evidence), the hypothesis is the
claim, and `interviewer.evaluation.entailment_features` turns each pair into the checker's features; a logistic
regression (scikit-learn, classes balanced) over the standardised features is the head. A fifth of the pairs
(seeded) is held out to report accuracy.

Dialogue: DocNLI holds no conversation, so the dev part of DiaSumFact (`bench/diasumfact.py convert` writes the
records; only those whose `split` is `dev`, two thirds of the dialogues, chosen by a hash of the dialogue id) joins
the training pairs with a weight (--dialogue-weight, default 10): summary sentence as the claim, the dialogue's
sentences as the evidence. The `heldout` third is never read here; `bench/diasumfact.py score --split heldout`
reports on it. Takes about a minute on this project's machines.

    .venv/bin/python scripts/train_entailment.py --git-dir /path/to/DocNLI/repo --dialogue /tmp/dsf.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.evaluation.entailment import HEAD_FILE, EntailmentHead  # noqa: E402
from interviewer.evaluation.entailment_features import FEATURES, FeatureMaker  # noqa: E402
from interviewer.rag.static_embeddings import StaticEmbedder  # noqa: E402

FILES = ("Data/binary-MNLI/dev.txt", "Data/binary-MNLI/test.txt", "Data/binary-FEVER-NLI/dev.txt",
         "Data/binary-FEVER-NLI/test.txt")
HELD_OUT = 0.2
SEED = 13
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
HEADER = """\
# The offline entailment head of the faithfulness checker (interviewer/evaluation/entailment.py): a logistic
# function over the features of interviewer/evaluation/entailment_features.py. Written by
# scripts/train_entailment.py from DocNLI (github.com/salesforce/DocNLI, BSD-3-Clause, Copyright (c) Salesforce);
# rerun that script to reproduce it. Do not edit by hand.
"""


def read_pairs(git_dir: Path) -> list[tuple[bool, str, str]]:
    pairs: list[tuple[bool, str, str]] = []
    for name in FILES:
        text = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"HEAD:{name}"], check=True,
                              capture_output=True, text=True).stdout
        for line in text.splitlines():
            fields = line.split("\t")
            if len(fields) == 3 and fields[0] in {"entailment", "not_entailment"}:
                pairs.append((fields[0] == "entailment", fields[1], fields[2]))
    random.Random(SEED).shuffle(pairs)
    return pairs


def dialogue_pairs(path: Path, maker: FeatureMaker) -> list[tuple[np.ndarray, bool]]:
    """The dev split of DiaSumFact records: (features of the summary sentence against the dialogue, label)."""
    from interviewer.evaluation.checks.base import units_of
    from interviewer.evaluation.checks.support import support_statement
    from interviewer.evaluation.consistency import source

    records = [r for r in json.loads(path.read_text(encoding="utf-8")) if r.get("split") == "dev"]
    units: dict[str, list[str]] = {}
    out = []
    for record in records:
        doc = record["doc"]
        if doc not in units:
            units[doc] = [unit.text for unit in units_of(source(doc), "candidate")]
        out.append((maker.features(support_statement(record["summary"]), units[doc])[0], bool(record["label"])))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--git-dir", type=Path, default=os.environ.get("DOCNLI"),
                        help="a git copy of github.com/salesforce/DocNLI (default: $DOCNLI)")
    parser.add_argument("--dialogue", type=Path, help="DiaSumFact records (bench/diasumfact.py convert)")
    parser.add_argument("--dialogue-weight", type=float, default=10.0)
    parser.add_argument("--out", type=Path, default=HEAD_FILE)
    args = parser.parse_args()
    if args.git_dir is None:
        raise SystemExit("give --git-dir or set DOCNLI to a git copy of salesforce/DocNLI")
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import balanced_accuracy_score

    started = time.perf_counter()
    pairs = read_pairs(args.git_dir)
    maker = FeatureMaker(StaticEmbedder())
    x = np.array([maker.features(claim, [s for s in _SENTENCE.split(premise) if s.strip()] or [premise])[0]
                  for _, premise, claim in pairs])
    y = np.array([label for label, _, _ in pairs])
    cut = int(len(pairs) * (1 - HELD_OUT))
    mean, scale = x[:cut].mean(axis=0), x[:cut].std(axis=0) + 1e-6
    train_x, train_y, weights = x[:cut], y[:cut], np.ones(cut)
    dialogue = dialogue_pairs(args.dialogue, maker) if args.dialogue else []
    if dialogue:
        train_x = np.vstack([train_x, [features for features, _ in dialogue]])
        train_y = np.concatenate([train_y, [label for _, label in dialogue]])
        weights = np.concatenate([weights, np.full(len(dialogue), args.dialogue_weight)])
    model = LogisticRegression(class_weight="balanced", max_iter=2000)
    model.fit((train_x - mean) / scale, train_y, sample_weight=weights)
    held_out = balanced_accuracy_score(y[cut:], model.predict((x[cut:] - mean) / scale))
    head = EntailmentHead(features=list(FEATURES), mean=[round(float(v), 6) for v in mean],
                          scale=[round(float(v), 6) for v in scale],
                          weights=[round(float(v), 6) for v in model.coef_[0]],
                          bias=round(float(model.intercept_[0]), 6),
                          trained_on={"data": "DocNLI binary-MNLI and binary-FEVER-NLI, dev and test"
                                      + (", DiaSumFact dev split" if dialogue else ""),
                                      "pairs": cut, "dialogue_pairs": len(dialogue),
                                      "dialogue_weight": args.dialogue_weight if dialogue else 0,
                                      "held_out_pairs": len(pairs) - cut,
                                      "held_out_balanced_accuracy": round(float(held_out), 4)})
    args.out.write_text(HEADER + yaml.safe_dump(head.model_dump(), sort_keys=False, width=120), encoding="utf-8")
    print(f"{len(pairs)} pairs, trained on {cut} and {len(dialogue)} dialogue sentences; held-out balanced "
          f"accuracy {held_out:.3f}; {time.perf_counter() - started:.0f} s -> {args.out}")


if __name__ == "__main__":
    main()
