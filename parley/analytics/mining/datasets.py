"""Reading the evaluation data sets, and carving reproducible validation splits out of them.

Two kinds of file are read:

* labelled texts for sentiment — ``label,review`` (waimai_10k), ``cat,label,review`` in a gzip
  CSV (online_shopping_10_cats, some reviews starting with a stray U+FEFF), and the Twitter
  airline file (``airline_sentiment`` … ``text``, the tweet id kept as a string);
* interval call counts for forecasting — ``interval_start,…,calls`` (6-minute, round the clock)
  and ``DateTime,Calls`` (5-minute, weekdays 07:00–21:00 with some weekdays missing).

The format is recognised from the header row, gzip from the file's first bytes, so a split
written back out (``write_*``) reads in again the same way. Nothing here knows where the files
live; the commands take paths.
"""

from __future__ import annotations

import csv
import gzip
import io
import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np

_BOM = "\ufeff"


class DatasetFormatError(ValueError):
    """The file is not one of the formats these loaders know."""


@dataclass(frozen=True)
class LabelledTexts:
    """Texts with their sentiment labels; ``groups`` is a stratum per row (e.g. the product
    category), so a split keeps each group's share; ``rows`` keeps every column for writing back."""

    texts: list[str]
    labels: list[str]
    groups: list[str]
    header: list[str]
    rows: list[list[str]]

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, indices: Sequence[int]) -> LabelledTexts:
        return LabelledTexts(
            texts=[self.texts[i] for i in indices],
            labels=[self.labels[i] for i in indices],
            groups=[self.groups[i] for i in indices],
            header=self.header,
            rows=[self.rows[i] for i in indices],
        )


@dataclass(frozen=True)
class IntervalSeries:
    """Counts per fixed-length interval, in time order, with the interval starts (naive local
    clock time, as the files give them)."""

    starts: list[datetime]
    counts: list[float]
    header: list[str]
    rows: list[list[str]]

    def __len__(self) -> int:
        return len(self.counts)

    def subset(self, keep: Sequence[bool]) -> IntervalSeries:
        chosen = [i for i, flag in enumerate(keep) if flag]
        return IntervalSeries(
            starts=[self.starts[i] for i in chosen],
            counts=[self.counts[i] for i in chosen],
            header=self.header,
            # Series built in code (not read from a file) have no source rows.
            rows=[self.rows[i] for i in chosen] if self.rows else [],
        )

    @property
    def step(self) -> timedelta:
        """The interval length: the most common gap between consecutive starts."""
        gaps: dict[timedelta, int] = defaultdict(int)
        for earlier, later in zip(self.starts, self.starts[1:], strict=False):
            gaps[later - earlier] += 1
        if not gaps:
            raise DatasetFormatError("a series needs at least two intervals")
        return max(gaps, key=lambda gap: gaps[gap])


@dataclass(frozen=True)
class DayMatrix:
    """A series as a days × slots matrix (one row per day present, one column per time of day
    seen); slots missing from a day count as zero."""

    dates: list[date]
    slots: list[time]
    counts: np.ndarray

    @classmethod
    def of(cls, series: IntervalSeries) -> DayMatrix:
        dates = sorted({start.date() for start in series.starts})
        slots = sorted({start.time() for start in series.starts})
        day_at = {day: i for i, day in enumerate(dates)}
        slot_at = {slot: i for i, slot in enumerate(slots)}
        counts = np.zeros((len(dates), len(slots)))
        for start, count in zip(series.starts, series.counts, strict=True):
            counts[day_at[start.date()], slot_at[start.time()]] = count
        return cls(dates=dates, slots=slots, counts=counts)

    def until(self, end: int) -> DayMatrix:
        return DayMatrix(dates=self.dates[:end], slots=self.slots, counts=self.counts[:end])

    @property
    def weekdays(self) -> np.ndarray:
        return np.array([day.weekday() for day in self.dates])


def _open_text(path: Path) -> io.TextIOBase:
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return io.TextIOWrapper(path.open("rb"), encoding="utf-8", newline="")


def _csv_rows(path: Path) -> tuple[list[str], Iterator[list[str]]]:
    handle = _open_text(path)
    reader = csv.reader(handle)
    try:
        header = [cell.strip().lstrip(_BOM) for cell in next(reader)]
    except StopIteration:
        raise DatasetFormatError(f"{path.name} is empty") from None

    def rows() -> Iterator[list[str]]:
        with handle:
            yield from reader

    return header, rows()


