"""Sentiment API (the console's Sentiment page): the overview for a period and filters, the
conversations that are negative now, and the workspace's model versions. Supervisors and up
read; owners and admins switch the active model (audited)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from parley.analytics.dashboard_api import FILTER_PARAMETERS, DashboardBaseView, DashboardFilters
from parley.analytics.models import SentimentModelVersion
from parley.analytics.sentiment.overview import negative_open, sentiment_overview
from parley.analytics.sentiment.versions import sentiment_model_activate
from parley.api_base import WorkspaceAPIView
from parley.errors import ApplicationError, ErrorCode


class SentimentOverviewView(DashboardBaseView):
    @extend_schema(operation_id="sentiment_overview", parameters=FILTER_PARAMETERS, responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        filters, _ = self.filters(request, DashboardFilters)
        return Response({"timezone": filters.timezone, **sentiment_overview(filters)})


class NegativeConversationsView(DashboardBaseView):
    @extend_schema(
        operation_id="sentiment_negative_conversations",
        parameters=FILTER_PARAMETERS,
        responses=None,
    )
    def get(self, request: Request, workspace: str) -> Response:
        filters, _ = self.filters(request, DashboardFilters)
        return Response({"results": negative_open(filters)})


def _version_out(version: SentimentModelVersion) -> dict[str, Any]:
    return {
        "version": version.version,
        "active": version.active,
        "created_at": version.created_at.isoformat(),
        "trained_on_count": version.trained_on_count,
        "sources": version.sources,
        "metrics": version.metrics,
    }


class ModelVersionListView(WorkspaceAPIView):
    @extend_schema(operation_id="sentiment_models_list", responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        if not self.member.is_supervising:
            raise ApplicationError(ErrorCode.PERMISSION_DENIED, "For supervisors and admins.")
        versions = (
            SentimentModelVersion.objects.filter(workspace_id=self.member.workspace_id)
            .defer("artifact")
            .order_by("-version")
        )
        return Response({"results": [_version_out(v) for v in versions]})


class ModelVersionActivateView(WorkspaceAPIView):
    @extend_schema(operation_id="sentiment_models_activate", request=None, responses=None)
    def post(self, request: Request, workspace: str, version: int) -> Response:
        activated = sentiment_model_activate(actor=self.member, version=version)
        return Response(_version_out(activated), status=status.HTTP_200_OK)
