"""`parley analytics eval-sentiment | eval-forecast | split` on small files: one figure per line
as `name: value`, figures far above chance, and bad input refused."""

from __future__ import annotations

import csv
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parley.analytics.mining.datasets import load_interval_series, load_labelled_texts
from tests.analytics.mining_data import labelled_rows, weekly_series, write_series

FIGURE = re.compile(r"^([a-z0-9 %_]+): (-?[0-9.]+|[^\n]+)$")


def run(*args: str) -> dict[str, str]:
    out = StringIO()
    call_command("analytics", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    if args[0].startswith("eval-"):
        assert all(FIGURE.match(line) for line in lines), lines
    return dict(line.split(": ", 1) for line in lines)


def write_reviews(path: Path, rows: list[tuple[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["label", "review"])
        writer.writerows(rows)


def test_eval_sentiment_trains_on_one_file_and_scores_another(tmp_path: Path) -> None:
    rows = labelled_rows(copies=8)
    write_reviews(tmp_path / "train.csv", rows[:72])
    write_reviews(tmp_path / "test.csv", rows[72:])

    figures = run(
        "eval-sentiment",
        "--train",
        str(tmp_path / "train.csv"),
        "--test",
        str(tmp_path / "test.csv"),
    )

    assert float(figures["accuracy"]) >= 0.8
    assert 0.7 <= float(figures["macro_f1"]) <= 1
    assert float(figures["latency p50 ms"]) > 0
    assert figures["test rows"] == "24"


def test_eval_sentiment_carves_a_validation_split_when_no_test_file(tmp_path: Path) -> None:
    write_reviews(tmp_path / "train.csv", labelled_rows(copies=8))

    figures = run(
        "eval-sentiment", "--train", str(tmp_path / "train.csv"), "--validation-fraction", "0.25"
    )

    assert figures["test rows"] == "24" and figures["train rows"] == "72"
    assert float(figures["accuracy"]) >= 0.7


def test_eval_forecast_prints_the_four_figures(tmp_path: Path) -> None:
    series = weekly_series(weeks=14, weekdays_only=True)
    write_series(tmp_path / "calls.csv", series)

    figures = run("eval-forecast", "--train", str(tmp_path / "calls.csv"))

    mae, naive = float(figures["mae"]), float(figures["naive mae"])
    assert float(figures["improvement"]) == pytest.approx(1 - mae / naive, abs=1e-3)
    assert float(figures["improvement"]) > 0.05
    assert 0 < float(figures["mase"]) < 1.5
    assert figures["test intervals"] == str(20 * 48)  # four weeks of weekdays


def test_split_writes_files_the_evaluations_read(tmp_path: Path) -> None:
    write_reviews(tmp_path / "reviews.csv", labelled_rows(copies=5))
    write_series(tmp_path / "calls.csv", weekly_series(weeks=6))

    written = run(
        "split",
        "--input",
        str(tmp_path / "reviews.csv"),
        "--train-out",
        str(tmp_path / "a.csv"),
        "--test-out",
        str(tmp_path / "b.csv.gz"),
    )
    run(
        "split",
        "--input",
        str(tmp_path / "calls.csv"),
        "--holdout-days",
        "7",
        "--train-out",
        str(tmp_path / "c.csv"),
        "--test-out",
        str(tmp_path / "d.csv"),
    )

    assert written == {"a.csv": "48 rows", "b.csv.gz": "12 rows"}
    assert len(load_labelled_texts(tmp_path / "a.csv")) == 48
    assert len(load_labelled_texts(tmp_path / "b.csv.gz")) == 12
    assert len(load_interval_series(tmp_path / "d.csv")) == 7 * 48


def test_a_file_of_another_kind_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "other.csv").write_text("a,b\n1,2\n")

    with pytest.raises(CommandError, match="expected"):
        call_command("analytics", "eval-sentiment", "--train", str(tmp_path / "other.csv"))
    with pytest.raises(CommandError):
        call_command("analytics", "eval-forecast", "--train", str(tmp_path / "missing.csv"))
