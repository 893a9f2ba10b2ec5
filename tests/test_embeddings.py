"""The ONNX-served model gives sentence-transformers' vectors; the cache returns what it stored."""

from pathlib import Path

import numpy as np

from interviewer.rag.embeddings import Embedder
from interviewer.rag.onnx_model import OnnxEncoder, ensure_exported, model_dir

SENTENCES = [
    "I'd shard the links table by the hash of the short code.",
    "Before designing anything, who are the users and what do they need?",
    "p99 latency matters more than the average here.",
]


def test_onnx_export_matches_sentence_transformers(models: Path) -> None:
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(model_dir()), device="cpu").encode(SENTENCES, normalize_embeddings=True)
    encoder = OnnxEncoder(ensure_exported(models))
    exact = encoder.encode(SENTENCES)
    assert np.min(np.sum(exact * reference, axis=1)) > 0.9999
    alone = encoder.encode(SENTENCES[:1], batch_size=1)
    assert np.allclose(alone[0], exact[0], atol=1e-5)  # a vector does not depend on its batch


def test_vectors_are_unit_length_and_cached(tmp_path: Path, models: Path) -> None:
    cache = tmp_path / "vectors.sqlite"
    first = Embedder(cache, models).embed(SENTENCES)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    again = Embedder(cache, models)
    again.encode = None  # type: ignore[assignment,method-assign]  # a cache hit must not encode
    assert np.array_equal(again.embed(SENTENCES), first)
    assert Embedder(cache, models).embed([]).shape == (0, 384)
