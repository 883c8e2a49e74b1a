"""Members' REST API for SLA policies: every member reads them (agents see what they are held
to); admins and owners create, change, reorder and delete them. See docs/sla.md."""

from __future__ import annotations

from typing import Any, TypedDict

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from parley.api_base import WorkspaceAPIView
from parley.conversations.payloads import PersonRef
from parley.tickets.sla import policies as services
from parley.tickets.sla import selectors
from parley.tickets.sla_models import SlaMetric, SlaPolicy
from parley.tickets.status import PRIORITY_BY_NAME


class SlaPolicyPayload(TypedDict):
    id: int
    name: str
    position: int
    is_active: bool
    inbox: PersonRef | None
    team: PersonRef | None
    business_hours: bool
    warning_percent: int | None
    targets: dict[str, dict[str, int | None]]
    created_at: str
    updated_at: str


def sla_policy_payload(policy: SlaPolicy) -> SlaPolicyPayload:
    """Targets for every priority and metric, ``None`` where the policy sets none."""
    targets = {
        priority: {
            str(metric): (policy.targets.get(priority) or {}).get(str(metric))
            for metric in SlaMetric
        }
        for priority in PRIORITY_BY_NAME
    }
    return {
        "id": policy.pk,
        "name": policy.name,
        "position": policy.position,
        "is_active": policy.is_active,
        "inbox": {"id": policy.inbox.pk, "name": policy.inbox.name} if policy.inbox else None,
        "team": {"id": policy.team.pk, "name": policy.team.name} if policy.team else None,
        "business_hours": policy.business_hours,
        "warning_percent": policy.warning_percent,
        "targets": targets,
        "created_at": policy.created_at.isoformat(),
        "updated_at": policy.updated_at.isoformat(),
    }


class SlaPolicyInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    targets = serializers.DictField()
    inbox = serializers.IntegerField(min_value=1, allow_null=True, required=False)
    team = serializers.IntegerField(min_value=1, allow_null=True, required=False)
    business_hours = serializers.BooleanField(required=False)
    warning_percent = serializers.IntegerField(allow_null=True, required=False)
    is_active = serializers.BooleanField(required=False)


def _input(values: dict[str, Any]) -> services.SlaPolicyInput:
    return services.SlaPolicyInput(
        name=values.get("name"),
        targets=values.get("targets"),
        inbox_id=(values["inbox"] or 0) if "inbox" in values else None,
        team_id=(values["team"] or 0) if "team" in values else None,
        business_hours=values.get("business_hours"),
        warning_percent=values.get("warning_percent"),
        clear_warning="warning_percent" in values and values["warning_percent"] is None,
        is_active=values.get("is_active"),
    )


def _fresh(workspace_id: int, policy_id: int) -> SlaPolicy:
    return selectors.sla_policy_get(workspace_id=workspace_id, policy_id=policy_id)


class SlaPolicyListView(WorkspaceAPIView):
    @extend_schema(operation_id="sla_policies_list", responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        rows = selectors.sla_policy_list(workspace_id=self.member.workspace_id)
        return Response({"results": [sla_policy_payload(p) for p in rows]})

    @extend_schema(
        operation_id="sla_policies_create", request=SlaPolicyInputSerializer, responses=None
    )
    def post(self, request: Request, workspace: str) -> Response:
        data = SlaPolicyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy = services.sla_policy_create(actor=self.member, data=_input(data.validated_data))
        return Response(
            sla_policy_payload(_fresh(self.member.workspace_id, policy.pk)),
            status=status.HTTP_201_CREATED,
        )


class SlaPolicyDetailView(WorkspaceAPIView):
    @extend_schema(operation_id="sla_policies_read", responses=None)
    def get(self, request: Request, workspace: str, policy_id: int) -> Response:
        return Response(sla_policy_payload(_fresh(self.member.workspace_id, policy_id)))

    @extend_schema(
        operation_id="sla_policies_update", request=SlaPolicyInputSerializer, responses=None
    )
    def patch(self, request: Request, workspace: str, policy_id: int) -> Response:
        policy = _fresh(self.member.workspace_id, policy_id)
        data = SlaPolicyInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = _input(data.validated_data)
        services.sla_policy_update(actor=self.member, policy=policy, data=changes)
        return Response(sla_policy_payload(_fresh(self.member.workspace_id, policy_id)))

    @extend_schema(operation_id="sla_policies_delete", responses=None)
    def delete(self, request: Request, workspace: str, policy_id: int) -> Response:
        policy = _fresh(self.member.workspace_id, policy_id)
        services.sla_policy_delete(actor=self.member, policy=policy)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SlaPolicyReorderView(WorkspaceAPIView):
    class ReorderInput(serializers.Serializer):
        ids = serializers.ListField(child=serializers.IntegerField(), max_length=100)

    @extend_schema(operation_id="sla_policies_reorder", request=ReorderInput, responses=None)
    def post(self, request: Request, workspace: str) -> Response:
        data = self.ReorderInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.sla_policies_reorder(actor=self.member, policy_ids=data.validated_data["ids"])
        rows = selectors.sla_policy_list(workspace_id=self.member.workspace_id)
        return Response({"results": [sla_policy_payload(p) for p in rows]})
