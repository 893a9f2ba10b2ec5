"""Run an eval suite: cases in parallel (bounded), per-case results, metrics with bootstrap intervals, thresholds.

A run is plain data (`RunResult`), saved as run.json next to its Markdown and HTML reports. Each metric that is
a mean over cases names the case field it averages (and the cases it keeps), so `compare_runs` can pair two
runs case by case.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from interviewer.catalog import Catalog
from interviewer.config import Settings
from interviewer.errors import UserError
from interviewer.evaluation import meta, scripted
from interviewer.evaluation.entailment import EntailmentBackend
from interviewer.evaluation.faithfulness import check_claims, claims_from_feedback, text_claim
from interviewer.evaluation.stats import (
    balanced_accuracy_ci,
    bootstrap_ci,
    confusion_matrix,
    paired_difference,
    quadratic_weighted_kappa,
)
from interviewer.evaluation.suite import Suite
from interviewer.feedback import render
from interviewer.feedback.detector import SignalDetector
from interviewer.feedback.replay import grade
from interviewer.llm.base import Model
from interviewer.rag.embeddings import Embedder
from interviewer.types import Feedback, Level, Round, Strict, Transcript

LEVELS = [level.value for level in Level]
CLAIMS_PER_TASK = 12
T = TypeVar("T")
R = TypeVar("R")


class Metric(Strict):
    name: str
    value: float | None
    low: float | None = None
    high: float | None = None
    n: int = 0
    threshold: str | None = None
    passed: bool | None = None
    case_field: str | None = None
    """The per-case field this metric averages (None: not a mean, e.g. kappa; runs are not paired on it)."""
    case_filter: dict[str, str] = {}
    higher_is_better: bool = True


class RunResult(Strict):
    suite: str
    kind: str
    started_at: str
    seconds: float
    model: str
    backend: str
    prompt_versions: dict[str, str]
    metrics: list[Metric]
    confusion: dict[str, Any] | None = None
    cases: list[dict[str, Any]]
    cache: dict[str, int] | None = None
    comparison: list[dict[str, Any]] | None = None

    @property
    def passed(self) -> bool:
        return all(metric.passed is not False for metric in self.metrics)

    def failures(self) -> list[Metric]:
        return [metric for metric in self.metrics if metric.passed is False]


Progress = Callable[[int, int], None]
"""Called with (done, total) as cases finish."""


@dataclass
class Runner:
    settings: Settings
    catalog: Catalog
    embedder: Embedder
    backend: EntailmentBackend
    model: Model | None = None
    prompt_overrides: dict[str, Path] = field(default_factory=dict)
    concurrency: int | None = None
    progress: Progress | None = None

    def map(self, function: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
        """`function` over the items on `workers` threads, results in the items' order, progress as they end."""
        results: list[Any] = [None] * len(items)
        if self.progress:
            self.progress(0, len(items))
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = {pool.submit(function, item): index for index, item in enumerate(items)}
            for done, future in enumerate(as_completed(futures), start=1):
                results[futures[future]] = future.result()
                if self.progress:
                    self.progress(done, len(items))
        return results

    # ------------------------------------------------------------------------------------------------ suites

    def run(self, suite: Suite, prompt_versions: dict[str, str]) -> RunResult:
        started = datetime.now(UTC)
        clock = time.perf_counter()
        workers = self.concurrency or suite.concurrency
        if suite.kind == "checker":
            metrics, cases, confusion = self._checker(suite, workers)
        else:
            metrics, cases, confusion = self._feedback(suite, workers)
        for metric in metrics:
            threshold = suite.thresholds.get(metric.name)
            if threshold is not None:
                metric.threshold = threshold.describe()
                metric.passed = threshold.passed(metric.value)
        unknown = set(suite.thresholds) - {metric.name for metric in metrics}
        metrics += [Metric(name=name, value=None, threshold=suite.thresholds[name].describe(), passed=False)
                    for name in sorted(unknown)]
        return RunResult(suite=suite.name, kind=suite.kind, started_at=started.isoformat(timespec="seconds"),
                         seconds=round(time.perf_counter() - clock, 2),
                         model=self.model.name if self.model else "offline",
                         backend=str(getattr(self.backend, "name", type(self.backend).__name__)),
                         prompt_versions=prompt_versions, metrics=metrics, confusion=confusion, cases=cases,
                         cache=_cache_counts(self.model))

    # --- the checker's meta-evaluation

    def _checker(self, suite: Suite, workers: int) -> tuple[list[Metric], list[dict[str, Any]], None]:
        assert suite.seeds is not None and suite.edits is not None
        samples = {sample.id: sample for sample in self.catalog.samples}
        claims = meta.build_claims(meta.load_seeds(suite.path(suite.seeds)), samples,
                                   meta.load_edits(suite.path(suite.edits)))
        size = 1 if self.model is not None else CLAIMS_PER_TASK  # a model waits on the network: one call per task
        tasks = [chunk for name in dict.fromkeys(claim.transcript for claim in claims)
                 for chunk in _chunks([claim for claim in claims if claim.transcript == name], size)]

        def check(chunk: list[meta.MetaClaim]) -> list[dict[str, Any]]:
            transcript = samples[chunk[0].transcript].transcript
            report = check_claims(transcript, [text_claim(claim.text) for claim in chunk], self.backend)
            return [{"id": claim.id, "edit": claim.edit, "label": claim.supported,
                     "predicted": result.verdict == "supported",
                     "correct": (result.verdict == "supported") == claim.supported,
                     "reasons": "; ".join(result.reasons), "claim": claim.text}
                    for claim, result in zip(chunk, report.claims, strict=True)]

        cases = [case for chunk in self.map(check, tasks, workers) for case in chunk]
        predicted = [bool(case["predicted"]) for case in cases]
        labels = [bool(case["label"]) for case in cases]
        value, low, high = balanced_accuracy_ci(predicted, labels)
        metrics = [Metric(name="balanced_accuracy", value=value, low=low, high=high, n=len(cases)),
                   _mean_metric("accuracy", cases, "correct")]
        for edit in meta.EDIT_TYPES:
            name = f"{'accepted' if edit in meta.SUPPORTED_EDITS else 'caught'}[{edit}]"
            metrics.append(_mean_metric(name, cases, "correct", {"edit": edit}))
        return [metric for metric in metrics if metric.n], cases, None

    # --- feedback on labelled transcripts

    def _feedback(self, suite: Suite, workers: int) -> tuple[list[Metric], list[dict[str, Any]],
                                                              dict[str, Any] | None]:
        items: list[_Item] = []
        wanted = suite.samples
        for sample in self.catalog.samples:
            if wanted == "all" or (isinstance(wanted, list) and sample.id in wanted):
                items.append(_Item(sample.id, sample.round, sample.question, sample.level, sample.transcript))
        if isinstance(wanted, list):
            missing = set(wanted) - {item.id for item in items}
            if missing:
                raise UserError(f"suite {suite.name}: unknown samples {sorted(missing)}")
        gaps = scripted.load_gaps(suite.path(suite.gaps), self.catalog) if suite.gaps else None
        variants = [variant for path in suite.candidate_files()
                    for variant in scripted.variants(scripted.load_candidate(path, self.catalog, gaps))] if gaps else []

        def sit(variant: scripted.Variant) -> _Item:
            transcript = scripted.run_variant(variant, self.settings, self.catalog, self.embedder)
            level = variant.candidate.level if variant.gap is None else None
            return _Item(variant.id, variant.candidate.round, variant.candidate.question, level, transcript,
                         variant.gap, variant.candidate.id)

        items += self.map(sit, variants, min(workers, 2))  # CPU-bound rounds: more threads only contend
        graded = self.map(self._grade, items, workers)
        cases = [self._feedback_case(item, feedback, faithfulness, gaps)
                 for item, (feedback, faithfulness) in zip(items, graded, strict=True)]
        if gaps is not None:
            cases += _false_alarms(items, graded, gaps)
        return self._feedback_metrics(cases)

    def _grade(self, item: _Item) -> tuple[Feedback, float | None]:
        rubric = self.catalog.rubric(item.round)
        detector = SignalDetector(rubric, self.embedder)
        question = self.catalog.questions.get(item.question)
        feedback = grade(item.transcript, rubric, detector, target=item.level or Level.L5, company=None,
                         model=self.model, question=question, prompt_overrides=self.prompt_overrides)
        report = check_claims(item.transcript, claims_from_feedback(render.to_json(feedback)), self.backend)
        return feedback, report.score

    def _feedback_case(self, item: _Item, feedback: Feedback, faithfulness: float | None,
                       gaps: scripted.GapCatalog | None) -> dict[str, Any]:
        case: dict[str, Any] = {
            "id": item.id, "round": item.round.value, "label": item.level.value if item.level else None,
            "predicted": feedback.level_estimate.value, "faithfulness": faithfulness,
            "claims": feedback.verification.claims_total, "claims_kept": _kept(feedback),
            "flags": len(feedback.flags),
        }
        if item.level is not None:
            error = abs(LEVELS.index(feedback.level_estimate.value) - LEVELS.index(item.level.value))
            case.update(level_correct=error == 0, level_error=error)
        if item.gap is not None and gaps is not None:
            case.update(gap=item.gap, gap_caught=_reports_gap(feedback, scripted.gap_signals(gaps, item.gap,
                                                                                              item.round)))
        return case

    def _feedback_metrics(self, cases: list[dict[str, Any]]) -> tuple[list[Metric], list[dict[str, Any]],
                                                                        dict[str, Any] | None]:
        graded = [case for case in cases if "predicted" in case]
        labelled = [case for case in graded if case.get("label")]
        metrics = [_mean_metric("faithfulness", graded, "faithfulness"),
                   _mean_metric("claims_kept", graded, "claims_kept"),
                   _mean_metric("level_accuracy", labelled, "level_correct"),
                   _mean_metric("level_error", labelled, "level_error", higher_is_better=False)]
        if labelled:
            order = [LEVELS.index(case["predicted"]) for case in labelled]
            truth = [LEVELS.index(case["label"]) for case in labelled]
            categories = list(range(len(LEVELS)))
            pairs = list(range(len(labelled)))
            value, low, high = bootstrap_ci(
                pairs, statistic=lambda index: quadratic_weighted_kappa(
                    [order[int(i)] for i in index], [truth[int(i)] for i in index], categories))
            metrics.append(Metric(name="level_qwk", value=value, low=low, high=high, n=len(labelled)))
        gapped = [case for case in graded if "gap" in case]
        if gapped:
            metrics.append(_mean_metric("gap_catch_rate", gapped, "gap_caught"))
            for gap in dict.fromkeys(case["gap"] for case in gapped):
                metrics.append(_mean_metric(f"gap_caught[{gap}]", gapped, "gap_caught", {"gap": gap}))
        alarms = [case for case in cases if "false_alarm" in case]
        if alarms:
            metrics.append(_mean_metric("gap_false_alarm_rate", alarms, "false_alarm", higher_is_better=False))
        confusion = {"categories": LEVELS,
                     "matrix": confusion_matrix([c["predicted"] for c in labelled], [c["label"] for c in labelled],
                                                LEVELS)} if labelled else None
        return [metric for metric in metrics if metric.n], cases, confusion


