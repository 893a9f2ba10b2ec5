"""DiaSumFact (Zhu et al., ACL 2023; MIT licence, github.com/731935354/Dia-Sum-Fact) as records for
`interviewer eval consistency`, and the checker's balanced accuracy on it overall and per error type.

The data is read from a local copy, never committed: `annotations.json` from a path or from a git copy of the
repository (`--git-dir DIR`, or the env var DIASUMFACT). Each summary sentence becomes one record
`{doc, summary, label, errors, dialogue, split}`: the dialogue's utterances (`Speaker: text` lines), the sentence,
label 1 only when every annotation says "No Error", its error types (EntE, PredE, CirE, CorefE, LinkE, Others),
and a split by dialogue: `dev` (about two thirds of the dialogues) or `heldout` (a stable hash of the dialogue id
decides, so the split never depends on what the checker does).

    .venv/bin/python bench/diasumfact.py convert --git-dir /path/to/Dia-Sum-Fact/repo --out /tmp/dsf.json
    .venv/bin/python bench/diasumfact.py score /tmp/dsf.json [--split dev|heldout] [--limit N]

`score` runs the offline checker on every record and prints balanced accuracy with a bootstrap 95% interval,
overall and for each error type (its erroneous sentences against every sentence without error).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ERROR_TYPES = ("EntE", "PredE", "CirE", "CorefE", "LinkE", "Others")
HELDOUT_SHARE = 1 / 3


def split_of(dialogue: str) -> str:
    digest = int(hashlib.sha256(dialogue.encode()).hexdigest()[:8], 16)
    return "heldout" if digest / 0xFFFFFFFF < HELDOUT_SHARE else "dev"


def read_annotations(path: Path | None, git_dir: Path | None) -> dict[str, Any]:
    if path is not None:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    if git_dir is None:
        raise SystemExit("give annotations.json, --git-dir, or set DIASUMFACT to a git copy of Dia-Sum-Fact")
    text = subprocess.run(["git", "--git-dir", str(git_dir), "show", "HEAD:annotations.json"], check=True,
                          capture_output=True, text=True).stdout
    return dict(json.loads(text))


def convert(annotations: dict[str, Any]) -> list[dict[str, Any]]:
    records = []
    for dialogue, item in annotations.items():
        doc = "\n".join(" ".join(utterance.split()) for utterance in item["utterances"])
        for model, prediction in item["annotations"].items():
            for sentence in prediction["sentence_annotations"]:
                classes = {a["error_class"] for a in sentence["annotation"]}
                errors = sorted(classes - {"No Error"})
                records.append({"doc": doc, "summary": sentence["sentence"], "label": 0 if errors else 1,
                                "errors": errors, "dialogue": dialogue, "dataset": item["dataset_name"],
                                "system": model, "split": split_of(dialogue)})
    return records


def score(records: list[dict[str, Any]]) -> None:
    from interviewer.evaluation.consistency import score_records
    from interviewer.evaluation.stats import balanced_accuracy_ci

    started = time.perf_counter()
    report = score_records(records)
    elapsed = time.perf_counter() - started
    predicted = [r.predicted for r in report.results]
    print(f"{len(records)} sentences, {sum(r.claims for r in report.results)} claims in {elapsed:.1f} s")
    rows = [("overall", list(range(len(records))))]
    clean = [i for i, record in enumerate(records) if record["label"]]
    rows += [(kind, clean + [i for i, record in enumerate(records) if kind in record["errors"]])
             for kind in ERROR_TYPES]
    for name, indices in rows:
        point, low, high = balanced_accuracy_ci([predicted[i] for i in indices],
                                                [bool(records[i]["label"]) for i in indices])
        errors = sum(not records[i]["label"] for i in indices)
        print(f"{name:8s} {100 * point:5.1f} [{100 * low:.1f}, {100 * high:.1f}]  ({errors} with error)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    to_records = commands.add_parser("convert", help="annotations.json -> [{doc, summary, label, ...}]")
    to_records.add_argument("annotations", nargs="?", type=Path)
    to_records.add_argument("--git-dir", type=Path, default=os.environ.get("DIASUMFACT"))
    to_records.add_argument("--out", type=Path, required=True)
    scoring = commands.add_parser("score", help="the offline checker's balanced accuracy, overall and per type")
    scoring.add_argument("records", type=Path)
    scoring.add_argument("--split", choices=["dev", "heldout"])
    scoring.add_argument("--limit", type=int)
    args = parser.parse_args()
    if args.command == "convert":
        records = convert(read_annotations(args.annotations, args.git_dir))
        args.out.write_text(json.dumps(records, indent=1) + "\n", encoding="utf-8")
        splits = {split: sum(r["split"] == split for r in records) for split in ("dev", "heldout")}
        print(f"{len(records)} records ({sum(r['label'] for r in records)} without error) -> {args.out}; {splits}")
        return
    records = json.loads(args.records.read_text(encoding="utf-8"))
    if args.split:
        records = [r for r in records if r.get("split") == args.split]
    score(records[: args.limit] if args.limit else records)


if __name__ == "__main__":
    main()
