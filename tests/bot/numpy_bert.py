"""A plain numpy forward pass of BERT: the reference the product's ONNX graph is checked against.

It was itself checked once against PyTorch (sentence-transformers, 50 sentences, cosine ≥
0.9999999; docs/bot-engine.md); PyTorch is not a dependency. Kept beside the tests, not in the
product: the product runs the graph in ``parley/bot/intent/bert.py``.

Everything is float32; a batch is ``ids``/``mask`` of shape (batch, length), padded on the right.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import erf  # type: ignore[import-untyped]

from parley.bot.intent.bert import BertConfig

Array = np.ndarray[Any, np.dtype[Any]]


def _layer_norm(x: Array, weight: Array, bias: Array, eps: float) -> Array:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(variance + eps) * weight + bias


def _gelu(x: Array) -> Array:
    return x * 0.5 * (1.0 + erf(x / np.float32(np.sqrt(2.0))))


def _softmax(x: Array) -> Array:
    x = x - x.max(axis=-1, keepdims=True)
    np.exp(x, out=x)
    x /= x.sum(axis=-1, keepdims=True)
    return x


class BertEncoder:
    """The last hidden states of a BERT model for a batch of token ids."""

    def __init__(self, *, config: BertConfig, weights: dict[str, Array]) -> None:
        self.config = config
        # Linear layers are stored (out, in) as in PyTorch; kept transposed once for x @ W, and
        # the query, key and value projections of a layer side by side: one product, not three.
        w = {
            name: (value.T.copy() if name.endswith("weight") and value.ndim == 2 else value)
            for name, value in weights.items()
            if not name.startswith("pooler.") and not name.endswith("position_ids")
        }
        for index in range(config.layers):
            prefix = f"encoder.layer.{index}.attention.self."
            for part in ("weight", "bias"):
                w[f"{prefix}qkv.{part}"] = np.concatenate(
                    [w.pop(f"{prefix}{name}.{part}") for name in ("query", "key", "value")],
                    axis=-1,
                )
        # Embedding tables are stored (rows, hidden): no transposition.
        for name in ("word", "position", "token_type"):
            key = f"embeddings.{name}_embeddings.weight"
            w[key] = np.ascontiguousarray(weights[key])
        self._w = {name: value.astype(np.float32, copy=False) for name, value in w.items()}

    def __call__(self, ids: Array, mask: Array) -> Array:
        """(batch, length, hidden) states; ``mask`` is 1 for real tokens, 0 for padding."""
        config, w = self.config, self._w
        length = ids.shape[1]
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(
            x,
            w["embeddings.LayerNorm.weight"],
            w["embeddings.LayerNorm.bias"],
            config.layer_norm_eps,
        )
        # Padding keys get a large negative score, so no real token attends to them.
        key_bias = ((1.0 - mask.astype(np.float32)) * np.float32(-1e9))[:, None, None, :]
        for index in range(config.layers):
            x = self._layer(x, key_bias, f"encoder.layer.{index}.")
        return x

    def _layer(self, x: Array, key_bias: Array, prefix: str) -> Array:
        config, w = self.config, self._w
        batch, length, hidden = x.shape
        heads = config.heads
        size = hidden // heads

        qkv = x @ w[f"{prefix}attention.self.qkv.weight"] + w[f"{prefix}attention.self.qkv.bias"]
        # (3, batch, heads, length, size)
        query, key, value = qkv.reshape(batch, length, 3, heads, size).transpose(2, 0, 3, 1, 4)
        scores = query @ key.transpose(0, 1, 3, 2) / np.float32(np.sqrt(size)) + key_bias
        context = (_softmax(scores) @ value).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
        attended = (
            context @ w[f"{prefix}attention.output.dense.weight"]
            + w[f"{prefix}attention.output.dense.bias"]
        )
        x = _layer_norm(
            attended + x,
            w[f"{prefix}attention.output.LayerNorm.weight"],
            w[f"{prefix}attention.output.LayerNorm.bias"],
            config.layer_norm_eps,
        )
        inner = _gelu(
            x @ w[f"{prefix}intermediate.dense.weight"] + w[f"{prefix}intermediate.dense.bias"]
        )
        out = inner @ w[f"{prefix}output.dense.weight"] + w[f"{prefix}output.dense.bias"]
        return _layer_norm(
            out + x,
            w[f"{prefix}output.LayerNorm.weight"],
            w[f"{prefix}output.LayerNorm.bias"],
            config.layer_norm_eps,
        )
