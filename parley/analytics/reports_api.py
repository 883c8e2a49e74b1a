"""E-mail report subscriptions (docs/analytics.md#e-mail-reports). Supervisors and up."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from parley.analytics.models import ReportFrequency, ReportSubscription
from parley.analytics.reports import report_subscription_create, report_subscription_delete
from parley.api_base import WorkspaceAPIView
from parley.errors import ApplicationError, ErrorCode


class ReportSubscriptionIn(serializers.Serializer):
    email = serializers.EmailField()
    frequency = serializers.ChoiceField(choices=ReportFrequency.values)


def payload(sub: ReportSubscription) -> dict[str, Any]:
    return {
        "id": sub.pk,
        "email": sub.email,
        "frequency": sub.frequency,
        "sent_through": sub.sent_through.isoformat() if sub.sent_through else None,
    }


class ReportBaseView(WorkspaceAPIView):
    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not self.member.is_supervising:
            raise ApplicationError(
                ErrorCode.PERMISSION_DENIED, "Reports are for supervisors and admins."
            )


class ReportSubscriptionListView(ReportBaseView):
    @extend_schema(responses=None, operation_id="analytics_report_subscriptions_list")
    def get(self, request: Request, workspace: str) -> Response:
        subs = ReportSubscription.objects.filter(workspace_id=self.member.workspace_id)
        return Response({"subscriptions": [payload(s) for s in subs]})

    @extend_schema(request=ReportSubscriptionIn, responses=None)
    def post(self, request: Request, workspace: str) -> Response:
        data = ReportSubscriptionIn(data=request.data)
        data.is_valid(raise_exception=True)
        sub = report_subscription_create(
            actor=self.member,
            email=data.validated_data["email"],
            frequency=data.validated_data["frequency"],
        )
        return Response(payload(sub), status=status.HTTP_201_CREATED)


class ReportSubscriptionDetailView(ReportBaseView):
    @extend_schema(responses=None)
    def delete(self, request: Request, workspace: str, subscription_id: int) -> Response:
        sub = ReportSubscription.objects.filter(
            pk=subscription_id, workspace_id=self.member.workspace_id
        ).first()
        if sub is None:
            raise ApplicationError(ErrorCode.NOT_FOUND, "No such subscription.")
        report_subscription_delete(actor=self.member, subscription=sub)
        return Response(status=status.HTTP_204_NO_CONTENT)
