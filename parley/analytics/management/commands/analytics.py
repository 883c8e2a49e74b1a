"""`parley analytics …`: measure the mining models on data sets given as files.

    parley analytics eval-sentiment --train FILE [--test FILE | --validation-fraction F --seed N]
    parley analytics eval-forecast --train FILE [--test FILE | --holdout-days 28]
    parley analytics split --input FILE --train-out FILE --test-out FILE [...]
    parley analytics seed-demo [--workspace demo] [--days 28]   (embedded demo mode only)
    parley analytics rebuild-rollups --workspace SLUG   (after the workspace's time zone changed)
    parley analytics train-sentiment [--workspace demo] --data FILE [--data FILE …] [--no-seed]
    parley analytics train-churn --workspace SLUG [--horizon-days 60]   (docs/churn.md)
    parley analytics refresh-profiles --workspace SLUG

Evaluations print one figure per line as ``name: value``. Without ``--test`` a validation part
is carved out of the training file the same way ``split`` does (stratified, identical texts on
one side; or the last days of a series), so a figure can be reproduced from the command alone.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from sklearn.metrics import accuracy_score, f1_score  # type: ignore[import-untyped]

from parley.analytics.customers import commands as customer_commands
from parley.analytics.mining import sentiment
from parley.analytics.mining.datasets import (
    DatasetFormatError,
    LabelledTexts,
    load_interval_series,
    load_labelled_texts,
    split_interval_series,
    split_labelled_texts,
    write_rows,
)
from parley.analytics.mining.forecast import evaluate_forecast


class Command(BaseCommand):
    help = "Evaluate the sentiment and forecast models on files; split data sets reproducibly."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)

        sentiment_parser = actions.add_parser("eval-sentiment", help="train, then score")
        sentiment_parser.add_argument("--train", type=Path, required=True)
        sentiment_parser.add_argument("--test", type=Path)
        sentiment_parser.add_argument("--validation-fraction", type=float, default=0.2)
        sentiment_parser.add_argument("--seed", type=int, default=7)
        sentiment_parser.add_argument("--c", type=float, help="inverse regularisation strength")
        sentiment_parser.add_argument("--per-group", action="store_true", help="accuracy by cat")

        forecast_parser = actions.add_parser("eval-forecast", help="forecast, then score")
        forecast_parser.add_argument("--train", type=Path, required=True)
        forecast_parser.add_argument("--test", type=Path)
        forecast_parser.add_argument("--holdout-days", type=int, default=28)
        forecast_parser.add_argument("--coverage", type=float, default=0.8)

        split_parser = actions.add_parser("split", help="write a train and a validation file")
        split_parser.add_argument("--input", type=Path, required=True)
        split_parser.add_argument("--train-out", type=Path, required=True)
        split_parser.add_argument("--test-out", type=Path, required=True)
        split_parser.add_argument("--validation-fraction", type=float, default=0.2)
        split_parser.add_argument("--seed", type=int, default=7)
        split_parser.add_argument("--holdout-days", type=int, default=28)

        demo_parser = actions.add_parser("seed-demo", help="weeks of synthetic dashboard history")
        demo_parser.add_argument("--workspace", default="demo", help="the workspace's slug")
        demo_parser.add_argument("--days", type=int, default=28)

        rebuild_parser = actions.add_parser("rebuild-rollups", help="after a time zone change")
        rebuild_parser.add_argument("--workspace", required=True, help="the workspace's slug")

        train_parser = actions.add_parser(
            "train-sentiment", help="train a workspace's sentiment model and make it active"
        )
        train_parser.add_argument("--workspace", default="demo", help="the workspace's slug")
        train_parser.add_argument("--data", type=Path, action="append", default=[])
        train_parser.add_argument("--no-seed", action="store_true", help="leave out the seed set")
        train_parser.add_argument("--background", action="store_true", help="queue it as a job")

        churn_parser = actions.add_parser("train-churn", help="train a churn model, rescore")
        churn_parser.add_argument("--workspace", required=True, help="the workspace's slug")
        churn_parser.add_argument("--horizon-days", type=int, default=60)

        profiles_parser = actions.add_parser("refresh-profiles", help="recompute profiles")
        profiles_parser.add_argument("--workspace", required=True, help="the workspace's slug")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            if action == "seed-demo":
                self._seed_demo(**options)
                self._seed_customers(**options)
            elif action == "train-churn":
                customer_commands.train_churn(
                    workspace=options["workspace"],
                    horizon_days=options["horizon_days"],
                    write=self.stdout.write,
                )
            elif action == "refresh-profiles":
                customer_commands.refresh_profiles(
                    workspace=options["workspace"], write=self.stdout.write
                )
            elif action == "rebuild-rollups":
                self._rebuild_rollups(**options)
            elif action == "train-sentiment":
                self._train_sentiment(**options)
            elif action == "eval-sentiment":
                self._eval_sentiment(**options)
            elif action == "eval-forecast":
                self._eval_forecast(**options)
            else:
                self._split(**options)
        except (DatasetFormatError, ValueError, OSError) as error:
            raise CommandError(str(error)) from error

    def _seed_demo(self, *, workspace: str, days: int, **_: Any) -> None:
        from django.core.exceptions import ImproperlyConfigured
        from django.utils import timezone

        from parley.accounts.models import Workspace
        from parley.analytics.demo_history import analytics_demo_seed

        target = Workspace.objects.filter(slug=workspace).first()
        if target is None:
            raise CommandError(f"No workspace {workspace!r}.")
        try:
            seeded = analytics_demo_seed(workspace=target, now=timezone.now(), days=days)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"conversations: {seeded.conversations}")
        self.stdout.write(f"events: {seeded.events}")
        self.stdout.write(f"hour buckets: {seeded.buckets}")
        from parley.analytics.insights.demo import mining_demo_seed
        from parley.analytics.insights.services import mining_snapshots_refresh

        mined = mining_demo_seed(workspace=target, now=timezone.now())
        self.stdout.write(f"customer messages: {mined.messages}")
        snapshots = mining_snapshots_refresh(workspace=target, now=timezone.now())
        self.stdout.write(f"mining snapshots: {sum(1 for s in snapshots if not s.status)}")
        from parley.analytics.sentiment.demo import sentiment_demo_seed

        felt = sentiment_demo_seed(workspace=target, now=timezone.now())
        self.stdout.write(f"sentiment conversations: {felt.conversations}")
        self.stdout.write(f"sentiment messages scored: {felt.scored}")

    def _rebuild_rollups(self, *, workspace: str, **_: Any) -> None:
        from parley.accounts.models import Workspace
        from parley.analytics.rollups import rollups_rebuild

        target = Workspace.objects.filter(slug=workspace).first()
        if target is None:
            raise CommandError(f"No workspace {workspace!r}.")
        self.stdout.write(f"hour buckets: {rollups_rebuild(workspace_id=target.pk)}")

    def _train_sentiment(
        self, *, workspace: str, data: list[Path], no_seed: bool, background: bool, **_: Any
    ) -> None:
        from parley.analytics.sentiment.commands import train_sentiment_command

        try:
            train_sentiment_command(
                write=self.stdout.write,
                workspace_slug=workspace,
                paths=data,
                include_seed=not no_seed,
                background=background,
            )
        except LookupError as error:
            raise CommandError(str(error)) from error

    def _figure(self, name: str, value: float, digits: int = 4) -> None:
        self.stdout.write(f"{name}: {value:.{digits}f}")

    def _sentiment_data(
        self, train: Path, test: Path | None, fraction: float, seed: int
    ) -> tuple[LabelledTexts, LabelledTexts]:
        if test is not None:
            return load_labelled_texts(train), load_labelled_texts(test)
        return split_labelled_texts(load_labelled_texts(train), fraction=fraction, seed=seed)

    def _eval_sentiment(
        self,
        *,
        train: Path,
        test: Path | None,
        validation_fraction: float,
        seed: int,
        c: float | None,
        per_group: bool,
        **_: Any,
    ) -> None:
        fit_on, score_on = self._sentiment_data(train, test, validation_fraction, seed)
        config = sentiment.SentimentConfig(c=c) if c is not None else None
        started = time.perf_counter()
        model = sentiment.train(fit_on.texts, fit_on.labels, config=config)
        trained_in = time.perf_counter() - started
        predicted = model.predict(score_on.texts)
        self._figure("accuracy", accuracy_score(score_on.labels, predicted))
        self._figure("macro_f1", f1_score(score_on.labels, predicted, average="macro"))
        # Latency of one message at a time, as the product classifies them on arrival.
        sample = score_on.texts[:200]
        timings = []
        for text in sample:
            started = time.perf_counter()
            model.predict_proba([text])
            timings.append((time.perf_counter() - started) * 1000)
        self._figure("latency p50 ms", float(np.percentile(timings, 50)), 2)
        self._figure("latency p99 ms", float(np.percentile(timings, 99)), 2)
        self._figure("train seconds", trained_in, 1)
        self.stdout.write(f"train rows: {len(fit_on)}")
        self.stdout.write(f"test rows: {len(score_on)}")
        if per_group:
            for group in sorted({g for g in score_on.groups if g}):
                rows = [i for i, g in enumerate(score_on.groups) if g == group]
                right = sum(predicted[i] == score_on.labels[i] for i in rows)
                self._figure(f"accuracy {group}", right / len(rows))

    def _eval_forecast(
        self, *, train: Path, test: Path | None, holdout_days: int, coverage: float, **_: Any
    ) -> None:
        if test is not None:
            fit_on, score_on = load_interval_series(train), load_interval_series(test)
        else:
            fit_on, score_on = split_interval_series(
                load_interval_series(train), holdout_days=holdout_days
            )
        result = evaluate_forecast(fit_on, score_on, coverage=coverage)
        self._figure("mae", result.mae)
        self._figure("mase", result.mase)
        self._figure("naive mae", result.naive_mae)
        self._figure("improvement", result.improvement)
        self._figure(f"coverage {round(coverage * 100)}%", result.coverage)
        settings = result.settings
        self.stdout.write(
            f"settings: shape_weeks={settings.shape_weeks} level_weeks={settings.level_weeks} "
            f"smoothing={settings.smoothing}"
        )
        self.stdout.write(f"test intervals: {len(score_on)}")

    def _split(
        self,
        *,
        input: Path,
        train_out: Path,
        test_out: Path,
        validation_fraction: float,
        seed: int,
        holdout_days: int,
        **_: Any,
    ) -> None:
        written: list[tuple[list[str], list[list[str]]]]
        try:
            series = split_interval_series(load_interval_series(input), holdout_days=holdout_days)
            written = [(part.header, part.rows) for part in series]
        except DatasetFormatError:
            texts = split_labelled_texts(
                load_labelled_texts(input), fraction=validation_fraction, seed=seed
            )
            written = [(part.header, part.rows) for part in texts]
        for (header, rows), path in zip(written, (train_out, test_out), strict=True):
            write_rows(path, header, rows)
            self.stdout.write(f"{path.name}: {len(rows)} rows")

    def _seed_customers(self, *, workspace: str, **_: Any) -> None:
        from django.core.exceptions import ImproperlyConfigured

        from parley.accounts.models import Workspace

        target = Workspace.objects.filter(slug=workspace).first()
        if target is None:
            raise CommandError(f"No workspace {workspace!r}.")
        try:
            customer_commands.seed_demo(workspace=target, write=self.stdout.write)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
