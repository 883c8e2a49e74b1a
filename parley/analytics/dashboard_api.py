"""Dashboards API: the charts' data for a period and filters, the drill-down behind a data
point, the CSV export and the live tiles. Supervisors, admins and owners only: the figures are
made of every agent's work (docs/analytics.md)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from parley.analytics.dashboards import dashboard, dashboard_csv, drilldown, live_tiles
from parley.analytics.metrics import Filters
from parley.analytics.models import EventKind
from parley.analytics.period import period_of
from parley.api_base import WorkspaceAPIView
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.models import InboxKind


class DashboardFilters(serializers.Serializer):
    # `from` is a Python keyword: the field is added in __init__.
    to = serializers.DateField(required=False)
    inbox = serializers.IntegerField(required=False, min_value=1)
    team = serializers.IntegerField(required=False, min_value=1)
    agent = serializers.IntegerField(required=False, min_value=1)
    channel = serializers.ChoiceField(choices=InboxKind.values, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = serializers.DateField(required=False)


class DrillFilters(DashboardFilters):
    kind = serializers.ChoiceField(choices=EventKind.values)
    day = serializers.DateField(required=False)
    dimension = serializers.ChoiceField(
        choices=["inbox", "team", "member", "channel"], required=False, default=""
    )
    key = serializers.CharField(required=False, default="", max_length=40)


FILTER_PARAMETERS = [
    OpenApiParameter("from", str, description="first day, YYYY-MM-DD (workspace time zone)"),
    OpenApiParameter("to", str, description="last day, YYYY-MM-DD (included)"),
    OpenApiParameter("inbox", int),
    OpenApiParameter("team", int),
    OpenApiParameter("agent", int),
    OpenApiParameter("channel", str, enum=list(InboxKind.values)),
]


class DashboardBaseView(WorkspaceAPIView):
    def filters(self, request: Request, serializer: type[DashboardFilters]) -> tuple[Filters, Any]:
        if not self.member.is_supervising:
            raise ApplicationError(
                ErrorCode.PERMISSION_DENIED, "Dashboards are for supervisors and admins."
            )
        params = serializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        workspace = self.member.workspace
        period = period_of(
            first_day=data.get("from"),
            last_day=data.get("to"),
            timezone_name=workspace.timezone,
            now=timezone.now(),
        )
        return Filters(
            workspace_id=workspace.pk,
            period=period,
            timezone=workspace.timezone or "UTC",
            inbox_id=data.get("inbox"),
            team_id=data.get("team"),
            member_id=data.get("agent"),
            channel=data.get("channel", ""),
        ), data


def _period_out(filters: Filters) -> dict[str, str]:
    return {
        "from": filters.period.first_day.isoformat(),
        "to": filters.period.last_day.isoformat(),
        "timezone": filters.timezone,
    }


class DashboardView(DashboardBaseView):
    @extend_schema(parameters=FILTER_PARAMETERS, responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        filters, _ = self.filters(request, DashboardFilters)
        return Response({**_period_out(filters), **dashboard(filters)})


class DashboardCsvView(DashboardBaseView):
    @extend_schema(parameters=FILTER_PARAMETERS, responses={(200, "text/csv"): str})
    def get(self, request: Request, workspace: str) -> HttpResponse:
        filters, _ = self.filters(request, DashboardFilters)
        name = f"parley-{filters.period.first_day}-{filters.period.last_day}.csv"
        response = HttpResponse(dashboard_csv(filters), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class DrilldownView(DashboardBaseView):
    @extend_schema(
        parameters=[
            *FILTER_PARAMETERS,
            OpenApiParameter("kind", str, enum=list(EventKind.values), required=True),
            OpenApiParameter("day", str, description="one day of the period, YYYY-MM-DD"),
            OpenApiParameter("dimension", str, enum=["inbox", "team", "member", "channel"]),
            OpenApiParameter("key", str, description="the bar's id (or channel); none = empty"),
        ],
        responses=None,
    )
    def get(self, request: Request, workspace: str) -> Response:
        filters, data = self.filters(request, DrillFilters)
        conversations = drilldown(
            filters,
            kind=data["kind"],
            day=data.get("day"),
            dimension=data.get("dimension", ""),
            key=data.get("key", ""),
        )
        return Response({**_period_out(filters), "conversations": conversations})


class LiveTilesView(DashboardBaseView):
    @extend_schema(responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        if not self.member.is_supervising:
            raise ApplicationError(
                ErrorCode.PERMISSION_DENIED, "Dashboards are for supervisors and admins."
            )
        return Response(live_tiles(workspace_id=self.member.workspace_id, now=timezone.now()))
