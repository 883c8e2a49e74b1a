"""Session login for the console, the caller's own profile, API tokens, members and teams."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, login, logout
from django.middleware.csrf import get_token
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from parley.accounts import selectors, services
from parley.accounts.models import Member, User
from parley.api_base import WorkspaceAPIView
from parley.errors import ApplicationError, ErrorCode


class MembershipOut(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField()
    workspace = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()

    def get_permissions(self, member: Member) -> dict[str, bool]:
        """What the console may offer this member (docs/permissions.md); the API enforces it."""
        return {
            "see_all_inboxes": member.sees_all_inboxes,
            "assign_others": member.is_supervising,
            "manage_shared_replies": member.is_supervising,
        }

    def get_workspace(self, member: Member) -> dict[str, Any]:
        return {
            "id": member.workspace_id,
            "slug": member.workspace.slug,
            "name": member.workspace.name,
            "timezone": member.workspace.timezone,
        }


class UserOut(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()


def me_payload(user: User) -> dict[str, Any]:
    return {
        "user": UserOut(user).data,
        "memberships": MembershipOut(selectors.memberships_of(user=user), many=True).data,
    }


class CsrfView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @method_decorator(ensure_csrf_cookie)
    @extend_schema(responses=inline_serializer("Csrf", {"csrf_token": serializers.CharField()}))
    def get(self, request: Request) -> Response:
        return Response({"csrf_token": get_token(request._request)})


class LoginView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    class LoginInput(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(max_length=256, trim_whitespace=False)

    # DRF exempts its views from CSRF; a login form is where a forged request does harm.
    @method_decorator(csrf_protect)
    @extend_schema(request=LoginInput, responses=None)
    def post(self, request: Request) -> Response:
        data = self.LoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["email"].lower(),
            password=data.validated_data["password"],
        )
        if user is None:
            raise ApplicationError(ErrorCode.INVALID_CREDENTIALS, "Wrong e-mail or password.")
        login(request._request, user)
        return Response(me_payload(user))


class LogoutView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses=None)
    def get(self, request: Request) -> Response:
        return Response(me_payload(request.user))  # type: ignore[arg-type]


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


class ApiTokenListView(WorkspaceAPIView):
    """The caller's own API tokens. The key is in the answer to POST, and nowhere ever after."""

    class ApiTokenListInput(serializers.Serializer):
        name = serializers.CharField(max_length=80)

    @extend_schema(responses=TokenOut(many=True))
    def get(self, request: Request, workspace: str) -> Response:
        return Response(TokenOut(selectors.api_token_list(member=self.member), many=True).data)

    @extend_schema(request=ApiTokenListInput, responses={201: TokenOut})
    def post(self, request: Request, workspace: str) -> Response:
        data = self.ApiTokenListInput(data=request.data)
        data.is_valid(raise_exception=True)
        issued = services.api_token_issue(member=self.member, name=data.validated_data["name"])
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
