"""Background jobs of analytics. They only load and call a service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from parley.analytics.alerts import alerts_evaluate
from parley.analytics.customers import tasks as customers_tasks  # noqa: F401 (registers them)
from parley.analytics.rollups import rollups_fill
from parley.analytics.sentiment import tasks as sentiment_tasks  # noqa: F401 (registers them)


@shared_task(ignore_result=True)
def fill_rollups() -> int:
    """Periodic (every minute): roll new and late reporting events into the hour/day tables."""
    return rollups_fill(now=timezone.now())


@shared_task(ignore_result=True)
def evaluate_alerts() -> int:
    """Periodic (every minute): check the alert rules and deliver the ones that fire."""
    return alerts_evaluate(now=timezone.now())


@shared_task(ignore_result=True)
def send_email_reports() -> int:
    """Periodic (hourly): send the daily and weekly e-mail reports that are due."""
    from parley.analytics.reports import reports_send

    return reports_send(now=timezone.now())


@shared_task(ignore_result=True)
def refresh_mining_snapshots(workspace_id: int, kinds: list[str] | None = None) -> int:
    """On request ("recompute now"): compute and store one workspace's mining snapshots."""
    from parley.accounts.models import Workspace
    from parley.analytics.insights.services import mining_snapshots_refresh

    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return 0
    return len(mining_snapshots_refresh(workspace=workspace, now=timezone.now(), kinds=kinds))


@shared_task(ignore_result=True)
def refresh_due_mining_snapshots() -> int:
    """Periodic (hourly): the nightly mining snapshots of workspaces past their local 02:00."""
    from parley.analytics.insights.services import mining_refresh_due

    return mining_refresh_due(now=timezone.now())
