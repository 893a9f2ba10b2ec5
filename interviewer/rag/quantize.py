"""The fp32 ONNX export of all-MiniLM-L6-v2 turned into a batch-independent int8 model (1.7x the throughput).

Every weight MatMul of the encoder (Q, K, V, attention output, FFN up, FFN down: 36) becomes

    x' = x / s                                       SmoothQuant: moves activation outliers into the weights
    q  = uint8(clip(round(x' / (max_row|x'| / 127)) + 128))     one scale per token row
    y  = float(MatMulInteger(q, W'_int8, 128)) * row_scale * column_scale     W' = diag(s) W, per column

LayerNorm, softmax, GELU, the attention-score products and the embeddings stay fp32. No scale depends on
another row of the batch, so a sentence gets the same vector alone or with any other sentences (ONNX Runtime's
own dynamic quantisation scales per batch, which would make grades depend on what happened to be cached).

The smoothing factors s_j = max|x_j|^0.5 / max|W_j|^0.5 come from the fp32 model's activation maxima over a
fixed calibration text (`data/quantization_calibration.yaml`), so the build is deterministic. The FFN-down input
(GELU output) is quantised without smoothing: smoothing it hurt fidelity. Measured against fp32 on 970 corpus
sentences: cosine mean 0.9987, min 0.994.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from interviewer.rag.corpus import read_yaml_file

if TYPE_CHECKING:
    import onnx
    from numpy.typing import NDArray

ALPHA = 0.5
UNSMOOTHED_INPUT = "intermediate_act_fn"
"""The GELU output feeding FFN-down (the name torch's exporter gives it)."""


CALIBRATION_FILE = Path(__file__).resolve().parent.parent / "data" / "quantization_calibration.yaml"


def calibration_sentences() -> list[str]:
    sentences: list[str] = read_yaml_file(CALIBRATION_FILE, "calibration file")["sentences"]
    return sentences


def quantize(source: Path, target: Path, tokenizer_path: Path, max_tokens: int) -> int:
    """Write the int8 model for the fp32 model at `source`; returns how many MatMuls were quantised."""
    maxima = activation_maxima(source, calibration_sentences(), tokenizer_path, max_tokens)
    smoothed = {name: values for name, values in maxima.items() if UNSMOOTHED_INPUT not in name}
    return _rewrite(source, target, smoothed)


def _is_weight_matmul(node: onnx.NodeProto, weights: dict[str, onnx.TensorProto]) -> bool:
    return node.op_type == "MatMul" and node.input[1] in weights and len(weights[node.input[1]].dims) == 2


def _weight_matmuls(model: onnx.ModelProto) -> list[onnx.NodeProto]:
    weights = {init.name: init for init in model.graph.initializer}
    return [node for node in model.graph.node if _is_weight_matmul(node, weights)]


def activation_maxima(source: Path, sentences: list[str], tokenizer_path: Path, max_tokens: int,
                      batch: int = 32) -> dict[str, NDArray[np.float32]]:
    """Per-channel max |x| of every weight MatMul's input over the real (unpadded) tokens of `sentences`."""
    import onnx
    import onnxruntime
    from tokenizers import Tokenizer

    model = onnx.load(str(source))
    names = sorted({node.input[0] for node in _weight_matmuls(model)})
    for name in names:
        model.graph.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 2
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.enable_truncation(max_tokens)
    tokenizer.enable_padding()
    maxima: dict[str, NDArray[np.float32]] = {}
    for start in range(0, len(sentences), batch):
        encodings = tokenizer.encode_batch(sentences[start : start + batch])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=bool)
        outputs = session.run(names, {"input_ids": ids, "attention_mask": mask.astype(np.int64),
                                      "token_type_ids": np.zeros_like(ids)})
        for name, values in zip(names, outputs, strict=True):
            largest = np.abs(values[mask]).max(axis=0)
            maxima[name] = np.maximum(maxima[name], largest) if name in maxima else largest
    return maxima


