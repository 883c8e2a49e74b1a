"""Members, teams and the caller's API tokens. Login and account security: auth/api.py."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from parley.accounts import selectors, services
from parley.api_base import WorkspaceAPIView
from parley.errors import ApplicationError, ErrorCode


class MemberOut(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField()
    name = serializers.CharField()
    email = serializers.EmailField(source="user.email")


class MemberListView(WorkspaceAPIView):
    @extend_schema(responses=MemberOut(many=True))
    def get(self, request: Request, workspace: str) -> Response:
        members = selectors.member_list(workspace_id=self.member.workspace_id)
        return Response(MemberOut(members, many=True).data)


class TeamOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    members = serializers.SerializerMethodField()

    def get_members(self, team: Any) -> list[int]:
        return [m.pk for m in team.members.all()]


class TeamListView(WorkspaceAPIView):
    @extend_schema(responses=TeamOut(many=True))
    def get(self, request: Request, workspace: str) -> Response:
        teams = selectors.team_list(workspace_id=self.member.workspace_id).prefetch_related(
            "members"
        )
        return Response(TeamOut(teams, many=True).data)


class TokenOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)


class ApiTokenListView(WorkspaceAPIView):
    """The caller's own API tokens. The key is in the answer to POST, and nowhere ever after."""

    class ApiTokenListInput(serializers.Serializer):
        name = serializers.CharField(max_length=80)
        expires_in_days = serializers.IntegerField(
            min_value=1, max_value=3650, required=False, allow_null=True
        )

    @extend_schema(responses=TokenOut(many=True))
    def get(self, request: Request, workspace: str) -> Response:
        return Response(TokenOut(selectors.api_token_list(member=self.member), many=True).data)

    @extend_schema(request=ApiTokenListInput, responses={201: TokenOut})
    def post(self, request: Request, workspace: str) -> Response:
        data = self.ApiTokenListInput(data=request.data)
        data.is_valid(raise_exception=True)
        issued = services.api_token_issue(
            member=self.member,
            name=data.validated_data["name"],
            expires_in_days=data.validated_data.get("expires_in_days"),
        )
        return Response(
            {**TokenOut(issued.token).data, "key": issued.key}, status=status.HTTP_201_CREATED
        )


class ApiTokenDetailView(WorkspaceAPIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, workspace: str, token_id: int) -> Response:
        token = selectors.api_token_list(member=self.member).filter(pk=token_id).first()
        if token is None:
            raise ApplicationError(ErrorCode.NOT_FOUND, "No such token.")
        services.api_token_revoke(token=token, actor=self.member)
        return Response(status=status.HTTP_204_NO_CONTENT)
