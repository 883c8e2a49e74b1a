"""Loading the evaluation files and splitting them reproducibly."""

from __future__ import annotations

import gzip
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from parley.analytics.mining.datasets import (
    DatasetFormatError,
    IntervalSeries,
    LabelledTexts,
    load_interval_series,
    load_labelled_texts,
    split_interval_series,
    split_labelled_texts,
    write_rows,
)


def test_reads_label_review_files(tmp_path: Path) -> None:
    path = tmp_path / "waimai.csv"
    path.write_text('label,review\n1,"很快，好吃"\n0,太慢了\n0,\n', encoding="utf-8")

    data = load_labelled_texts(path)

    assert data.texts == ["很快，好吃", "太慢了"]  # the empty review is skipped
    assert data.labels == ["1", "0"]


def test_reads_gzip_with_categories_and_strips_stray_boms(tmp_path: Path) -> None:
    path = tmp_path / "shopping.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\ufeffcat,label,review\n书籍,1,\ufeff好书\n酒店,0,房间很脏\n")

    data = load_labelled_texts(path)

    assert data.texts == ["好书", "房间很脏"]
    assert data.groups == ["书籍", "酒店"]


def test_reads_the_airline_tweets_by_column_name(tmp_path: Path) -> None:
    path = tmp_path / "tweets.csv"
    path.write_text(
        "tweet_id,airline_sentiment,airline_sentiment_confidence,text\n"
        "570306133677760513,neutral,1.0,@VirginAmerica What @dhepburn said.\n"
        '570301130888122368,negative,0.7,"@united late, again"\n',
        encoding="utf-8",
    )

    data = load_labelled_texts(path)

    assert data.labels == ["neutral", "negative"]
    assert data.texts[1] == "@united late, again"
    assert data.rows[0][0] == "570306133677760513"  # the id stays a string


def test_unknown_columns_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")

    with pytest.raises(DatasetFormatError):
        load_labelled_texts(path)
    with pytest.raises(DatasetFormatError):
        load_interval_series(path)


def test_split_is_stratified_reproducible_and_keeps_duplicates_together() -> None:
    texts = [f"text {i}" for i in range(100)] + ["same"] * 5
    labels = ["1" if i % 3 else "0" for i in range(100)] + ["1"] * 5
    header = ["label", "review"]
    rows = [[label, text] for label, text in zip(labels, texts, strict=True)]
    data = LabelledTexts(texts=texts, labels=labels, groups=[""] * 105, header=header, rows=rows)

    train, held = split_labelled_texts(data, fraction=0.2, seed=3)
    again_train, again_held = split_labelled_texts(data, fraction=0.2, seed=3)

    assert held.texts == again_held.texts and train.texts == again_train.texts
    assert len(train) + len(held) == 105
    assert not set(train.texts) & set(held.texts)
    shares = Counter(held.labels)
    assert 5 <= shares["0"] <= 9 and 13 <= shares["1"] <= 19  # about 20% of 34 and of 71


def test_series_loader_reads_both_formats_in_time_order(tmp_path: Path) -> None:
    six = tmp_path / "six.csv"
    six.write_text(
        "interval_start,date,weekday,interval_of_day,calls\n"
        "1999-01-01 00:06,1999-01-01,Friday,2,0\n"
        "1999-01-01 00:00,1999-01-01,Friday,1,2\n",
        encoding="utf-8",
    )
    five = tmp_path / "five.csv"
    five.write_text("DateTime,Calls\n2003-03-03 07:00,111\n2003-03-03 07:05,113\n")

    first, second = load_interval_series(six), load_interval_series(five)

    assert first.starts == [datetime(1999, 1, 1, 0, 0), datetime(1999, 1, 1, 0, 6)]
    assert first.counts == [2.0, 0.0]
    assert second.counts == [111.0, 113.0]
    assert second.step.total_seconds() == 300


def test_series_split_holds_out_the_last_calendar_days(tmp_path: Path) -> None:
    starts = [datetime(2024, 1, day, hour) for day in range(1, 11) for hour in (9, 10)]
    series = IntervalSeries(
        starts=starts,
        counts=[1.0] * 20,
        header=["DateTime", "Calls"],
        rows=[[s.isoformat(), "1"] for s in starts],
    )

    train, held = split_interval_series(series, holdout_days=3)

    assert {s.day for s in held.starts} == {8, 9, 10}
    assert train.starts[-1] == datetime(2024, 1, 7, 10)


def test_written_split_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "out.csv.gz"
    write_rows(path, ["label", "review"], [["1", "好"], ["0", "差"]])

    assert load_labelled_texts(path).texts == ["好", "差"]
