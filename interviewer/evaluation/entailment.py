"""Does the evidence support a claim? Pluggable backends: an offline one (embeddings, lexical overlap and
structural agreement, combined by a calibrated logistic function) and one that asks a language model."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple, Protocol

import numpy as np
import yaml
from pydantic import Field

from interviewer.evaluation.claim_text import (
    clauses,
    content_words,
    negations,
    spoken_numbers,
    technologies_in,
    technology_said,
)
from interviewer.llm.base import Message, Model, ModelError
from interviewer.llm.prompts import load_prompt
from interviewer.rag.embeddings import Embedder
from interviewer.types import Strict

CALIBRATION_FILE = Path(__file__).resolve().parent.parent / "data" / "faithfulness_calibration.yaml"
TOP_SENTENCES = 3
"""Uncited claims are compared with the candidate's three sentences closest to them."""


class EntailmentBackend(Protocol):
    def support(self, claim: str, evidence: list[str]) -> tuple[float, str]:
        """The probability that the evidence supports the claim, and a one-line explanation."""
        ...


class Features(NamedTuple):
    cosine: float
    """Best embedding cosine between the claim and an evidence sentence."""
    lexical: float
    """Share of the claim's content words found in the (top) evidence."""
    structural: float
    """Share of the claim's numbers and technologies found in the evidence, times 1 if negation agrees, else 0."""


class OfflineWeights(NamedTuple):
    cosine: float
    lexical: float
    structural: float
    bias: float


OFFLINE_WEIGHTS = OfflineWeights(cosine=5.97, lexical=1.71, structural=4.83, bias=-7.94)
"""Weights and bias of the offline backend's logistic function over (cosine, lexical, structural). Calibrated by
`fit_offline_weights(examples)` on the 74 labelled claims of `interviewer/data/faithfulness_calibration.yaml`
(features from all-MiniLM-L6-v2, int8); `calibrate_offline_weights(embedder)` reproduces them and
`bench/calibrate_faithfulness.py` reports their accuracy: 61 of 74 right when fitted on all of them, 61 of 74 in
leave-one-out. What the offline backend gets wrong is mostly a claim on the same subject as the candidate's sentence
that adds a detail (a transformer ranker, health checks): checks 3 and 4 catch the numbers, technologies and
negations among those, a model backend the rest."""
L2_PENALTY = 3e-4
"""The L2 penalty of the fit, chosen by leave-one-out accuracy on the calibration claims."""


def _sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value)) if value >= 0 else math.exp(value) / (1.0 + math.exp(value))


class OfflineEntailment:
    """Support from the claim's best embedding cosine with the evidence sentences, the share of its content words
    the evidence holds, and whether its numbers and its negation agree with the evidence."""

    name = "offline"

    def __init__(self, embedder: Embedder, weights: OfflineWeights = OFFLINE_WEIGHTS) -> None:
        self.embedder = embedder
        self.weights = weights

    def features(self, claim: str, evidence: list[str]) -> tuple[Features, str]:
        """The three features over the evidence (its TOP_SENTENCES closest sentences), and the closest one."""
        if not evidence:
            return Features(0.0, 0.0, 0.0), ""
        vectors = self.embedder.embed([claim, *evidence])
        cosines = vectors[1:] @ vectors[0]
        order = [int(i) for i in np.argsort(-cosines)[:TOP_SENTENCES]]
        top = [evidence[i] for i in order]
        best = top[0]
        claim_words = content_words(claim)
        found = set().union(*(content_words(sentence) for sentence in top))
        lexical = len(claim_words & found) / len(claim_words) if claim_words else 0.0
        structural = structural_agreement(claim, top)
        return Features(float(cosines[order[0]]), lexical, structural), best

    def probability(self, features: Features) -> float:
        w = self.weights
        return _sigmoid(w.cosine * features.cosine + w.lexical * features.lexical
                        + w.structural * features.structural + w.bias)

    def support(self, claim: str, evidence: list[str]) -> tuple[float, str]:
        if not evidence:
            return 0.0, "no words of the speaker to check the claim against"
        features, best = self.features(claim, evidence)
        probability = self.probability(features)
        shown = " ".join(best.split())
        shown = shown if len(shown) <= 100 else shown[:97] + "..."
        return probability, (f"cosine {features.cosine:.2f} with \"{shown}\"; {features.lexical:.0%} of the claim's "
                             f"content words in the evidence; structure {features.structural:.2f}")


