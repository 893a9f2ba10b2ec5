"""Train the offline entailment head of the faithfulness checker and write `interviewer/data/entailment_head.yaml`.

Data: DocNLI (Yin et al., 2021; github.com/salesforce/DocNLI, BSD-3-Clause), read from a local git copy of the
repository, never copied into ours: `Data/binary-MNLI/{dev,test}.txt` (19,647 sentence pairs) and
`Data/binary-FEVER-NLI/{dev,test}.txt` (Wikipedia passages and claims), each line `label<TAB>premise<TAB>hypothesis`
with labels entailment / not_entailment. The premise is split into sentences (the evidence), the hypothesis is the
claim, and `interviewer.evaluation.entailment_features` turns each pair into the checker's features; a logistic
regression (scikit-learn, classes balanced) over the standardised features is the head. A fifth of the pairs
(seeded) is held out to report accuracy. Takes about a minute on this project's machines.

    .venv/bin/python scripts/train_entailment.py --git-dir /path/to/DocNLI/repo        (or DOCNLI=/path/...)
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--git-dir", type=Path, default=os.environ.get("DOCNLI"),
                        help="a git copy of github.com/salesforce/DocNLI (default: $DOCNLI)")
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
    model = LogisticRegression(class_weight="balanced", max_iter=2000)
    model.fit((x[:cut] - mean) / scale, y[:cut])
    held_out = balanced_accuracy_score(y[cut:], model.predict((x[cut:] - mean) / scale))
    head = EntailmentHead(features=list(FEATURES), mean=[round(float(v), 6) for v in mean],
                          scale=[round(float(v), 6) for v in scale],
                          weights=[round(float(v), 6) for v in model.coef_[0]], bias=round(float(model.intercept_[0]), 6),
                          trained_on={"data": "DocNLI binary-MNLI and binary-FEVER-NLI, dev and test",
                                      "pairs": cut, "held_out_pairs": len(pairs) - cut,
                                      "held_out_balanced_accuracy": round(float(held_out), 4)})
    args.out.write_text(HEADER + yaml.safe_dump(head.model_dump(), sort_keys=False, width=120), encoding="utf-8")
    print(f"{len(pairs)} pairs, trained on {cut}; held-out balanced accuracy {held_out:.3f}; "
          f"{time.perf_counter() - started:.0f} s -> {args.out}")


if __name__ == "__main__":
    main()
