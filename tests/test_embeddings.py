"""The ONNX-served models give sentence-transformers' vectors (exactly in fp32, within 0.01 cosine in int8), a
vector never depends on its batch, and the cache returns what it stored."""

from pathlib import Path

import numpy as np

from interviewer.rag.embeddings import Embedder
from interviewer.rag.onnx_model import OnnxEncoder, ensure_fp32, ensure_model, model_dir

SENTENCES = [
    "I'd shard the links table by the hash of the short code.",
    "Before designing anything, who are the users and what do they need?",
    "p99 latency matters more than the average here.",
]


def test_onnx_models_match_sentence_transformers(models: Path) -> None:
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(model_dir()), device="cpu").encode(SENTENCES, normalize_embeddings=True)
    exact = OnnxEncoder(ensure_fp32(models)).encode(SENTENCES)
    assert np.min(np.sum(exact * reference, axis=1)) > 0.9999
    quantized = OnnxEncoder(ensure_model(models))
    vectors = quantized.encode(SENTENCES)
    assert np.min(np.sum(vectors * reference, axis=1)) > 0.99
    assert np.min(np.sum(vectors * reference, axis=1)) < 0.99999  # it is the int8 model, not the fp32 one
    for row, sentence in enumerate(SENTENCES):  # a vector does not depend on the sentences batched with it
        alone = quantized.encode([sentence], batch_size=1)
        assert np.allclose(alone[0], vectors[row], atol=1e-5)


def test_vectors_are_unit_length_and_cached(tmp_path: Path, models: Path) -> None:
    cache = tmp_path / "vectors.sqlite"
    first = Embedder(cache, models).embed(SENTENCES)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    again = Embedder(cache, models)
    again.encode = None  # type: ignore[assignment,method-assign]  # a cache hit must not encode
    assert np.array_equal(again.embed(SENTENCES), first)
    assert Embedder(cache, models).embed([]).shape == (0, 384)
