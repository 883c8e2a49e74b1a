"""Knowledge-base search at 10,000 entries: BM25 (parley.bot.nlp.retrieval) against a linear scan.

    python bench/bot_retrieval.py --atec DIR/atec_question_matching/train.tsv \
        --clinc DIR/clinc150/data_full_train_val.json

Entries are real customer questions: 5,000 Chinese ones from ATEC (Alipay customer service;
a query is the other question of a pair labelled "same meaning") and 5,000 English ones from
CLINC150 (a query is another question of the same intent). Without the files, entries are
generated from a made-up vocabulary, which measures latency only. The datasets are read here,
never copied into the repository. The baseline is what one would write without an index: score
every entry by how many query tokens it shares, in plain Python, in the same process.
"""

from __future__ import annotations

import argparse
import csv
import heapq
import json
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from parley.bot.nlp.retrieval import IndexDoc, SearchIndex
from parley.bot.nlp.tokenize import query_tokens, tokenize

Entry = tuple[IndexDoc, str]  # the document and its "answer key"
Query = tuple[str, str]  # the question and the key of the entries that answer it


def atec(path: Path, count: int) -> tuple[list[Entry], list[Query]]:
    entries: list[Entry] = []
    queries: list[Query] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["label"] != "1" or row["sentence1"] in seen:
                continue
            seen.add(row["sentence1"])
            key = f"zh{len(entries)}"
            entries.append((IndexDoc(id=len(entries), title=row["sentence1"], text=""), key))
            if len(queries) < 500:
                queries.append((row["sentence2"], key))
            if len(entries) == count:
                break
    return entries, queries


def clinc(path: Path, count: int, first_id: int) -> tuple[list[Entry], list[Query]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = data["train"][:]
    random.Random(7).shuffle(rows)
    entries = [
        (IndexDoc(id=first_id + i, title=text, text=""), label)
        for i, (text, label) in enumerate(rows[:count])
    ]
    keys = {label for _, label in entries}
    queries = [(text, label) for text, label in data["val"] if label in keys][::6][:500]
    return entries, queries


def generated(count: int) -> tuple[list[Entry], list[Query]]:
    rng = random.Random(7)
    vocabulary = [f"w{i}" for i in range(5000)] + [f"词{i}" for i in range(3000)]
    entries: list[Entry] = []
    for i in range(count):
        words = rng.sample(vocabulary, 12)
        entries.append((IndexDoc(id=i, title=" ".join(words[:5]), text=" ".join(words)), str(i)))
    queries = [
        (" ".join(rng.sample(entries[i][0].text.split(), 3)), str(i))
        for i in rng.sample(range(count), 500)
    ]
    return entries, queries


def overlap_scan(entries: list[Entry]) -> Callable[[str, int], list[int]]:
    token_sets = [(doc.id, set(tokenize(f"{doc.title} {doc.text}"))) for doc, _ in entries]

    def search(query: str, k: int) -> list[int]:
        wanted = set(query_tokens(query))
        scored = ((len(wanted & tokens), doc_id) for doc_id, tokens in token_sets)
        return [doc_id for score, doc_id in heapq.nlargest(k, scored) if score > 0]

    return search


def measure(
    name: str, search: Callable[[str, int], list[int]], queries: list[Query], keys: dict[int, str]
) -> None:
    times: list[float] = []
    top1 = top5 = 0
    for text, key in queries:
        started = time.perf_counter()
        found = search(text, 5)
        times.append((time.perf_counter() - started) * 1000)
        top1 += bool(found) and keys[found[0]] == key
        top5 += any(keys[doc_id] == key for doc_id in found)
    times.sort()
    p50 = statistics.median(times)
    p99 = times[min(len(times) - 1, round(0.99 * len(times)))]
    print(
        f"{name:<22} p50 {p50:7.3f} ms   p99 {p99:7.3f} ms   "
        f"hit@1 {top1 / len(queries):.3f}   hit@5 {top5 / len(queries):.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--atec", type=Path, help="ATEC question-matching train.tsv")
    parser.add_argument("--clinc", type=Path, help="CLINC150 data_full_train_val.json")
    parser.add_argument("--entries", type=int, default=10_000)
    args = parser.parse_args()

    if args.atec and args.clinc:
        zh_entries, zh_queries = atec(args.atec, args.entries // 2)
        en_entries, en_queries = clinc(args.clinc, args.entries - len(zh_entries), len(zh_entries))
        entries = zh_entries + en_entries
        suites = {"Chinese (ATEC)": zh_queries, "English (CLINC150)": en_queries}
    else:
        entries, queries = generated(args.entries)
        suites = {"generated": queries}
    keys = {doc.id: key for doc, key in entries}

    started = time.perf_counter()
    index = SearchIndex.build([doc for doc, _ in entries])
    print(f"entries: {len(entries)}; BM25 index built in {time.perf_counter() - started:.2f} s")
    scan = overlap_scan(entries)

    def bm25(query: str, k: int) -> list[int]:
        return [hit.id for hit in index.search(query, k)]

    for suite, queries in suites.items():
        print(f"-- {suite}: {len(queries)} queries")
        measure("BM25 (bm25s)", bm25, queries, keys)
        measure("token-overlap scan", scan, queries, keys)


if __name__ == "__main__":
    main()
