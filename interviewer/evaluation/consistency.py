"""Score the faithfulness checker on the common public format of factual-consistency benchmarks: a JSON list
of records with `doc` (the source, often a `Speaker: text` dialogue), `summary` and `label` (1 consistent,
0 inconsistent; integer or string). A summary is consistent only if every claim in it is supported."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from interviewer.errors import UserError
from interviewer.evaluation.entailment import EntailmentBackend, OfflineEntailment
from interviewer.evaluation.faithfulness import check_feedback
from interviewer.evaluation.stats import balanced_accuracy, balanced_accuracy_ci
from interviewer.types import Strict, Transcript, Turn


class Record(Strict):
    index: int
    label: bool
    predicted: bool
    claims: int
    failing: list[str]


class ConsistencyReport(Strict):
    records: int
    balanced_accuracy: float
    low: float
    high: float
    results: list[Record]


def load_records(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read {path}: {error}") from None
    except json.JSONDecodeError as error:
        raise UserError(f"{path}: invalid JSON at line {error.lineno}: {error.msg}") from None
    if not isinstance(data, list) or not all(isinstance(r, dict) and {"doc", "summary", "label"} <= set(r)
                                             for r in data):
        raise UserError(f"{path}: expected a JSON list of records with doc, summary and label")
    if not data:
        raise UserError(f"{path}: the list holds no records to score")
    records = data[:limit] if limit else data
    return [{**record, "label": _label(record["label"], index)} for index, record in enumerate(records)]


def _label(value: Any, index: int) -> bool:
    text = str(value).strip().lower()
    if text in {"1", "true", "consistent", "correct", "yes"}:
        return True
    if text in {"0", "false", "inconsistent", "incorrect", "no"}:
        return False
    raise UserError(f"record {index}: label {value!r} is neither 1 nor 0")


_SPEAKER_LINE = re.compile(r"^\s*(?P<name>[^:\n]{1,40}?)\s*:\s+(?P<text>\S.*)$")


def source(doc: str) -> Transcript:
    """A dialogue (`Speaker: text` lines, as in meeting and chat benchmarks) is read with its speakers, every one of
    them on the side whose words a summary is checked against (the candidate's); any other source is one turn."""
    lines = [line for line in doc.splitlines() if line.strip()]
    matches = [_SPEAKER_LINE.match(line) for line in lines]
    if not lines or sum(m is not None for m in matches) < len(lines) / 2:
        return Transcript(turns=[Turn(id=1, speaker="Source", role="candidate", text=doc.strip() or "(empty)")])
    turns: list[Turn] = []
    for line, match in zip(lines, matches, strict=True):
        if match is None and turns:
            turns[-1] = turns[-1].model_copy(update={"text": f"{turns[-1].text}\n{line.strip()}"})
            continue
        speaker, text = (match.group("name"), match.group("text")) if match else ("Source", line.strip())
        turns.append(Turn(id=len(turns) + 1, speaker=speaker, role="candidate", text=text))
    return Transcript(turns=turns)


def score_records(records: list[dict[str, Any]], backend: EntailmentBackend | None = None) -> ConsistencyReport:
    backend = backend or OfflineEntailment()
    results = []
    for index, record in enumerate(records):
        report = check_feedback(source(str(record["doc"])), str(record["summary"]), backend)
        failing = [c.text for c in report.claims if c.verdict != "supported"]
        results.append(Record(index=index, label=bool(record["label"]), predicted=not failing,
                              claims=report.total, failing=failing))
    predicted = [r.predicted for r in results]
    labels = [r.label for r in results]
    point, low, high = balanced_accuracy_ci(predicted, labels)
    return ConsistencyReport(records=len(results), balanced_accuracy=balanced_accuracy(predicted, labels),
                             low=low, high=high, results=results)


def render(report: ConsistencyReport, fmt: str) -> str:
    if fmt == "json":
        return report.model_dump_json(indent=2) + "\n"
    lines = ["# Factual consistency", "",
             f"Records: {report.records}. Balanced accuracy: {report.balanced_accuracy:.3f} "
             f"(95% bootstrap CI {report.low:.3f}-{report.high:.3f}).", "",
             "| # | label | predicted | claims | first failing claim |", "|---|---|---|---|---|"]
    for r in report.results:
        first = r.failing[0].replace("|", "\\|")[:80] if r.failing else ""
        lines.append(f"| {r.index} | {int(r.label)} | {int(r.predicted)} | {r.claims} | {first} |")
    return "\n".join(lines) + "\n"
