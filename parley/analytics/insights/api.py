"""Mining pages' API: the latest stored snapshot of each kind (keywords and topics, association
rules, forecast and staffing, day shapes) and "recompute now". Supervisors, admins and owners
(the permission matrix); a page load reads one snapshot, never the live tables."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from parley.analytics.insights.inputs import ITEM_KINDS
from parley.analytics.insights.selectors import (
    RuleFilters,
    StaffingInput,
    forecast_with_staffing,
    latest_snapshot,
    rules_filtered,
    snapshot_meta,
)
from parley.analytics.insights.services import mining_refresh_request
from parley.analytics.mining.erlang import ServiceTarget
from parley.analytics.models import MiningKind
from parley.api_base import WorkspaceAPIView


class SnapshotView(WorkspaceAPIView):
    kind: str = ""

    def snapshot_body(self) -> tuple[dict[str, Any], dict[str, Any] | None]:
        snapshot = latest_snapshot(workspace_id=self.member.workspace_id, kind=self.kind)
        meta = {"kind": self.kind, **snapshot_meta(snapshot)}
        if snapshot is None:
            return meta, None
        return meta, snapshot.result


class TopicsView(SnapshotView):
    kind = MiningKind.TOPICS

    @extend_schema(responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        meta, result = self.snapshot_body()
        return Response({**meta, "result": result})


class DayShapesView(SnapshotView):
    kind = MiningKind.DAY_SHAPES

    @extend_schema(responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        meta, result = self.snapshot_body()
        return Response({**meta, "result": result})


class RulesQuery(serializers.Serializer):
    min_support = serializers.FloatField(default=0.02, min_value=0, max_value=1)
    min_confidence = serializers.FloatField(default=0.3, min_value=0, max_value=1)
    min_lift = serializers.FloatField(default=1.0, min_value=0, max_value=1000)
    kinds = serializers.CharField(default=",".join(ITEM_KINDS), max_length=60)
    sort = serializers.ChoiceField(
        choices=["lift", "confidence", "support", "count"], default="lift"
    )
    limit = serializers.IntegerField(default=200, min_value=1, max_value=1000)

    def validate_kinds(self, value: str) -> frozenset[str]:
        kinds = frozenset(k.strip() for k in value.split(",") if k.strip())
        if not kinds or not kinds <= set(ITEM_KINDS):
            raise serializers.ValidationError(f"one or more of {', '.join(ITEM_KINDS)}")
        return kinds


class RulesView(SnapshotView):
    kind = MiningKind.RULES

    @extend_schema(
        parameters=[
            OpenApiParameter("min_support", float, description="0..1, default 0.02"),
            OpenApiParameter("min_confidence", float, description="0..1, default 0.3"),
            OpenApiParameter("min_lift", float, description="default 1"),
            OpenApiParameter("kinds", str, description="comma-separated: tag,intent,topic,product"),
            OpenApiParameter("sort", str, enum=["lift", "confidence", "support", "count"]),
            OpenApiParameter("limit", int, description="1..1000, default 200"),
        ],
        responses=None,
    )
    def get(self, request: Request, workspace: str) -> Response:
        query = RulesQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        meta, result = self.snapshot_body()
        if result is None or meta["status"] != "ok":
            return Response({**meta, "result": result, "rules": [], "matched": 0})
        # Rules were stored down to these floors; a lower threshold is read as the floor.
        floors = result["floors"]
        params["min_support"] = max(params["min_support"], floors["min_support"])
        params["min_confidence"] = max(params["min_confidence"], floors["min_confidence"])
        rows, matched = rules_filtered(result=result, filters=RuleFilters(**params))
        summary = {k: v for k, v in result.items() if k != "rules"}
        applied = {k: params[k] for k in ("min_support", "min_confidence", "min_lift")}
        return Response(
            {**meta, "result": summary, "applied": applied, "rules": rows, "matched": matched}
        )


class ForecastQuery(serializers.Serializer):
    days = serializers.IntegerField(default=7, min_value=1, max_value=14)
    service_level = serializers.FloatField(default=0.8, min_value=0.01, max_value=0.99)
    answer_seconds = serializers.FloatField(default=20, min_value=0, max_value=3600)
    max_occupancy = serializers.FloatField(default=1.0, min_value=0.1, max_value=1.0)
    concurrency = serializers.IntegerField(default=1, min_value=1, max_value=20)
    handle_seconds = serializers.FloatField(required=False, min_value=1, max_value=86_400)


class ForecastView(SnapshotView):
    kind = MiningKind.FORECAST

    @extend_schema(
        parameters=[
            OpenApiParameter("days", int, description="1..14, default 7"),
            OpenApiParameter("service_level", float, description="share answered in time, 0.8"),
            OpenApiParameter("answer_seconds", float, description="within this wait, 20"),
            OpenApiParameter("max_occupancy", float, description="cap on agents' busy share, 1"),
            OpenApiParameter("concurrency", int, description="chats per agent, 1"),
            OpenApiParameter("handle_seconds", float, description="default: observed mean"),
        ],
        responses=None,
    )
    def get(self, request: Request, workspace: str) -> Response:
        query = ForecastQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        meta, result = self.snapshot_body()
        if result is None or meta["status"] != "ok":
            return Response({**meta, "result": result})
        staffing = StaffingInput(
            days=params["days"],
            target=ServiceTarget(
                level=params["service_level"],
                answer_seconds=params["answer_seconds"],
                max_occupancy=params["max_occupancy"],
            ),
            concurrency=params["concurrency"],
            handle_seconds=params.get("handle_seconds"),
        )
        return Response(
            {**meta, "result": forecast_with_staffing(result=result, staffing=staffing)}
        )


class RefreshIn(serializers.Serializer):
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=MiningKind.values),
        default=list(MiningKind.values),
        min_length=1,
        max_length=len(MiningKind.values),
    )


class RefreshView(WorkspaceAPIView):
    @extend_schema(request=RefreshIn, responses=None)
    def post(self, request: Request, workspace: str) -> Response:
        data = RefreshIn(data=request.data)
        data.is_valid(raise_exception=True)
        kinds = sorted(set(data.validated_data["kinds"]))
        mining_refresh_request(actor=self.member, kinds=kinds, now=timezone.now())
        snapshots = {
            kind: snapshot_meta(latest_snapshot(workspace_id=self.member.workspace_id, kind=kind))
            for kind in kinds
        }
        return Response({"kinds": kinds, "snapshots": snapshots}, status=status.HTTP_202_ACCEPTED)