@dataclass(frozen=True)
class _Item:
    id: str
    round: Round
    question: str
    level: Level | None
    transcript: Transcript
    gap: str | None = None
    candidate: str | None = None


def _chunks(items: list[T], size: int) -> Iterable[list[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _kept(feedback: Feedback) -> float | None:
    total = feedback.verification.claims_total
    return feedback.verification.claims_verified / total if total else None


def _reports_gap(feedback: Feedback, signals: list[str]) -> bool:
    """The feedback names one of the signals as missing: in a dimension's missing signals or an improvement."""
    missing = {signal for grade in feedback.dimensions for signal in grade.signals_missing}
    missing |= {claim.signal for claim in feedback.improvements if claim.signal}
    return bool(missing & set(signals))


def _false_alarms(items: list[_Item], graded: list[tuple[Feedback, float | None]],
                  gaps: scripted.GapCatalog) -> list[dict[str, Any]]:
    """For each un-gapped scripted candidate and each gap planted in its variants: did its feedback report it?"""
    planted: dict[str, list[str]] = {}
    for item in items:
        if item.gap is not None and item.candidate is not None:
            planted.setdefault(item.candidate, []).append(item.gap)
    out = []
    for item, (feedback, _) in zip(items, graded, strict=True):
        if item.gap is None and item.id in planted:
            for gap in planted[item.id]:
                out.append({"id": f"{item.id}~{gap}", "gap": gap,
                            "false_alarm": _reports_gap(feedback, scripted.gap_signals(gaps, gap, item.round))})
    return out


def _mean_metric(name: str, cases: list[dict[str, Any]], case_field: str, case_filter: dict[str, str] | None = None,
                 *, higher_is_better: bool = True) -> Metric:
    kept = [case for case in cases if all(case.get(k) == v for k, v in (case_filter or {}).items())]
    values = [float(case[case_field]) for case in kept if case.get(case_field) is not None]
    if not values:
        return Metric(name=name, value=None, n=0, case_field=case_field, case_filter=case_filter or {},
                      higher_is_better=higher_is_better)
    value, low, high = bootstrap_ci(values)
    return Metric(name=name, value=value, low=low, high=high, n=len(values), case_field=case_field,
                  case_filter=case_filter or {}, higher_is_better=higher_is_better)


def _cache_counts(model: Model | None) -> dict[str, int] | None:
    hits, misses = getattr(model, "hits", None), getattr(model, "misses", None)
    return {"hits": hits, "misses": misses} if isinstance(hits, int) and isinstance(misses, int) else None


# ---------------------------------------------------------------------------------------------------- compare


def compare_runs(a: RunResult, b: RunResult) -> list[dict[str, Any]]:
    """Per metric both runs average over cases: run B minus run A on the cases they share."""
    rows = []
    b_metrics = {metric.name: metric for metric in b.metrics}
    a_cases = {case["id"]: case for case in a.cases}
    b_cases = {case["id"]: case for case in b.cases}
    shared = [case_id for case_id in a_cases if case_id in b_cases]
    for metric in a.metrics:
        other = b_metrics.get(metric.name)
        if metric.case_field is None or other is None or other.case_field != metric.case_field:
            continue
        pairs = [(a_cases[i][metric.case_field], b_cases[i][metric.case_field]) for i in shared
                 if all(a_cases[i].get(k) == v for k, v in metric.case_filter.items())
                 and a_cases[i].get(metric.case_field) is not None and b_cases[i].get(metric.case_field) is not None]
        if not pairs:
            continue
        result = paired_difference([float(x) for x, _ in pairs], [float(y) for _, y in pairs], metric=metric.name,
                                   higher_is_better=metric.higher_is_better)
        rows.append(result.model_dump())
    return rows
