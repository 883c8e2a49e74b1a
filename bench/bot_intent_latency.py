"""Per-query latency of the intent model, with and without the sentence encoder, side by side.

Trains the product's pipeline (``IntentModel.train``) twice on the same examples: as shipped
(TF-IDF + all-MiniLM-L6-v2 embedding) and TF-IDF only (the baseline, embedding weight 0), then
times ``model.predict(text)`` for each test question, as the bot calls it per message. Prints
wall-clock and CPU time (this thread's, ``time.thread_time``) percentiles: on a shared machine
the wall clock counts the time other processes held the core, the CPU time does not.

Latency hardly depends on how many examples a model was trained on (the encoder's cost is per
query token), so ``--per-label`` keeps the training short.

    python bench/bot_intent_latency.py --train DATA/banking77/train.csv --test b77_val.csv
"""

from __future__ import annotations

import argparse
import os
import time
from collections import defaultdict
from pathlib import Path

import django
import numpy as np

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
django.setup()

from parley.bot.intent import features  # noqa: E402
from parley.bot.intent.datasets import load_examples  # noqa: E402
from parley.bot.intent.model import IntentModel  # noqa: E402

SPLITS_TRAIN = ("train", "oos_train")
SPLITS_TEST = ("val", "oos_val")


def _sample(examples: list[tuple[str, str]], per_label: int) -> list[tuple[str, str]]:
    by_label: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for example in examples:
        if len(by_label[example[1]]) < per_label:
            by_label[example[1]].append(example)
    return [e for group in by_label.values() for e in group]


def _time(model: IntentModel, texts: list[str]) -> dict[str, float]:
    model.predict(texts[0])  # the first call loads the encoder
    wall, cpu = [], []
    for text in texts:
        started, started_cpu = time.perf_counter(), time.thread_time()
        model.predict(text)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return {
        "wall p50": float(np.percentile(wall, 50)),
        "wall p99": float(np.percentile(wall, 99)),
        "cpu p50": float(np.percentile(cpu, 50)),
        "cpu p99": float(np.percentile(cpu, 99)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--test", type=Path, required=True)
    parser.add_argument("--per-label", type=int, default=20)
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()

    train = _sample(load_examples(args.train, SPLITS_TRAIN), args.per_label)
    texts = [text for text, _ in load_examples(args.test, SPLITS_TEST)][: args.queries]
    print(f"trained on {len(train)} examples, {len(texts)} queries, load {os.getloadavg()[0]:.1f}")
    shipped_weight = features.EMBEDDING_WEIGHT
    for name, weight in (("TF-IDF only (baseline)", 0.0), ("TF-IDF + MiniLM", shipped_weight)):
        features.EMBEDDING_WEIGHT = weight
        model = IntentModel.train([t for t, _ in train], [label for _, label in train])
        figures = _time(model, texts)
        print(f"{name:24}" + "  ".join(f"{k} {v:6.2f} ms" for k, v in figures.items()))
    print(f"load at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