def _smoothing(model: onnx.ModelProto, maxima: dict[str, NDArray[np.float32]]) -> dict[str, NDArray[np.float32]]:
    """s per input channel, over all the weights that share an input (Q, K and V share theirs)."""
    from onnx import numpy_helper

    weights = {init.name: init for init in model.graph.initializer}
    weight_max: dict[str, NDArray[np.float32]] = {}
    for node in _weight_matmuls(model):
        largest = np.abs(numpy_helper.to_array(weights[node.input[1]])).max(axis=1)
        x = node.input[0]
        weight_max[x] = np.maximum(weight_max[x], largest) if x in weight_max else largest
    return {x: (np.maximum(maxima[x], 1e-5) ** ALPHA / np.maximum(w, 1e-5) ** (1 - ALPHA)).astype(np.float32)
            for x, w in weight_max.items() if x in maxima}


def _rewrite(source: Path, target: Path, maxima: dict[str, NDArray[np.float32]]) -> int:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    weights = {init.name: init for init in graph.initializer}
    smooth = _smoothing(model, maxima)
    added: list[onnx.TensorProto] = []

    def constant(name: str, value: NDArray[np.generic]) -> str:
        added.append(numpy_helper.from_array(value, name))
        return name

    c127 = constant("q/127", np.array(127.0, np.float32))
    tiny = constant("q/eps", np.array(1e-8, np.float32))
    c128 = constant("q/128", np.array(128.0, np.float32))
    low = constant("q/0", np.array(0.0, np.float32))
    high = constant("q/255", np.array(255.0, np.float32))
    zero_point = constant("q/zero_point", np.array(128, np.uint8))

    nodes: list[onnx.NodeProto] = []
    rows: dict[str, tuple[str, str]] = {}  # activation -> (its uint8 rows, their scales)
    quantized = 0
    for count, node in enumerate(graph.node):
        if not _is_weight_matmul(node, weights):
            nodes.append(node)
            continue
        quantized += 1
        x, p = node.input[0], f"q/{count}"
        if x not in rows:
            source_x = x
            if x in smooth:
                source_x = f"{p}/smoothed"
                nodes.append(helper.make_node("Mul", [x, constant(f"{p}/inverse_s", 1 / smooth[x])], [source_x]))
            nodes += [
                helper.make_node("Abs", [source_x], [f"{p}/abs"]),
                helper.make_node("ReduceMax", [f"{p}/abs"], [f"{p}/rowmax"], axes=[-1], keepdims=1),
                helper.make_node("Max", [f"{p}/rowmax", tiny], [f"{p}/rowmax_safe"]),
                helper.make_node("Div", [f"{p}/rowmax_safe", c127], [f"{p}/scale"]),
                helper.make_node("Div", [source_x, f"{p}/scale"], [f"{p}/scaled"]),
                helper.make_node("Round", [f"{p}/scaled"], [f"{p}/rounded"]),
                helper.make_node("Add", [f"{p}/rounded", c128], [f"{p}/shifted"]),
                helper.make_node("Clip", [f"{p}/shifted", low, high], [f"{p}/clipped"]),
                helper.make_node("Cast", [f"{p}/clipped"], [f"{p}/uint8"], to=TensorProto.UINT8),
            ]
            rows[x] = (f"{p}/uint8", f"{p}/scale")
        x_uint8, x_scale = rows[x]
        w = numpy_helper.to_array(weights[node.input[1]]).astype(np.float32)
        if x in smooth:
            w = w * smooth[x][:, None]
        w_scale = (np.maximum(np.abs(w).max(axis=0), 1e-12) / 127).astype(np.float32)
        w_int8 = np.clip(np.round(w / w_scale), -127, 127).astype(np.int8)
        nodes += [
            helper.make_node("MatMulInteger", [x_uint8, constant(f"{p}/w", w_int8), zero_point], [f"{p}/int32"]),
            helper.make_node("Cast", [f"{p}/int32"], [f"{p}/float"], to=TensorProto.FLOAT),
            helper.make_node("Mul", [f"{p}/float", x_scale], [f"{p}/row_scaled"]),
            helper.make_node("Mul", [f"{p}/row_scaled", constant(f"{p}/w_scale", w_scale)], list(node.output)),
        ]
    used = {name for node in nodes for name in node.input}
    kept = [init for init in graph.initializer if init.name in used]
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept + [init for init in added if init.name in used])
    onnx.checker.check_model(model)
    onnx.save(model, str(target))
    return quantized
