"""Members' REST API for analytics: agent and team KPIs and the leaderboard.

Supervisors and admins see every row. An agent sees only their own KPI row and, on the
leaderboard, only their own place (rank out of how many), never the others' names or figures
(docs/kpis.md)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from parley.analytics.kpis import METRICS, KpiRow, kpi_rows, leaderboard
from parley.analytics.period import Period, period_of
from parley.api_base import WorkspaceAPIView
from parley.errors import ApplicationError, ErrorCode


class PeriodFilters(serializers.Serializer):
    # `from` is a Python keyword: the field is renamed in __init__.
    to = serializers.DateField(required=False)
    by = serializers.ChoiceField(choices=["member", "team"], default="member")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = serializers.DateField(required=False)


class LeaderboardFilters(PeriodFilters):
    metric = serializers.ChoiceField(choices=list(METRICS), default="csat_average")


def row_payload(row: KpiRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "handled": row.handled,
        "resolved": row.resolved,
        "resolution_rate": row.resolution_rate,
        "first_response": asdict(row.first_response),
        "handling": asdict(row.handling),
        "csat": asdict(row.csat),
        "qa": asdict(row.qa),
        "sla": {**asdict(row.sla), "compliance": row.sla.compliance},
    }


def _period_out(period: Period) -> dict[str, str]:
    return {"from": period.first_day.isoformat(), "to": period.last_day.isoformat()}


class KpiBaseView(WorkspaceAPIView):
    def period_and_rows(self, filters: dict[str, Any]) -> tuple[Period, list[KpiRow]]:
        if filters["by"] == "team" and not self.member.is_supervising:
            raise ApplicationError(
                ErrorCode.PERMISSION_DENIED, "Team figures are for supervisors and admins."
            )
        workspace = self.member.workspace
        period = period_of(
            first_day=filters.get("from"),
            last_day=filters.get("to"),
            timezone_name=workspace.timezone,
            now=timezone.now(),
        )
        rows = kpi_rows(
            workspace_id=workspace.pk, start=period.start, end=period.end, by=filters["by"]
        )
        return period, rows


PERIOD_PARAMETERS = [
    OpenApiParameter("from", str, description="first day, YYYY-MM-DD (workspace time zone)"),
    OpenApiParameter("to", str, description="last day, YYYY-MM-DD (included)"),
    OpenApiParameter("by", str, enum=["member", "team"]),
]


class KpiView(KpiBaseView):
    @extend_schema(parameters=PERIOD_PARAMETERS, responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        params = PeriodFilters(data=request.query_params)
        params.is_valid(raise_exception=True)
        period, rows = self.period_and_rows(params.validated_data)
        if not self.member.is_supervising:
            rows = [row for row in rows if row.id == self.member.pk]
        return Response(
            {
                **_period_out(period),
                "by": params.validated_data["by"],
                "timezone": self.member.workspace.timezone,
                "rows": [row_payload(row) for row in rows],
            }
        )


class LeaderboardView(KpiBaseView):
    @extend_schema(
        parameters=[*PERIOD_PARAMETERS, OpenApiParameter("metric", str, enum=list(METRICS))],
        responses=None,
    )
    def get(self, request: Request, workspace: str) -> Response:
        params = LeaderboardFilters(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        period, rows = self.period_and_rows(filters)
        ranked = leaderboard(rows, metric=filters["metric"])
        visible = (
            ranked
            if self.member.is_supervising
            else [entry for entry in ranked if entry.row.id == self.member.pk]
        )
        return Response(
            {
                **_period_out(period),
                "by": filters["by"],
                "metric": filters["metric"],
                "higher_is_better": METRICS[filters["metric"]][1],
                "ranked": len(ranked),
                "entries": [
                    {"rank": e.rank, "id": e.row.id, "name": e.row.name, "value": e.value}
                    for e in visible
                ],
            }
        )
