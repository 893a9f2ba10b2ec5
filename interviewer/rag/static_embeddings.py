"""Static word-piece vectors distilled from all-MiniLM-L6-v2: a sentence vector in microseconds.

The faithfulness checker compares every claim with every sentence of a transcript; running the transformer on
each costs 4-12 ms a sentence on this project's machines, too slow to check a feedback's claims at hundreds a
second. Following the model2vec recipe, every word piece of the model's vocabulary is run through the model once
(`[CLS] piece [SEP]`, mean-pooled), centred on the mean vector of the word pieces and normalised. A text's vector
is then the normalised weighted sum of its pieces' vectors, each piece weighted by log(1 + rank) (the vocabulary
is ordered roughly by frequency, so frequent pieces such as "the" weigh least).

Built on first use into the tool's model cache from the fp32 ONNX export (half a minute), like the int8 model.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from interviewer.rag.onnx_model import build_once, ensure_fp32, model_dir

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from tokenizers import Tokenizer

STATIC_VERSION = 1
"""Bump when the recipe changes: the file name carries it, so an old table is never read by new code."""
FIRST_WORD_PIECE = 1996
"""Ids below are padding, unused slots, special tokens and single characters; "the" is 1996."""
BATCH = 1024
DIMENSIONS = 384


def static_path(models: Path) -> Path:
    return models / f"all-MiniLM-L6-v2-static-v{STATIC_VERSION}.npy"


def ensure_static(models: Path) -> Path:
    """The static table, built unless that was done before; safe across processes."""
    target = static_path(models)
    if target.exists():
        return target
    source = ensure_fp32(models)
    return build_once(models, target, lambda partial: np.save(partial, _distil(source)))


def _distil(onnx_path: Path) -> NDArray[np.float16]:
    import onnxruntime
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 2
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
    size = tokenizer.get_vocab_size()
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    table = np.zeros((size, DIMENSIONS), dtype=np.float32)
    for start in range(0, size, BATCH):
        ids = np.arange(start, min(size, start + BATCH), dtype=np.int64)
        batch = np.stack([np.full_like(ids, cls), ids, np.full_like(ids, sep)], axis=1)
        hidden = session.run(None, {"input_ids": batch, "attention_mask": np.ones_like(batch),
                                    "token_type_ids": np.zeros_like(batch)})[0]
        table[ids] = hidden.mean(axis=1)
    table -= table[FIRST_WORD_PIECE:].mean(axis=0)
    table /= np.maximum(np.linalg.norm(table, axis=1, keepdims=True), 1e-12)
    return table.astype(np.float16)


MEMORY = 200_000
"""Texts whose vectors an embedder remembers before it starts afresh."""

_lock = threading.Lock()
_tables: dict[Path, tuple[NDArray[np.float32], NDArray[np.float32]]] = {}


def _table(models: Path) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """The piece vectors and the piece weights, loaded once per process."""
    with _lock:
        if models not in _tables:
            vectors = np.load(ensure_static(models)).astype(np.float32)
            rank = np.maximum(np.arange(len(vectors)) - FIRST_WORD_PIECE + 2, 1)
            _tables[models] = vectors, np.log1p(rank).astype(np.float32)
        return _tables[models]


@functools.cache
def _tokenizer() -> Tokenizer:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


class StaticEmbedder:
    """Texts in, unit vectors out (384 dimensions, the same space as the pieces of all-MiniLM-L6-v2)."""

    def __init__(self, models: Path | None = None) -> None:
        if models is None:
            from interviewer.config import get_settings

            models = get_settings().cache_dir / "models"
        self._vectors, self._weights = _table(models)
        self._tokenizer = _tokenizer()
        self._memory: dict[str, NDArray[np.float32]] = {}

    def pieces(self, texts: Sequence[str]) -> list[list[int]]:
        """The word-piece ids of each text (no special tokens)."""
        return [encoding.ids[1:-1] for encoding in self._tokenizer.encode_batch(list(texts))]

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        missing = [text for text in dict.fromkeys(texts) if text not in self._memory]
        if len(self._memory) + len(missing) > MEMORY:
            self._memory.clear()
            missing = list(dict.fromkeys(texts))
        for text, ids in zip(missing, self.pieces(missing), strict=True):
            self._memory[text] = self._pool(ids)
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.stack([self._memory[text] for text in texts])

    def _pool(self, ids: list[int]) -> NDArray[np.float32]:
        if not ids:
            return np.zeros(DIMENSIONS, dtype=np.float32)
        vector = self._weights[ids] @ self._vectors[ids]
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 0 else vector
