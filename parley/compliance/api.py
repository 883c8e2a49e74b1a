"""The privacy API for admins (under `/api/v1/workspaces/<slug>/privacy/`) and the widget's
consent call (`/api/widget/v1/consent`). Thin: parse, call one service, shape the answer."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from parley.accounts.auth.client import client_address
from parley.api_base import WorkspaceAPIView
from parley.compliance import consent, erasure, export, policy, retention, selectors
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.api import WidgetAuthenticatedView


class PrivacySettingsIn(serializers.Serializer):
    notice_en = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    notice_zh = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    consent_required = serializers.BooleanField(required=False)
    collect = serializers.ListField(child=serializers.CharField(), required=False)
    conversation_days = serializers.IntegerField(required=False, allow_null=True)
    attachment_days = serializers.IntegerField(required=False, allow_null=True)
    retention_action = serializers.CharField(required=False)
    new_notice_version = serializers.BooleanField(required=False, default=False)


def _valid(serializer: serializers.Serializer) -> dict[str, Any]:
    if not serializer.is_valid():
        raise ApplicationError(
            ErrorCode.INVALID,
            "Some fields are not valid.",
            fields={
                k: str(v[0]) if isinstance(v, list) else "invalid"
                for k, v in serializer.errors.items()
            },
        )
    return dict(serializer.validated_data)


class PrivacySettingsView(WorkspaceAPIView):
    @extend_schema(responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        settings = policy.privacy_settings_get(workspace_id=self.member.workspace_id)
        return Response(policy.settings_payload(settings))

    @extend_schema(request=PrivacySettingsIn, responses=None)
    def patch(self, request: Request, workspace: str) -> Response:
        data = _valid(PrivacySettingsIn(data=request.data))
        bump = data.pop("new_notice_version", False)
        settings = policy.privacy_settings_update(
            actor=self.member, changes=data, new_notice_version=bump
        )
        return Response(policy.settings_payload(settings))


class ComplianceReportView(WorkspaceAPIView):
    @extend_schema(responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        return Response(selectors.compliance_report(workspace_id=self.member.workspace_id))


class RetentionRunView(WorkspaceAPIView):
    """Run the workspace's retention policy now (the periodic job does the same)."""

    @extend_schema(request=None, responses=None)
    def post(self, request: Request, workspace: str) -> Response:
        run = retention.retention_run_now(actor=self.member)
        return Response(selectors.run_payload(run), status=status.HTTP_201_CREATED)


class ContactExportView(WorkspaceAPIView):
    """A zip of the contact's data; POST because it is a recorded action, never prefetched."""

    @extend_schema(request=None, responses={(200, "application/zip"): bytes})
    def post(self, request: Request, workspace: str, contact_id: int) -> HttpResponse:
        result = export.contact_export(member=self.member, contact_id=contact_id)
        with result.file:
            response = HttpResponse(result.file.read(), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{result.name}"'
        response["Cache-Control"] = "no-store"
        return response


class ContactEraseIn(serializers.Serializer):
    confirm = serializers.CharField(max_length=40)


class ContactEraseView(WorkspaceAPIView):
    @extend_schema(request=ContactEraseIn, responses=None)
    def post(self, request: Request, workspace: str, contact_id: int) -> Response:
        data = ContactEraseIn(data=request.data)
        if not data.is_valid():
            raise ApplicationError(
                ErrorCode.CONFIRMATION_REQUIRED,
                "Erasure cannot be undone: send the contact's id as confirm.",
                fields={"confirm": "required"},
            )
        result = erasure.contact_erase(
            member=self.member, contact_id=contact_id, confirm=data.validated_data["confirm"]
        )
        return Response(
            {
                "contact": result.contact.pk,
                "conversations": result.conversations,
                "messages": result.messages,
                "attachments": result.attachments,
                "files": result.files,
            }
        )


class WidgetConsentView(WidgetAuthenticatedView):
    """The visitor accepted (or declined) the privacy notice shown in the widget."""

    class WidgetConsentInput(serializers.Serializer):
        notice_version = serializers.IntegerField(min_value=1)
        accepted = serializers.BooleanField()

    @extend_schema(request=WidgetConsentInput, responses={201: None}, auth=[])
    def post(self, request: Request) -> Response:
        data = self.WidgetConsentInput(data=request.data)
        data.is_valid(raise_exception=True)
        record = consent.consent_record(
            contact=self.contact,
            inbox=self.inbox,
            notice_version=data.validated_data["notice_version"],
            accepted=data.validated_data["accepted"],
            address=client_address(request),
        )
        return Response(
            {"notice_version": record.notice_version, "accepted": record.accepted},
            status=status.HTTP_201_CREATED,
        )
