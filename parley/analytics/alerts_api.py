"""Alert rules (CRUD) and the alert history. Supervisors, admins and owners only."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from parley.analytics.alerts import (
    RuleInput,
    alert_rule_create,
    alert_rule_delete,
    alert_rule_update,
)
from parley.analytics.models import AlertEvent, AlertMetric, AlertRule, Comparison
from parley.api_base import WorkspaceAPIView
from parley.errors import ApplicationError, ErrorCode

HISTORY_LIMIT = 200


class AlertRuleIn(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    metric = serializers.ChoiceField(choices=AlertMetric.values)
    comparison = serializers.ChoiceField(choices=Comparison.values)
    threshold = serializers.FloatField()
    window_minutes = serializers.IntegerField(default=60)
    cooldown_minutes = serializers.IntegerField(default=30)
    inbox = serializers.IntegerField(required=False, allow_null=True, default=None)
    team = serializers.IntegerField(required=False, allow_null=True, default=None)
    notify_console = serializers.BooleanField(default=True)
    email_to = serializers.ListField(
        child=serializers.EmailField(), required=False, default=list, max_length=20
    )
    webhook_url = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )
    enabled = serializers.BooleanField(default=True)

    def to_input(self) -> RuleInput:
        d = self.validated_data
        return RuleInput(
            name=d["name"],
            metric=d["metric"],
            comparison=d["comparison"],
            threshold=d["threshold"],
            window_minutes=d["window_minutes"],
            cooldown_minutes=d["cooldown_minutes"],
            inbox_id=d["inbox"],
            team_id=d["team"],
            notify_console=d["notify_console"],
            email_to=tuple(d["email_to"]),
            webhook_url=d["webhook_url"],
            enabled=d["enabled"],
        )


def rule_payload(rule: AlertRule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "name": rule.name,
        "metric": rule.metric,
        "comparison": rule.comparison,
        "threshold": rule.threshold,
        "window_minutes": rule.window_minutes,
        "cooldown_minutes": rule.cooldown_minutes,
        "inbox": rule.inbox_id,
        "team": rule.team_id,
        "notify_console": rule.notify_console,
        "email_to": rule.email_to,
        "webhook_url": rule.webhook_url,
        # Shown to the people who may edit the rule, so they can verify signatures.
        "webhook_secret": rule.webhook_secret,
        "enabled": rule.enabled,
        "firing": rule.firing,
        "last_fired_at": rule.last_fired_at.isoformat() if rule.last_fired_at else None,
    }


class AlertBaseView(WorkspaceAPIView):
    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not self.member.is_supervising:
            raise ApplicationError(
                ErrorCode.PERMISSION_DENIED, "Alert rules are for supervisors and admins."
            )

    def rule(self, rule_id: int) -> AlertRule:
        rule = AlertRule.objects.filter(pk=rule_id, workspace_id=self.member.workspace_id).first()
        if rule is None:
            raise ApplicationError(ErrorCode.NOT_FOUND, "No such alert rule.")
        return rule


class AlertRuleListView(AlertBaseView):
    @extend_schema(responses=None, operation_id="analytics_alert_rules_list")
    def get(self, request: Request, workspace: str) -> Response:
        rules = AlertRule.objects.filter(workspace_id=self.member.workspace_id)
        return Response({"rules": [rule_payload(r) for r in rules]})

    @extend_schema(request=AlertRuleIn, responses=None)
    def post(self, request: Request, workspace: str) -> Response:
        data = AlertRuleIn(data=request.data)
        data.is_valid(raise_exception=True)
        rule = alert_rule_create(actor=self.member, data=data.to_input())
        return Response(rule_payload(rule), status=status.HTTP_201_CREATED)


class AlertRuleDetailView(AlertBaseView):
    @extend_schema(responses=None, operation_id="analytics_alert_rule_get")
    def get(self, request: Request, workspace: str, rule_id: int) -> Response:
        return Response(rule_payload(self.rule(rule_id)))

    @extend_schema(request=AlertRuleIn, responses=None)
    def put(self, request: Request, workspace: str, rule_id: int) -> Response:
        rule = self.rule(rule_id)
        data = AlertRuleIn(data=request.data)
        data.is_valid(raise_exception=True)
        rule = alert_rule_update(actor=self.member, rule=rule, data=data.to_input())
        return Response(rule_payload(rule))

    @extend_schema(responses=None)
    def delete(self, request: Request, workspace: str, rule_id: int) -> Response:
        alert_rule_delete(actor=self.member, rule=self.rule(rule_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AlertHistoryView(AlertBaseView):
    @extend_schema(responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        events = AlertEvent.objects.filter(workspace_id=self.member.workspace_id).select_related(
            "rule"
        )[:HISTORY_LIMIT]
        return Response(
            {
                "alerts": [
                    {
                        "id": e.pk,
                        "rule": {"id": e.rule_id, "name": e.rule.name, "metric": e.rule.metric},
                        "fired_at": e.fired_at.isoformat(),
                        "value": e.value,
                        "threshold": e.threshold,
                        "comparison": e.rule.comparison,
                        "window_start": e.window_start.isoformat(),
                        "window_end": e.window_end.isoformat(),
                        "deliveries": e.deliveries,
                    }
                    for e in events
                ]
            }
        )
