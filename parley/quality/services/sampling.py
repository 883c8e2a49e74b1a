"""The weekly sample: each agent's resolved conversations of the previous ISO week, a few of
them picked at random and queued for review.

The job runs often (hourly) and draws each workspace's previous week once (``SampleRun``), in
the workspace's time zone. The randomness is seeded by workspace, week and agent, so the same
history always gives the same sample, and one agent's sample does not depend on the others'.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction

from parley.accounts.models import Workspace
from parley.accounts.services import audit_record
from parley.conversations.models import Conversation
from parley.quality.models import QueueItem, QueueStatus, SampleRun
from parley.quality.selectors import quality_settings


@dataclass(frozen=True)
class Week:
    start_day: date  # Monday
    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        year, week, _ = self.start_day.isocalendar()
        return f"{year}-W{week:02d}"


def previous_week(*, now: datetime, timezone_name: str) -> Week:
    """The ISO week before the one ``now`` falls in, where the workspace is."""
    zone = ZoneInfo(timezone_name or "UTC")
    today = now.astimezone(zone).date()
    this_monday = today - timedelta(days=today.weekday())
    start_day = this_monday - timedelta(days=7)
    return Week(
        start_day=start_day,
        start=datetime.combine(start_day, time.min, tzinfo=zone),
        end=datetime.combine(this_monday, time.min, tzinfo=zone),
    )


def pick_sample(*, candidates: list[int], size: int, seed: str) -> list[int]:
    """``size`` of the candidates (all when fewer), the same for the same seed and candidates."""
    ordered = sorted(candidates)
    if len(ordered) <= size:
        return ordered
    # Reproducible on purpose (seeded), not secret: the sample is no security boundary.
    return sorted(random.Random(seed).sample(ordered, size))  # noqa: S311


@transaction.atomic
def review_sample_week(*, workspace: Workspace, now: datetime) -> int:
    """Queue the previous week's sample of ``workspace`` once; returns how many were queued
    (0 when that week was drawn before)."""
    week = previous_week(now=now, timezone_name=workspace.timezone)
    if SampleRun.objects.filter(workspace=workspace, week_start=week.start_day).exists():
        return 0
    try:
        with transaction.atomic():
            run = SampleRun.objects.create(workspace=workspace, week_start=week.start_day)
    except IntegrityError:
        return 0  # another worker draws it
    size = quality_settings(workspace_id=workspace.pk).sample_size
    by_agent: dict[int, list[int]] = {}
    if size:
        rows = (
            Conversation.objects.filter(
                workspace=workspace,
                assignee__isnull=False,
                resolved_at__gte=week.start,
                resolved_at__lt=week.end,
            )
            .exclude(pk__in=QueueItem.objects.filter(workspace=workspace).values("conversation"))
            .values_list("assignee_id", "pk")
        )
        for agent_id, conversation_id in rows:
            by_agent.setdefault(agent_id, []).append(conversation_id)
    items = [
        QueueItem(
            workspace=workspace,
            conversation_id=conversation_id,
            agent_id=agent_id,
            week_start=week.start_day,
            status=QueueStatus.PENDING,
        )
        for agent_id, candidates in sorted(by_agent.items())
        for conversation_id in pick_sample(
            candidates=candidates, size=size, seed=f"{workspace.pk}:{week.label}:{agent_id}"
        )
    ]
    QueueItem.objects.bulk_create(items, ignore_conflicts=True)
    run.picked = len(items)
    run.save(update_fields=["picked"])
    audit_record(
        workspace=workspace,
        actor=None,
        action="quality.sample_drawn",
        target=run,
        data={"week": week.label, "picked": len(items), "agents": len(by_agent)},
    )
    return len(items)


def review_sample_all(*, now: datetime) -> int:
    """Every workspace's sample of its previous week (the periodic job)."""
    return sum(
        review_sample_week(workspace=workspace, now=now)
        for workspace in Workspace.objects.order_by("pk")
    )
