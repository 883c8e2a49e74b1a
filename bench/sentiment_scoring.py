"""Sentiment scoring: what the batched job costs per message against scoring one message at a
time (what scoring on the request path would cost), and how the product's labels fall on real
customer-service questions.

    python bench/sentiment_scoring.py [--data DATA/waimai_10k/train.csv ...]
        [--atec DATA/atec_question_matching/train.tsv] [--messages 2000]

Trains the model the product uses (the seed set plus ``--data`` files, as `parley analytics
train-sentiment` does), then scores the same messages in batches of 200 (the job) and one by
one (the baseline), in the same process. With ``--atec`` the messages are real Chinese
customer questions (read here, never copied into the repository) and the label shares show how
often plain questions would be called negative; without it, the seed pool of the demo is
repeated.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")

import django

django.setup()

from parley.analytics.mining import sentiment  # noqa: E402
from parley.analytics.sentiment.demo import SAY  # noqa: E402
from parley.analytics.sentiment.scoring import BATCH, score_probabilities  # noqa: E402
from parley.analytics.sentiment.versions import training_set  # noqa: E402


def messages(atec: Path | None, n: int) -> list[str]:
    rng = random.Random(5)
    if atec is None:
        pool = [t for texts in SAY.values() for t in texts]
    else:
        with atec.open(encoding="utf-8") as f:
            pool = sorted(
                {r[1] for r in csv.reader(f, delimiter="\t") if len(r) > 2 and r[0] != "id"}
            )
    return [rng.choice(pool) for _ in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, action="append", default=[])
    parser.add_argument("--atec", type=Path)
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()

    data = training_set(paths=args.data)
    started = time.perf_counter()
    # as sentiment_model_train does: balanced class weights when the seed's neutral class is in
    config = sentiment.SentimentConfig(balanced=True) if len(set(data.labels)) > 2 else None
    model = sentiment.train(data.texts, data.labels, config=config)
    print(f"trained on: {len(data.texts)} ({', '.join(data.sources)})")
    print(f"train seconds: {time.perf_counter() - started:.1f}")

    texts = messages(args.atec, args.messages)
    sentiment.words(texts[0])  # jieba's dictionary loads once, outside the timings

    started = time.perf_counter()
    labels: list[str] = []
    for i in range(0, len(texts), BATCH):
        rows = model.predict_proba(texts[i : i + BATCH])
        labels += [score_probabilities(model.labels, r).label for r in rows]
    batched = time.perf_counter() - started

    started = time.perf_counter()
    for text in texts:
        score_probabilities(model.labels, model.predict_proba([text])[0])
    single = time.perf_counter() - started

    n = len(texts)
    print(f"messages: {n}")
    print(f"batched ({BATCH}) messages/s: {n / batched:.0f}")
    print(f"one at a time messages/s: {n / single:.0f}")
    print(f"speed-up: {single / batched:.1f}")
    shares = Counter(labels)
    for label in ("negative", "neutral", "positive"):
        print(f"share {label}: {shares[label] / n:.3f}")


if __name__ == "__main__":
    main()