def _column(header: list[str], *names: str) -> int | None:
    lowered = [cell.lower() for cell in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def load_labelled_texts(path: Path) -> LabelledTexts:
    """Read a sentiment file of any of the known formats (see the module docstring)."""
    header, rows = _csv_rows(path)
    text_at = _column(header, "review", "text")
    label_at = _column(header, "label", "airline_sentiment")
    group_at = _column(header, "cat")
    if text_at is None or label_at is None:
        raise DatasetFormatError(
            f"{path.name}: expected a text column (review/text) and a label column "
            f"(label/airline_sentiment), found {', '.join(header)}"
        )
    texts, labels, groups, kept = [], [], [], []
    for row in rows:
        if len(row) <= max(text_at, label_at):
            continue
        # Stray BOMs sit at the start of some reviews (online_shopping_10_cats).
        text = row[text_at].replace(_BOM, "").strip()
        label = row[label_at].strip()
        if not text or not label:
            continue
        texts.append(text)
        labels.append(label)
        groups.append(row[group_at].strip() if group_at is not None else "")
        kept.append(row)
    if not texts:
        raise DatasetFormatError(f"{path.name} has no labelled rows")
    return LabelledTexts(texts=texts, labels=labels, groups=groups, header=header, rows=kept)


def load_interval_series(path: Path) -> IntervalSeries:
    """Read a call-count series: ``interval_start,…,calls`` or ``DateTime,Calls``."""
    header, rows = _csv_rows(path)
    start_at = _column(header, "interval_start", "datetime")
    count_at = _column(header, "calls")
    if start_at is None or count_at is None:
        raise DatasetFormatError(
            f"{path.name}: expected interval_start/DateTime and calls columns, "
            f"found {', '.join(header)}"
        )
    starts, counts, kept = [], [], []
    for row in rows:
        if len(row) <= max(start_at, count_at) or not row[start_at].strip():
            continue
        try:
            starts.append(datetime.strptime(row[start_at].strip()[:16], "%Y-%m-%d %H:%M"))
            counts.append(float(row[count_at]))
        except ValueError as error:
            raise DatasetFormatError(f"{path.name}: bad row {row!r}") from error
        kept.append(row)
    if len(starts) < 2:
        raise DatasetFormatError(f"{path.name} needs at least two intervals")
    order = sorted(range(len(starts)), key=starts.__getitem__)
    return IntervalSeries(
        starts=[starts[i] for i in order],
        counts=[counts[i] for i in order],
        header=header,
        rows=[kept[i] for i in order],
    )


def split_labelled_texts(
    data: LabelledTexts, *, fraction: float, seed: int
) -> tuple[LabelledTexts, LabelledTexts]:
    """A (train, validation) split holding out about ``fraction`` of each (group × label)
    stratum. Rows with the same text stay on one side — a duplicate on both sides would score
    the model on what it memorised."""
    if not 0 < fraction < 1:
        raise ValueError("fraction must lie between 0 and 1")
    by_text: dict[str, list[int]] = defaultdict(list)
    for index, text in enumerate(data.texts):
        by_text[text].append(index)
    strata: dict[tuple[str, str], list[list[int]]] = defaultdict(list)
    for indices in by_text.values():
        first = indices[0]
        strata[(data.groups[first], data.labels[first])].append(indices)
    rng = random.Random(seed)  # noqa: S311  # a reproducible shuffle, not a secret
    held: list[int] = []
    for key in sorted(strata):
        bundles = strata[key]
        rng.shuffle(bundles)
        target = round(sum(len(bundle) for bundle in bundles) * fraction)
        taken = 0
        for bundle in bundles:
            if taken >= target:
                break
            held.extend(bundle)
            taken += len(bundle)
    held_set = set(held)
    train = [i for i in range(len(data)) if i not in held_set]
    return data.subset(train), data.subset(sorted(held_set))


def split_interval_series(
    series: IntervalSeries, *, holdout_days: int
) -> tuple[IntervalSeries, IntervalSeries]:
    """Hold out the last ``holdout_days`` calendar days (a weekday-only series then holds out
    fewer rows — its missing days are simply absent, as in the real held-out part)."""
    last_day = series.starts[-1].date()
    first_held: date = last_day - timedelta(days=holdout_days - 1)
    keep = [start.date() < first_held for start in series.starts]
    train, test = series.subset(keep), series.subset([not flag for flag in keep])
    if len(train) < 2 or len(test) < 1:
        raise ValueError("the series is too short for that holdout")
    return train, test


def write_rows(path: Path, header: list[str], rows: Sequence[Sequence[str]]) -> None:
    """Write a split back in its source format (gzip when the name ends with .gz)."""
    raw = gzip.open(path, "wb") if path.suffix == ".gz" else path.open("wb")  # noqa: SIM115
    with io.TextIOWrapper(raw, encoding="utf-8", newline="") as handle:  # closes raw too
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
