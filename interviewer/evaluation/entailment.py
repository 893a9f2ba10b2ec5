"""Does the evidence support a claim? Pluggable backends: an offline one (a logistic head, trained on DocNLI by
`scripts/train_entailment.py`, over cheap features of claim and evidence) and one that asks a language model."""

from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np
from pydantic import Field, ValidationError, model_validator

from interviewer.errors import UserError, first_problem
from interviewer.evaluation.checks.base import EntailmentBackend
from interviewer.evaluation.entailment_features import FEATURES, FeatureMaker
from interviewer.llm.base import Message, Model, ModelError
from interviewer.llm.prompts import load_prompt
from interviewer.rag.corpus import read_yaml_file
from interviewer.rag.static_embeddings import StaticEmbedder
from interviewer.types import Strict

__all__ = ["EntailmentBackend", "EntailmentHead", "ModelEntailment", "OfflineEntailment", "load_head"]

HEAD_FILE = Path(__file__).resolve().parent.parent / "data" / "entailment_head.yaml"


class EntailmentHead(Strict):
    """A logistic function over standardised features: p = sigmoid(bias + sum(weight * (x - mean) / scale))."""

    features: list[str]
    mean: list[float]
    scale: list[float]
    weights: list[float]
    bias: float
    trained_on: dict[str, str | int | float] = Field(default_factory=dict)
    """How the head was made: data, pairs, held-out accuracy (written by the training script)."""

    @model_validator(mode="after")
    def _shapes(self) -> EntailmentHead:
        if self.features != list(FEATURES):
            raise ValueError(f"features must be {', '.join(FEATURES)} in that order (retrain the head)")
        if not len(self.mean) == len(self.scale) == len(self.weights) == len(FEATURES):
            raise ValueError("mean, scale and weights need one value per feature")
        if any(value <= 0 for value in self.scale):
            raise ValueError("scale values must be positive")
        return self

    def probability(self, features: np.ndarray) -> float:
        z = self.bias + float(np.dot((features - np.array(self.mean)) / np.array(self.scale), self.weights))
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def load_head(path: Path = HEAD_FILE) -> EntailmentHead:
    try:
        return EntailmentHead.model_validate(read_yaml_file(path, "entailment head"))
    except ValidationError as error:
        raise UserError(f"entailment head {path}: {first_problem(error)}") from None


@functools.cache
def shipped_head() -> EntailmentHead:
    return load_head()


class OfflineEntailment:
    """Support from the trained head over the claim's features against the evidence sentences."""

    name = "offline"

    def __init__(self, encoder: StaticEmbedder | None = None, head: EntailmentHead | None = None) -> None:
        self.encoder = encoder or StaticEmbedder()
        self.head = head or shipped_head()
        self.features = FeatureMaker(self.encoder)

    def support(self, claim: str, evidence: list[str]) -> tuple[float, str]:
        if not evidence:
            return 0.0, "no words of the speaker to check the claim against"
        features, best = self.features.features(claim, evidence)
        probability = self.head.probability(features)
        shown = " ".join(best.split())
        shown = shown if len(shown) <= 100 else shown[:97] + "..."
        named = dict(zip(FEATURES, features, strict=True))
        return probability, (f"closest: \"{shown}\" (cosine {named['cosine']:.2f}); {named['lexical']:.0%} of the "
                             f"claim's content words in the evidence")


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
