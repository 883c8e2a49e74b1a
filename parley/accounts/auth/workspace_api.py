"""`/api/v1/workspaces/<slug>/security/`: the workspace's security settings. Every member
reads them (the console shows why it asks for two-factor); owners and admins change them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from parley.accounts.auth.workspace_policy import (
    security_settings_check,
    workspace_two_factor_set,
)
from parley.api_base import WorkspaceAPIView


class SecurityOut(serializers.Serializer):
    require_two_factor = serializers.BooleanField()


class WorkspaceSecurityView(WorkspaceAPIView):
    class SecurityInput(serializers.Serializer):
        require_two_factor = serializers.BooleanField()

    @extend_schema(responses=SecurityOut)
    def get(self, request: Request, workspace: str) -> Response:
        return Response(SecurityOut(self.member.workspace).data)

    @extend_schema(request=SecurityInput, responses=SecurityOut)
    def patch(self, request: Request, workspace: str) -> Response:
        security_settings_check(actor=self.member)
        data = self.SecurityInput(data=request.data)
        data.is_valid(raise_exception=True)
        updated = workspace_two_factor_set(
            workspace=self.member.workspace,
            require=data.validated_data["require_two_factor"],
            actor=self.member,
        )
        return Response(SecurityOut(updated).data)
