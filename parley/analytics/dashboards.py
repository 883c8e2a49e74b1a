"""The dashboard: every chart's data for one set of filters, the drill-down behind a data
point, the CSV export and the live tiles. Figures come from the rollups (metrics.py); only the
live tiles read the current queue and agents, as the routing engine sees them."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any

from parley.accounts.models import Member, Team
from parley.analytics.metrics import (
    Filters,
    by_day,
    by_dimension,
    daily_rows,
    heatmap,
    summary_of,
    totals,
)
from parley.analytics.models import ReportingEvent
from parley.conversations.models import Conversation, Status
from parley.inboxes.models import Inbox
from parley.privacy.mask import mask_text
from parley.routing.selectors import agents_of

DRILL_LIMIT = 200


def _names(workspace_id: int, ids: dict[str, set[Any]]) -> dict[str, dict[Any, str]]:
    members = Member.objects.filter(workspace_id=workspace_id, pk__in=ids["member"] - {None})
    return {
        "member": {m.pk: m.name for m in members.select_related("user")},
        "team": dict(
            Team.objects.filter(workspace_id=workspace_id, pk__in=ids["team"] - {None}).values_list(
                "pk", "name"
            )
        ),
        "inbox": dict(
            Inbox.objects.filter(
                workspace_id=workspace_id, pk__in=ids["inbox"] - {None}
            ).values_list("pk", "name")
        ),
        "channel": {c: c for c in ids["channel"]},
    }


def dashboard(filters: Filters) -> dict[str, Any]:
    """Headline figures, the daily trend, breakdowns by team, agent, channel and inbox, the
    agents' handle time against CSAT, and the weekday × hour heatmap."""
    rows = daily_rows(filters)
    days = by_day(rows)
    trend = []
    day = filters.period.first_day
    while day <= filters.period.last_day:
        figures = summary_of(days.get(day, {}))
        trend.append({"day": day.isoformat(), **_flat(figures)})
        day += timedelta(days=1)
    breakdowns = {dim: by_dimension(rows, dim) for dim in ("team", "member", "channel", "inbox")}
    names = _names(filters.workspace_id, {dim: set(groups) for dim, groups in breakdowns.items()})
    out: dict[str, Any] = {"summary": summary_of(totals(rows)), "trend": trend}
    for dim, groups in breakdowns.items():
        out[f"by_{dim}"] = sorted(
            (
                {
                    "id": key,
                    "name": names[dim].get(key, "") if key is not None else "",
                    **_flat(summary_of(agg)),
                }
                for key, agg in groups.items()
            ),
            # Volume (conversations started) is by inbox and channel, fixed at the start; a
            # team's or agent's work is what was assigned to them, so they sort by that.
            key=lambda r: (-int(r["volume"] or 0) - int(r["assigned"] or 0), str(r["name"])),
        )
    out["agents_scatter"] = [
        {
            "id": r["id"],
            "name": r["name"],
            "handle_mean_seconds": r["handle_mean_seconds"],
            "csat_average": r["csat_average"],
            "handled": r["handled"],
        }
        for r in out["by_member"]
        if r["id"] is not None and r["handle_mean_seconds"] is not None and r["csat_average"]
    ]
    out["heatmap"] = heatmap(filters)
    return out


def _flat(figures: dict[str, Any]) -> dict[str, Any]:
    """One row of plain numbers, as a table (and the CSV) has them."""
    fr, ht, rt, qw = (
        figures[k] for k in ("first_response", "handle_time", "resolution_time", "queue_wait")
    )
    return {
        "volume": figures["volume"],
        "assigned": figures["assigned"],
        "resolved": figures["resolved"],
        "handled": ht["count"],
        "reopened": figures["reopened"],
        "transfers": figures["transfers"],
        "abandoned": figures["abandoned"],
        "first_response_mean_seconds": fr["mean_seconds"],
        "first_response_p90_seconds": fr["p90_seconds"],
        "handle_mean_seconds": ht["mean_seconds"],
        "resolution_mean_seconds": rt["mean_seconds"],
        "resolution_p50_seconds": rt["p50_seconds"],
        "queue_wait_mean_seconds": qw["mean_seconds"],
        "sla_met": figures["sla"]["met"],
        "sla_breached": figures["sla"]["breached"],
        "sla_compliance": figures["sla"]["compliance"],
        "csat_responses": figures["csat"]["responses"],
        "csat_average": figures["csat"]["average"],
        "bot_conversations": figures["bot"]["conversations"],
        "bot_handovers": figures["bot"]["handovers"],
        "bot_deflection_percent": figures["bot"]["deflection_percent"],
    }


