"""PII masking on the hot path: every staff message payload is masked, so what does it cost?

    python bench/pii_masking.py [--messages 20000] [--atec DIR/atec_question_matching/train.tsv]

Builds message payloads (wire contract v1) for the same messages with masking (what staff
get) and without (the baseline: what the widget gets, as every payload was before masking),
in the same process, and times `mask_text` alone. Messages are customer-service sentences, one
in ten carrying a phone number, resident ID, card number or e-mail address. With ``--atec``
the sentences are real Chinese customer questions (read here, never copied into the
repository); without it, a small built-in set of Chinese and English sentences is repeated.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")

import django

django.setup()

from parley.conversations.models import Message, SenderType  # noqa: E402
from parley.conversations.payloads import message_payload  # noqa: E402
from parley.privacy.mask import mask_text  # noqa: E402

SENTENCES = [
    "你好，我的快递三天了还没到，能帮我查一下吗？",
    "请问退款什么时候到账",
    "How do I change the delivery address of order 20231115?",
    "我想申请退货，商品有质量问题",
    "The app keeps logging me out, version 3.2.1 on Android",
    "花呗的还款日可以修改吗",
    "Can I pay with a foreign credit card?",
    "订单号 202311150001 的发票怎么开",
]
PII = [
    "我的手机是13812345678，请回电",
    "身份证号 11010519491231002X，帮我核实一下",
    "卡号 6222 0212 3456 7894 扣款失败了",
    "please email me at zhang.san@example.com",
    "call me on +44 7911 123456 after 6pm",
]


def sentences(atec: Path | None, count: int) -> list[str]:
    pool = SENTENCES
    if atec is not None:
        with atec.open(encoding="utf-8") as handle:
            pool = [row["sentence1"] for row in csv.DictReader(handle, delimiter="\t")][:50_000]
    rng = random.Random(7)
    return [rng.choice(PII) if i % 10 == 0 else rng.choice(pool) for i in range(count)]


def messages(bodies: list[str]) -> list[Message]:
    now = datetime.now(UTC)
    return [
        Message(
            pk=i,
            seq=i,
            conversation_id=1,
            sender_type=SenderType.CONTACT,
            kind="text",
            body=body,
            private=False,
            data={},
            created_at=now,
        )
        for i, body in enumerate(bodies, start=1)
    ]


def per_item_us(run: Callable[[], object], items: int, repeats: int = 5) -> tuple[float, float]:
    """Median and best of ``repeats`` runs, in microseconds per item."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) / items * 1e6)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--atec", type=Path)
    args = parser.parse_args()
    bodies = sentences(args.atec, args.messages)
    rows = messages(bodies)
    clean = [b for i, b in enumerate(bodies) if i % 10]
    with_pii = [b for i, b in enumerate(bodies) if i % 10 == 0]

    figures = {
        "payload, no masking (baseline)": per_item_us(
            lambda: [message_payload(m, [], clear=True) for m in rows], len(rows)
        ),
        "payload, masked (staff)": per_item_us(
            lambda: [message_payload(m, []) for m in rows], len(rows)
        ),
        "mask_text, message without PII": per_item_us(
            lambda: [mask_text(b) for b in clean], len(clean)
        ),
        "mask_text, message with PII": per_item_us(
            lambda: [mask_text(b) for b in with_pii], len(with_pii)
        ),
    }
    source = f"ATEC ({args.atec.name})" if args.atec else "built-in sentences"
    print(f"{len(rows)} messages, 1 in 10 with PII, {source}")
    print(f"{'':34} {'median µs':>10} {'best µs':>10}")
    for name, (median, best) in figures.items():
        print(f"{name:34} {median:10.2f} {best:10.2f}")
    base = figures["payload, no masking (baseline)"][0]
    masked = figures["payload, masked (staff)"][0]
    print(f"masking adds {masked - base:.2f} µs per payload ({masked / base:.2f}× the baseline)")


if __name__ == "__main__":
    main()
