"""`parley analytics train-sentiment`: trains on data set files plus the seed set, swaps the new
version in, and refuses bad input without changing the active model."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from parley.analytics.models import SentimentModelVersion
from parley.analytics.sentiment.scoring import score_texts
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _reviews(tmp_path: Path) -> Path:
    path = tmp_path / "waimai_sample.csv"
    rows = []
    for i in range(15):
        rows.append(f"1,很好吃，配送很快，下次还点 {i}")
        rows.append(f"0,送餐太慢了，饭都凉了，再也不点 {i}")
    path.write_text("label,review\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _run(*args: str) -> str:
    out = StringIO()
    call_command("analytics", "train-sentiment", *args, stdout=out)
    return out.getvalue()


def test_training_on_a_file_makes_a_new_active_version(world: World, tmp_path: Path) -> None:
    output = _run("--workspace", world.workspace.slug, "--data", str(_reviews(tmp_path)))

    lines = dict(line.split(": ", 1) for line in output.strip().splitlines())
    assert lines["version"] == "1"
    assert int(lines["trained_on"]) == 30 + 326
    assert set(lines) >= {"negative", "neutral", "positive", "seconds"}
    version = SentimentModelVersion.objects.get(workspace=world.workspace, active=True)
    assert version.sources == ["seed", "waimai_sample.csv"]
    (scored,) = score_texts(version=version, texts=["饭都凉了，太慢了"])
    assert scored.label == "negative"

    _run("--workspace", world.workspace.slug, "--data", str(_reviews(tmp_path)), "--no-seed")
    active = SentimentModelVersion.objects.get(workspace=world.workspace, active=True)
    assert (active.version, active.sources) == (2, ["waimai_sample.csv"])
    assert SentimentModelVersion.objects.filter(workspace=world.workspace).count() == 2


def test_a_background_training_is_a_job(world: World, tmp_path: Path) -> None:
    assert (
        _run("--workspace", world.workspace.slug, "--data", str(_reviews(tmp_path)), "--background")
        == "queued: 1\n"
    )
    # Jobs run where they are queued in tests.
    assert SentimentModelVersion.objects.get(workspace=world.workspace, active=True).version == 1


@pytest.mark.parametrize(
    "content",
    ["id,comment\n1,hello\n", "label,review\n5,hello\n"],
    ids=["unknown columns", "unknown label"],
)
def test_bad_files_change_nothing(world: World, tmp_path: Path, content: str) -> None:
    sentiment_before = _run("--workspace", world.workspace.slug)  # seed only: version 1
    assert sentiment_before.startswith("version: 1")
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError):
        _run("--workspace", world.workspace.slug, "--data", str(bad))
    assert SentimentModelVersion.objects.get(workspace=world.workspace, active=True).version == 1
    assert SentimentModelVersion.objects.filter(workspace=world.workspace).count() == 1


def test_unknown_workspace_or_file_is_refused(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No workspace"):
        _run("--workspace", "nope")
    with pytest.raises(CommandError, match="No such file"):
        _run("--workspace", world.workspace.slug, "--data", str(tmp_path / "missing.csv"))
    assert not SentimentModelVersion.objects.exists()
