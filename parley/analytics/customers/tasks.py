"""Jobs of customer profiles and churn models. They only load and call a service."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from parley.accounts.models import Workspace
from parley.analytics.customers.churn import NotEnoughHistory
from parley.analytics.customers.profiles import churn_model_train, profiles_refresh

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def refresh_contact_profiles() -> int:
    """Periodic (every 6 hours): recompute every workspace's profiles and risk scores."""
    now = timezone.now()
    total = 0
    for workspace in Workspace.objects.order_by("pk"):
        total += profiles_refresh(workspace=workspace, now=now).profiles
    return total


@shared_task(ignore_result=True)
def train_churn_models() -> int:
    """Periodic (weekly): a new churn model per workspace with enough history, then fresh
    scores from it. A workspace with too little history keeps its model (or has none)."""
    now = timezone.now()
    trained = 0
    for workspace in Workspace.objects.order_by("pk"):
        try:
            churn_model_train(workspace=workspace, now=now)
        except NotEnoughHistory as reason:
            logger.info(
                "churn model not trained", extra={"workspace": workspace.pk, "why": str(reason)}
            )
            continue
        profiles_refresh(workspace=workspace, now=now)
        trained += 1
    return trained
