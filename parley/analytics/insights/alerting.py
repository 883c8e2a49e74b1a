"""The alert metric "volume far above forecast" (``volume_vs_forecast``).

Its value over a window is the conversations created in it divided by what the latest stored
forecast expected for it (hours partly inside the window count pro rata), the expectation
floored at one conversation so that a single chat in a quiet night hour is not "ten times the
forecast". A rule "above 1.5" fires when half as many again as forecast came. It is
workspace-wide (the forecast is), so such a rule takes no inbox or team; without a forecast
covering the window it has no value and never fires.
"""

from __future__ import annotations

from datetime import datetime

from parley.accounts.models import Workspace
from parley.analytics.insights.selectors import expected_volume
from parley.analytics.models import EventKind, ReportingEvent

MIN_EXPECTED = 1.0


def volume_vs_forecast(*, workspace_id: int, start: datetime, end: datetime) -> float | None:
    zone = Workspace.objects.filter(pk=workspace_id).values_list("timezone", flat=True).first()
    expected = expected_volume(
        workspace_id=workspace_id, timezone=zone or "UTC", start=start, end=end
    )
    if expected is None:
        return None
    actual = ReportingEvent.objects.filter(
        workspace_id=workspace_id,
        kind=EventKind.CREATED,
        occurred_at__gte=start,
        occurred_at__lt=end,
    ).count()
    return actual / max(expected, MIN_EXPECTED)
