"""Agent and team KPIs over a period, from a fixed handful of grouped queries.

Definitions (docs/kpis.md):

- the **cohort** of an agent (a team) is the conversations assigned to them (routed to the
  team and assigned to someone) whose assignment, ``assigned_at``, falls in the period;
- **handled**: the size of the cohort; **resolved**: those of it resolved now
  (``resolved_at`` set); **resolution rate** = resolved / handled;
- **first response time** = ``first_response_at − assigned_at`` over the cohort's
  conversations whose first public reply came after the assignment (a reply before it was
  someone else's), median and mean;
- **handling time** = ``resolved_at − assigned_at`` over the resolved ones, median and mean;
- **CSAT**: answered ratings of conversations resolved in the period, by who handled them at
  resolve time: mean, count and the share of 4–5 ("satisfied");
- **QA score**: the mean total of reviews made in the period, of the reviewed agent's work
  (per team: of conversations of that team);
- **SLA compliance** = met / (met + breached) from the SLA engine's counts for the period.

Each figure is one grouped query over all agents (or teams) at once; medians are taken in SQL
with window functions, so only the one or two middle values of each group come back. SLA
counts come from the SLA engine's ``sla_compliance`` (one query over its events).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber

from parley.accounts.models import Member, Role, Team
from parley.conversations.models import Conversation
from parley.conversations.selectors import csat_summary
from parley.quality.selectors import review_scores
from parley.tickets.selectors import SlaCompliance, sla_compliance

By = Literal["member", "team"]
GROUP_FIELD: dict[str, str] = {"member": "assignee", "team": "team"}
CSAT_GROUP: dict[str, str] = {"member": "agent", "team": "team"}


@dataclass(frozen=True)
class DurationStats:
    median_seconds: float | None
    mean_seconds: float | None
    count: int


@dataclass(frozen=True)
class CsatStats:
    average: float | None
    responses: int
    satisfied: int
    satisfied_percent: float | None


@dataclass(frozen=True)
class QaStats:
    average: float | None
    reviews: int


@dataclass(frozen=True)
class SlaStats:
    met: int
    breached: int

    @property
    def compliance(self) -> float | None:
        total = self.met + self.breached
        return round(100 * self.met / total, 1) if total else None


@dataclass(frozen=True)
class KpiRow:
    id: int
    name: str
    handled: int = 0
    resolved: int = 0
    first_response: DurationStats = field(default_factory=lambda: DurationStats(None, None, 0))
    handling: DurationStats = field(default_factory=lambda: DurationStats(None, None, 0))
    csat: CsatStats = field(default_factory=lambda: CsatStats(None, 0, 0, None))
    qa: QaStats = field(default_factory=lambda: QaStats(None, 0))
    sla: SlaStats = field(default_factory=lambda: SlaStats(0, 0))

    @property
    def resolution_rate(self) -> float | None:
        return round(100 * self.resolved / self.handled, 1) if self.handled else None


def _seconds(value: timedelta | None) -> float | None:
    return round(value.total_seconds(), 1) if value is not None else None


def _first_response() -> ExpressionWrapper:
    return ExpressionWrapper(
        F("first_response_at") - F("assigned_at"), output_field=DurationField()
    )


def _handling() -> ExpressionWrapper:
    return ExpressionWrapper(F("resolved_at") - F("assigned_at"), output_field=DurationField())


FIRST_RESPONDED = Q(first_response_at__isnull=False, first_response_at__gte=F("assigned_at"))
RESOLVED_AFTER = Q(resolved_at__isnull=False, resolved_at__gte=F("assigned_at"))


def _cohort(*, workspace_id: int, start: datetime, end: datetime, by: By) -> QuerySet[Conversation]:
    conversations = Conversation.objects.filter(
        workspace_id=workspace_id,
        assignee__isnull=False,
        assigned_at__gte=start,
        assigned_at__lt=end,
    )
    return conversations.filter(team__isnull=False) if by == "team" else conversations


def _medians(
    cohort: QuerySet[Conversation], *, group: str, duration: ExpressionWrapper, condition: Q
) -> dict[int, float]:
    """The median duration per group in one query: rank each group's durations with window
    functions and keep the middle one (odd count) or two (even count)."""
    ranked = (
        cohort.filter(condition)
        .annotate(duration=duration)
        .annotate(
            position=Window(
                RowNumber(), partition_by=[F(group)], order_by=[F("duration").asc(), F("pk").asc()]
            ),
            size=Window(Count("pk"), partition_by=[F(group)]),
        )
        .filter(position__gte=(F("size") + 1) / 2, position__lte=F("size") / 2 + 1)
        .values_list(group, "duration")
    )
    middles: dict[int, list[float]] = {}
    for key, value in ranked:
        middles.setdefault(key, []).append(value.total_seconds())
    return {key: round(sum(values) / len(values), 1) for key, values in middles.items()}


def _names(*, workspace_id: int, by: By) -> list[tuple[int, str, bool]]:
    """Every group that gets a row even without activity: active agents, or every team; the
    flag says whether a group with no figures still gets a row."""
    if by == "team":
        return [
            (pk, name, True)
            for pk, name in Team.objects.filter(workspace_id=workspace_id)
            .order_by("name")
            .values_list("pk", "name")
        ]
    members = Member.objects.filter(workspace_id=workspace_id).select_related("user")
    return [
        (m.pk, m.name, m.is_active and m.role == Role.AGENT)
        for m in members.order_by("user__display_name", "pk")
    ]


def kpi_rows(*, workspace_id: int, start: datetime, end: datetime, by: By) -> list[KpiRow]:
    """One row per agent (active agents always; any other member with figures) or per team."""
    group = GROUP_FIELD[by]
    cohort = _cohort(workspace_id=workspace_id, start=start, end=end, by=by)
    counts = {
        row[group]: row
        for row in cohort.values(group)
        .annotate(
            handled=Count("pk"),
            resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
            first_response_mean=Avg(_first_response(), filter=FIRST_RESPONDED),
            first_response_count=Count("pk", filter=FIRST_RESPONDED),
            handling_mean=Avg(_handling(), filter=RESOLVED_AFTER),
            handling_count=Count("pk", filter=RESOLVED_AFTER),
        )
        .order_by(group)
    }
    first_medians = _medians(
        cohort, group=group, duration=_first_response(), condition=FIRST_RESPONDED
    )
    handling_medians = _medians(cohort, group=group, duration=_handling(), condition=RESOLVED_AFTER)
    csat = csat_summary(workspace_id=workspace_id, start=start, end=end, group_by=CSAT_GROUP[by])
    qa = review_scores(workspace_id=workspace_id, start=start, end=end, by=by)
    sla: dict[int, SlaCompliance] = sla_compliance(
        workspace_id=workspace_id, start=start, end=end, by=by
    )
    rows = []
    for key, name, always in _names(workspace_id=workspace_id, by=by):
        c = counts.get(key)
        bucket = csat.get(key)
        review = qa.get(key)
        met_breached = sla.get(key)
        if not (always or c or bucket or review or met_breached):
            continue
        rows.append(
            KpiRow(
                id=key,
                name=name,
                handled=c["handled"] if c else 0,
                resolved=c["resolved"] if c else 0,
                first_response=DurationStats(
                    median_seconds=first_medians.get(key),
                    mean_seconds=_seconds(c["first_response_mean"]) if c else None,
                    count=c["first_response_count"] if c else 0,
                ),
                handling=DurationStats(
                    median_seconds=handling_medians.get(key),
                    mean_seconds=_seconds(c["handling_mean"]) if c else None,
                    count=c["handling_count"] if c else 0,
                ),
                csat=CsatStats(
                    average=bucket.average,
                    responses=bucket.responses,
                    satisfied=bucket.satisfied,
                    satisfied_percent=bucket.satisfied_percent,
                )
                if bucket
                else CsatStats(None, 0, 0, None),
                qa=QaStats(average=review[0], reviews=review[1]) if review else QaStats(None, 0),
                sla=SlaStats(met=met_breached.met, breached=met_breached.breached)
                if met_breached
                else SlaStats(0, 0),
            )
        )
    return rows


# --- the leaderboard ------------------------------------------------------------------------------
# metric → (how to read it from a row, whether higher is better)
METRICS: dict[str, tuple[Any, bool]] = {
    "handled": (lambda r: r.handled if r.handled else None, True),
    "resolution_rate": (lambda r: r.resolution_rate, True),
    "first_response_median": (lambda r: r.first_response.median_seconds, False),
    "handling_median": (lambda r: r.handling.median_seconds, False),
    "csat_average": (lambda r: r.csat.average, True),
    "csat_satisfied_percent": (lambda r: r.csat.satisfied_percent, True),
    "qa_average": (lambda r: r.qa.average, True),
    "sla_compliance": (lambda r: r.sla.compliance, True),
}


@dataclass(frozen=True)
class Ranked:
    rank: int
    row: KpiRow
    value: float


def leaderboard(rows: list[KpiRow], *, metric: str) -> list[Ranked]:
    """Rows with a value for the metric, best first; equal values share a rank (1, 2, 2, 4)."""
    read, higher_is_better = METRICS[metric]
    scored = [(row, float(read(row))) for row in rows if read(row) is not None]
    scored.sort(key=lambda pair: (-pair[1] if higher_is_better else pair[1], pair[0].name))
    ranked: list[Ranked] = []
    for index, (row, value) in enumerate(scored):
        same = ranked and ranked[-1].value == value
        ranked.append(Ranked(rank=ranked[-1].rank if same else index + 1, row=row, value=value))
    return ranked
