"""`parley analytics train-sentiment`: train a workspace's sentiment model from data set files
and swap it in (or queue the training as a background job)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from parley.accounts.models import Workspace


def train_sentiment_command(
    *,
    write: Callable[[str], None],
    workspace_slug: str,
    paths: Sequence[Path],
    include_seed: bool,
    background: bool,
) -> None:
    """Print ``name: value`` lines; raises LookupError / ValueError / OSError on bad input."""
    from parley.analytics.sentiment.tasks import train_model
    from parley.analytics.sentiment.versions import sentiment_model_train

    workspace = Workspace.objects.filter(slug=workspace_slug).first()
    if workspace is None:
        raise LookupError(f"No workspace {workspace_slug!r}.")
    for path in paths:
        if not path.is_file():
            raise OSError(f"No such file: {path}")
    if background:
        train_model.delay(workspace.pk, [str(p.resolve()) for p in paths], include_seed)
        write("queued: 1")
        return
    started = time.perf_counter()
    version = sentiment_model_train(workspace=workspace, paths=paths, include_seed=include_seed)
    write(f"version: {version.version}")
    write(f"trained_on: {version.trained_on_count}")
    for label, count in version.metrics.get("labels", {}).items():
        write(f"{label}: {count}")
    write(f"seconds: {time.perf_counter() - started:.1f}")
