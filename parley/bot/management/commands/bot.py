"""``parley bot …``: the bot engine from the command line.

    parley bot eval --train FILE --test FILE [--oos-threshold auto|X]
    parley bot split FILE --out-train FILE --out-test FILE [--fraction 0.15] [--seed 13]
    parley bot train --workspace SLUG

``eval`` trains the product's intent pipeline on one file and prints one figure per line
(``accuracy: 0.9312``). See docs/bot-engine.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parley.accounts.models import Workspace
from parley.bot.intent.datasets import DatasetError, load_examples, stratified_split, write_csv
from parley.bot.intent.evaluation import evaluate, format_figures
from parley.bot.intent.model import OOS_LABEL, IntentModel, IntentTrainingError
from parley.bot.selectors import faq_training_examples
from parley.bot.services.intent_models import intent_model_train
from parley.errors import ApplicationError

DEFAULT_TRAIN_SPLITS = "train,oos_train"
DEFAULT_TEST_SPLITS = "val,oos_val"


def _threshold(value: str) -> str | float:
    if value == "auto":
        return value
    try:
        number = float(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError("auto or a number between 0 and 1") from error
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError("auto or a number between 0 and 1")
    return number


def _splits(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


class Command(BaseCommand):
    help = "The bot engine: evaluate the intent model on labelled data, split data, train."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)

        evaluate_parser = actions.add_parser("eval", help="train on one file, measure on another")
        evaluate_parser.add_argument("--train", type=Path, required=True)
        evaluate_parser.add_argument("--test", type=Path, required=True)
        evaluate_parser.add_argument(
            "--train-split",
            type=_splits,
            default=_splits(DEFAULT_TRAIN_SPLITS),
            help=f"splits of a JSON object file to train on (default {DEFAULT_TRAIN_SPLITS})",
        )
        evaluate_parser.add_argument(
            "--test-split",
            type=_splits,
            default=_splits(DEFAULT_TEST_SPLITS),
            help=f"splits of a JSON object file to test on (default {DEFAULT_TEST_SPLITS})",
        )
        evaluate_parser.add_argument(
            "--oos-threshold",
            type=_threshold,
            default=None,
            help="refuse below this confidence; auto tunes it on a validation split of the "
            "training data (default: auto when the training data has oos examples, else 0)",
        )
        evaluate_parser.add_argument("--latency-sample", type=int, default=1000)

        split_parser = actions.add_parser("split", help="a reproducible stratified split")
        split_parser.add_argument("file", type=Path)
        split_parser.add_argument("--out-train", type=Path, required=True)
        split_parser.add_argument("--out-test", type=Path, required=True)
        split_parser.add_argument("--fraction", type=float, default=0.15)
        split_parser.add_argument("--seed", type=int, default=13)
        split_parser.add_argument("--split", type=_splits, default=_splits("train"))

        train_parser = actions.add_parser("train", help="train a workspace's intent model now")
        train_parser.add_argument("--workspace", required=True, help="the workspace's slug")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "eval":
                self._evaluate(options)
            elif options["action"] == "split":
                self._split(options)
            else:
                self._train(options)
        except (DatasetError, IntentTrainingError, OSError) as error:
            raise CommandError(str(error)) from error

    def _evaluate(self, options: dict[str, Any]) -> None:
        train = load_examples(options["train"], options["train_split"])
        test = load_examples(options["test"], options["test_split"])
        if not test:
            raise CommandError("the test file has no examples")
        threshold = options["oos_threshold"]
        if threshold is None:
            threshold = "auto" if any(label == OOS_LABEL for _, label in train) else 0.0
        model = IntentModel.train(
            [text for text, _ in train],
            [label for _, label in train],
            threshold=None if threshold == "auto" else threshold,
        )
        figures = evaluate(
            model,
            [text for text, _ in test],
            [label for _, label in test],
            latency_sample=options["latency_sample"],
        )
        for line in format_figures(figures):
            self.stdout.write(line)

    def _split(self, options: dict[str, Any]) -> None:
        examples = load_examples(options["file"], options["split"])
        rest, held = stratified_split(examples, fraction=options["fraction"], seed=options["seed"])
        write_csv(options["out_train"], rest)
        write_csv(options["out_test"], held)
        self.stdout.write(f"train: {len(rest)}")
        self.stdout.write(f"test: {len(held)}")

    def _train(self, options: dict[str, Any]) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"no workspace {options['workspace']!r}")
        try:
            version = intent_model_train(
                workspace=workspace,
                examples=faq_training_examples(workspace_id=workspace.pk),
            )
        except ApplicationError as error:
            raise CommandError(error.detail) from error
        self.stdout.write(f"version: {version.version}")
        for name, value in version.metrics.items():
            self.stdout.write(f"{name}: {value}")
