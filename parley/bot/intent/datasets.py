"""Labelled examples from files, in the formats of the public intent datasets.

- CSV with a header: a ``text`` column and a ``category`` (Banking77), ``label`` or ``intent``
  column.
- JSON list: ``[[text, label], …]`` or ``[{"text": …, "label": …}, …]``.
- JSON object of named splits (CLINC150): ``{"train": [[text, label], …], "val": …,
  "oos_train": …, "oos_val": …}``; ``splits`` names the ones to read. Out-of-scope examples are
  labelled ``oos``.
"""

from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

Example = tuple[str, str]
LABEL_COLUMNS = ("category", "label", "intent")


class DatasetError(ValueError):
    pass


def _pair(item: Any) -> Example:
    if isinstance(item, list | tuple) and len(item) == 2:
        text, label = item
    elif isinstance(item, dict) and "text" in item:
        text = item["text"]
        label = next((item[c] for c in LABEL_COLUMNS if c in item), None)
    else:
        raise DatasetError(f"not a [text, label] pair: {item!r:.80}")
    if not isinstance(text, str) or not isinstance(label, str):
        raise DatasetError(f"text and label must be strings: {item!r:.80}")
    return text, label


def _from_csv(path: Path) -> list[Example]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        label_column = next((c for c in LABEL_COLUMNS if c in columns), None)
        if "text" not in columns or label_column is None:
            raise DatasetError(f"{path.name}: needs a text column and one of {LABEL_COLUMNS}")
        return [(row["text"], row[label_column]) for row in reader]


def load_examples(path: Path, splits: Sequence[str] = ()) -> list[Example]:
    """Examples of ``path``; for a JSON object of splits, those named (missing ones skipped)."""
    if path.suffix.lower() == ".csv":
        return _from_csv(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DatasetError(f"{path.name}: not CSV or JSON ({error})") from error
    if isinstance(data, dict):
        if not splits:
            raise DatasetError(f"{path.name}: name the splits to read ({', '.join(data)})")
        known = [name for name in splits if name in data]
        if not known:
            raise DatasetError(f"{path.name}: none of the splits {list(splits)} is in the file")
        return [_pair(item) for name in known for item in data[name]]
    if isinstance(data, list):
        return [_pair(item) for item in data]
    raise DatasetError(f"{path.name}: expected a list of examples or an object of splits")


def stratified_split(
    examples: Sequence[Example], *, fraction: float, seed: int
) -> tuple[list[Example], list[Example]]:
    """(rest, held out): ``fraction`` of every label's examples held out, the same for a seed.

    Every label with two or more examples gives at least one to each side.
    """
    if not 0 < fraction < 1:
        raise DatasetError("the fraction must be between 0 and 1")
    by_label: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        by_label[example[1]].append(example)
    rng = random.Random(seed)  # noqa: S311 - a reproducible shuffle, not a secret
    rest: list[Example] = []
    held: list[Example] = []
    for label in sorted(by_label):
        group = by_label[label][:]
        rng.shuffle(group)
        count = round(len(group) * fraction)
        count = min(max(count, 1), len(group) - 1) if len(group) >= 2 else 0
        held.extend(group[:count])
        rest.extend(group[count:])
    return rest, held


def write_csv(path: Path, examples: Sequence[Example]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(examples)
