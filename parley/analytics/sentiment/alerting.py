"""The "negative-sentiment share" alert metric: negative / scored customer messages in the
rule's window (0..1), read from the reporting events like every alert metric (a 15-minute
window cannot be cut from hourly rollups)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q

from parley.analytics.models import AlertRule, EventKind, ReportingEvent

# Below this many scored messages in the window a share says nothing (1 of 1 is not a spike):
# the metric has no value and the rule does not fire.
MIN_SCORED = 5


def negative_share(*, rule: AlertRule, start: datetime, end: datetime) -> float | None:
    events = ReportingEvent.objects.filter(
        workspace_id=rule.workspace_id,
        kind__in=[EventKind.MESSAGE_SCORED, EventKind.MESSAGE_NEGATIVE],
        occurred_at__gte=start,
        occurred_at__lt=end,
    )
    if rule.inbox_id is not None:
        events = events.filter(inbox_id=rule.inbox_id)
    if rule.team_id is not None:
        events = events.filter(team_id=rule.team_id)
    counts = events.aggregate(
        scored=Count("pk", filter=Q(kind=EventKind.MESSAGE_SCORED)),
        negative=Count("pk", filter=Q(kind=EventKind.MESSAGE_NEGATIVE)),
    )
    if counts["scored"] < MIN_SCORED:
        return None
    return round(counts["negative"] / counts["scored"], 4)