CSV_COLUMNS = ["day", *_flat(summary_of({})).keys()]


def dashboard_csv(filters: Filters) -> str:
    """The daily table of the dashboard, one row per day of the period."""
    rows = daily_rows(filters)
    days = by_day(rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    day = filters.period.first_day
    while day <= filters.period.last_day:
        flat = _flat(summary_of(days.get(day, {})))
        writer.writerow([day.isoformat(), *("" if v is None else v for v in flat.values())])
        day += timedelta(days=1)
    return out.getvalue()


def drilldown(
    filters: Filters,
    *,
    kind: str,
    day: date | None = None,
    dimension: str = "",
    key: str = "",
) -> list[dict[str, Any]]:
    """The conversations behind one data point: the events of ``kind`` in the period (or one
    day of it) and, for a breakdown's bar, with ``dimension`` = ``key``. Read from the reporting
    events, which carry the conversation; at most DRILL_LIMIT, newest first."""
    start, end = filters.period.start, filters.period.end
    if day is not None:
        from parley.analytics.period import period_of

        one = period_of(first_day=day, last_day=day, timezone_name=filters.timezone, now=start)
        start, end = max(start, one.start), min(end, one.end)
    events = ReportingEvent.objects.filter(
        workspace_id=filters.workspace_id, kind=kind, occurred_at__gte=start, occurred_at__lt=end
    )
    if filters.inbox_id is not None:
        events = events.filter(inbox_id=filters.inbox_id)
    if filters.team_id is not None:
        events = events.filter(team_id=filters.team_id)
    if filters.member_id is not None:
        events = events.filter(member_id=filters.member_id)
    if filters.channel:
        events = events.filter(channel=filters.channel)
    if dimension:
        field = "channel" if dimension == "channel" else f"{dimension}_id"
        events = events.filter(**{field: None if key in ("", "none") else key})
    ids = events.order_by("-occurred_at").values_list("conversation_id", flat=True)
    unique = [i for i in dict.fromkeys(ids[: DRILL_LIMIT * 3]) if i is not None][:DRILL_LIMIT]
    conversations = Conversation.objects.filter(
        workspace_id=filters.workspace_id, pk__in=unique
    ).select_related("contact", "assignee__user", "inbox")
    found = {c.pk: c for c in conversations}
    return [
        {
            "id": c.pk,
            "status": c.status,
            "topic": mask_text(c.topic),
            "contact": c.contact.name or c.contact.email or f"#{c.contact_id}",
            "assignee": c.assignee.name if c.assignee else None,
            "inbox": c.inbox.name,
            "created_at": c.created_at.isoformat(),
        }
        for c in (found[i] for i in unique if i in found)
    ]


def live_tiles(*, workspace_id: int, now: datetime) -> dict[str, Any]:
    """Queue length and longest wait now; agents online (available to routing) and busy
    (online with at least one open conversation)."""
    queued = Conversation.objects.filter(
        workspace_id=workspace_id, status=Status.QUEUED, assignee__isnull=True, spam=False
    )
    oldest = queued.order_by("queued_at").values_list("queued_at", flat=True).first()
    members = list(
        Member.objects.filter(workspace_id=workspace_id, is_active=True).select_related("user")
    )
    agents = agents_of(members, workspace_id=workspace_id)
    online = [a for a in agents if a.available]
    return {
        "queue_length": queued.count(),
        "longest_wait_seconds": round((now - oldest).total_seconds()) if oldest else 0,
        "agents_online": len(online),
        "agents_busy": sum(1 for a in online if a.load > 0),
        "at": now.isoformat(),
    }