def structural_agreement(claim: str, evidence: list[str]) -> float:
    """Share of the claim's numbers (digits or words) and named technologies the evidence holds, times negation
    agreement with the evidence clauses that share most content words with the claim (1 when both or neither
    negate, else 0). Lexical negators in the evidence ("avoid", "reject") count only for a negative claim."""
    wanted = spoken_numbers(claim)
    said = [number for sentence in evidence for number in spoken_numbers(sentence)]
    names = technologies_in(claim)
    words = "\n".join(evidence)
    found = sum(any(n.matches(s) for s in said) for n in wanted) + sum(technology_said(t, words) for t in names)
    numbers = found / (len(wanted) + len(names)) if wanted or names else 1.0
    claim_words = content_words(claim)
    parts = [part for sentence in evidence for part in clauses(sentence)]
    if not parts:
        return 0.0
    overlap = [len(content_words(part) & claim_words) for part in parts]
    closest = [part for part, shared in zip(parts, overlap, strict=True) if shared == max(overlap)]
    negated = bool(negations(claim))
    agree = negated == any(negations(part, lexical=negated) for part in closest)
    return numbers * (1.0 if agree else 0.0)


def fit_offline_weights(examples: Sequence[tuple[Sequence[float], bool]], *, l2: float = L2_PENALTY,
                        iterations: int = 50) -> OfflineWeights:
    """Logistic regression (Newton's method, a small L2 penalty on the weights, not the bias) over the three
    features (cosine, lexical, structural) of labelled claims: True when the evidence supports the claim."""
    if not examples:
        raise ValueError("need labelled examples")
    x = np.array([[*features, 1.0] for features, _ in examples], dtype=np.float64)
    if x.shape[1] != 4:
        raise ValueError("each example needs three features: cosine, lexical, structural")
    y = np.array([1.0 if label else 0.0 for _, label in examples])
    penalty = np.diag([l2, l2, l2, 0.0]) * len(y)
    beta = np.zeros(4)
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        gradient = x.T @ (p - y) + penalty @ beta
        hessian = (x.T * (p * (1 - p))) @ x + penalty + 1e-9 * np.eye(4)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if float(np.abs(step).max()) < 1e-10:
            break
    return OfflineWeights(*(round(float(value), 2) for value in beta))


class CalibrationExample(Strict):
    claim: str
    evidence: list[str] = Field(min_length=1)
    supported: bool


def load_calibration(path: Path = CALIBRATION_FILE) -> list[CalibrationExample]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [CalibrationExample.model_validate(item) for item in data["examples"]]


def calibrate_offline_weights(embedder: Embedder, path: Path = CALIBRATION_FILE) -> OfflineWeights:
    """The offline weights fitted on the labelled calibration claims (how OFFLINE_WEIGHTS was made)."""
    backend = OfflineEntailment(embedder)
    examples = [(tuple(backend.features(item.claim, item.evidence)[0]), item.supported)
                for item in load_calibration(path)]
    return fit_offline_weights(examples)


# --- a language model as the judge -------------------------------------------------------------------------------


class EntailmentVerdict(Strict):
    supported: bool
    reason: str


MAX_EVIDENCE_CHARS = 12_000


class ModelEntailment:
    """Asks a model, through structured output, for a {supported, reason} verdict. An unavailable model or an
    unusable answer is undecidable, so the claim counts as unsupported."""

    def __init__(self, model: Model, prompt_overrides: dict[str, Path] | None = None) -> None:
        self.model = model
        self.name = f"model {model.name}"
        self.system = load_prompt("entailment", prompt_overrides).render()

    def support(self, claim: str, evidence: list[str]) -> tuple[float, str]:
        if not evidence:
            return 0.0, "no words of the speaker to check the claim against"
        lines: list[str] = []
        size = 0
        for index, sentence in enumerate(evidence, start=1):
            line = f"{index}. {' '.join(sentence.split())}"
            size += len(line)
            if size > MAX_EVIDENCE_CHARS:
                break
            lines.append(line)
        content = f"<claim>\n{claim}\n</claim>\n\n<evidence>\n" + "\n".join(lines) + "\n</evidence>"
        messages: list[Message] = [{"role": "user", "content": content}]
        try:
            verdict = self.model.parse(messages, EntailmentVerdict, system=self.system)
        except ModelError as error:
            return 0.0, f"undecidable: {error}"
        return (1.0 if verdict.supported else 0.0), " ".join(verdict.reason.split()) or "no reason given"
