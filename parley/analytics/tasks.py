"""Background jobs of analytics. They only load and call a service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from parley.analytics.alerts import alerts_evaluate
from parley.analytics.rollups import rollups_fill


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
