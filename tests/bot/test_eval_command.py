import csv
import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.bot.intent_samples import INTENTS, examples

LINE = re.compile(r"^[a-z][a-z0-9 _-]*: \d+\.\d+$")
OOS = [
    "what is the weather tomorrow",
    "tell me a joke",
    "who won the football game",
    "play some music",
    "what is the capital of france",
    "how tall is mount everest",
    "recommend a good film",
    "what is two plus two",
]


def write_csv(path, rows, label_column="category"):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", label_column])
        writer.writerows(rows)


def run(*args: str) -> dict[str, float]:
    out = StringIO()
    call_command("bot", *args, stdout=out)
    lines = out.getvalue().splitlines()
    assert all(LINE.match(line) for line in lines), lines
    return {name: float(value) for name, value in (line.split(": ") for line in lines)}


def held_out() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    train, test = [], []
    for label, texts in INTENTS.items():
        # Two of each intent held out: an English one and a Chinese one.
        test += [(texts[1], label), (texts[8], label)]
        train += [(t, label) for i, t in enumerate(texts) if i not in (1, 8)]
    return train, test


def test_eval_on_a_banking77_style_csv_prints_every_figure(tmp_path):
    train, test = held_out()
    write_csv(tmp_path / "train.csv", train)
    write_csv(tmp_path / "test.csv", test)

    figures = run(
        "eval", "--train", str(tmp_path / "train.csv"), "--test", str(tmp_path / "test.csv")
    )

    assert list(figures)[:3] == ["accuracy", "macro_f1", "in-scope accuracy"]
    assert "oos recall" not in figures  # the test data has no oos label
    assert figures["accuracy"] >= 0.5
    assert 0 < figures["latency p50 ms"] <= figures["latency p99 ms"] < 1000


def test_eval_on_a_clinc150_style_json_reports_out_of_scope(tmp_path):
    train, test = held_out()
    data = {
        "train": [list(row) for row in train],
        "oos_train": [[text, "oos"] for text in OOS[:5]],
        "val": [list(row) for row in test],
        "oos_val": [[text, "oos"] for text in OOS[5:]],
    }
    path = tmp_path / "clinc.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    figures = run("eval", "--train", str(path), "--test", str(path), "--oos-threshold", "0.2")

    for name in ("accuracy", "macro_f1", "in-scope accuracy", "oos precision", "oos recall"):
        assert 0 <= figures[name] <= 1
    assert figures["in-scope accuracy"] >= 0.5
    assert figures["threshold"] == 0.2


def test_split_is_stratified_and_the_same_for_a_seed(tmp_path):
    write_csv(tmp_path / "all.csv", examples(), label_column="label")
    outputs = []
    for attempt in ("a", "b"):
        train, test = tmp_path / f"train_{attempt}.csv", tmp_path / f"test_{attempt}.csv"
        call_command(
            "bot",
            "split",
            str(tmp_path / "all.csv"),
            "--out-train",
            str(train),
            "--out-test",
            str(test),
            "--fraction",
            "0.2",
            "--seed",
            "5",
            stdout=StringIO(),
        )
        outputs.append((train.read_text(encoding="utf-8"), test.read_text(encoding="utf-8")))

    assert outputs[0] == outputs[1]
    held = list(csv.DictReader(StringIO(outputs[0][1])))
    assert len(held) == 2 * len(INTENTS)
    assert {row["label"] for row in held} == set(INTENTS)


def test_a_file_without_labels_is_refused(tmp_path):
    (tmp_path / "bad.csv").write_text("text,score\nhello,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="text column"):
        call_command(
            "bot", "eval", "--train", str(tmp_path / "bad.csv"), "--test", str(tmp_path / "bad.csv")
        )
