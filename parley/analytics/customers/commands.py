"""The `parley analytics` sub-commands of customer profiles and churn (thin: parse, call, print).

parley analytics train-churn --workspace SLUG [--horizon-days 60]
parley analytics refresh-profiles --workspace SLUG
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.management.base import CommandError
from django.utils import timezone

from parley.accounts.models import Workspace
from parley.analytics.customers.profiles import churn_model_train, profiles_refresh


def _workspace(slug: str) -> Workspace:
    target = Workspace.objects.filter(slug=slug).first()
    if target is None:
        raise CommandError(f"No workspace {slug!r}.")
    return target


def train_churn(*, workspace: str, horizon_days: int, write: Callable[[str], None]) -> None:
    """Train, print the validation figures (``name: value``), then rescore the profiles."""
    target = _workspace(workspace)
    now = timezone.now()
    model = churn_model_train(workspace=target, now=now, horizon_days=horizon_days)
    v = model.validation
    write(f"version: {model.version}")
    write(f"train rows: {model.train_rows}")
    write(f"train churned: {model.train_positives}")
    write(f"cutoffs: {len(model.cutoffs)}")
    write(f"validation cutoff: {v['cutoff']}")
    write(f"validation rows: {v['rows']}")
    write(f"validation churned: {v['positives']}")
    for name in ("auc", "average_precision", "base_rate"):
        value = v.get(name)
        write(f"{name.replace('_', ' ')}: {'n/a' if value is None else f'{value:.4f}'}")
    refreshed = profiles_refresh(workspace=target, now=now)
    write(f"profiles: {refreshed.profiles}")
    write(f"scored: {refreshed.scored}")


def refresh_profiles(*, workspace: str, write: Callable[[str], None]) -> None:
    refreshed = profiles_refresh(workspace=_workspace(workspace), now=timezone.now())
    write(f"profiles: {refreshed.profiles}")
    write(f"scored: {refreshed.scored}")
    write(f"model version: {refreshed.model_version or 'none'}")


def seed_demo(*, workspace: Workspace, write: Callable[[str], None]) -> None:
    from parley.analytics.customers.demo import customers_demo_seed

    seeded = customers_demo_seed(workspace=workspace, now=timezone.now())
    write(f"customers: {seeded.history.contacts}")
    write(f"customer conversations: {seeded.history.conversations}")
    auc = seeded.validation_auc
    write(f"churn model: {seeded.model_version or 'none'}")
    write(f"churn validation auc: {'n/a' if auc is None else f'{auc:.4f}'}")
    write(f"profiles: {seeded.profiles}")
