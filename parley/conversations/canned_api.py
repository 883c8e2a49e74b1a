"""REST API for canned responses (quick replies)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from parley.accounts.selectors import team_get
from parley.api_base import WorkspaceAPIView
from parley.conversations import canned
from parley.conversations.models import CannedResponse, CannedScope


class CannedOut(serializers.Serializer):
    id = serializers.IntegerField()
    scope = serializers.CharField()
    shortcut = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    team = serializers.SerializerMethodField()

    def get_team(self, obj: CannedResponse) -> dict[str, Any] | None:
        return {"id": obj.team.pk, "name": obj.team.name} if obj.team else None


class CannedIn(serializers.Serializer):
    scope = serializers.ChoiceField(choices=CannedScope.values, required=False)
    shortcut = serializers.SlugField(max_length=40, allow_unicode=True)
    title = serializers.CharField(max_length=120)
    body = serializers.CharField(max_length=10_000)
    team = serializers.IntegerField(required=False, allow_null=True)


def _input(
    view: WorkspaceAPIView, request: Request, current: CannedResponse | None = None
) -> canned.CannedInput:
    """The request's fields; on PATCH (``current`` given) an omitted field keeps its value."""
    data = CannedIn(data=request.data, partial=current is not None)
    data.is_valid(raise_exception=True)
    values = data.validated_data
    if "team" in values:
        team_id = values["team"]
        team = team_get(workspace_id=view.member.workspace_id, team_id=team_id) if team_id else None
    else:
        team = current.team if current else None
    return canned.CannedInput(
        scope=values.get("scope", current.scope if current else CannedScope.PERSONAL),
        shortcut=values.get("shortcut", current.shortcut if current else ""),
        title=values.get("title", current.title if current else ""),
        body=values.get("body", current.body if current else ""),
        team=team,
    )


class CannedListView(WorkspaceAPIView):
    @extend_schema(parameters=[OpenApiParameter("q", str)], responses=CannedOut(many=True))
    def get(self, request: Request, workspace: str) -> Response:
        query = request.query_params.get("q", "").strip()[:80]
        return Response(
            CannedOut(canned.canned_visible(member=self.member, query=query), many=True).data
        )

    @extend_schema(request=CannedIn, responses={201: CannedOut})
    def post(self, request: Request, workspace: str) -> Response:
        created = canned.canned_create(member=self.member, data=_input(self, request))
        return Response(CannedOut(created).data, status=status.HTTP_201_CREATED)


class CannedDetailView(WorkspaceAPIView):
    @extend_schema(request=CannedIn, responses=CannedOut)
    def patch(self, request: Request, workspace: str, canned_id: int) -> Response:
        found = canned.canned_get(member=self.member, canned_id=canned_id)
        updated = canned.canned_update(
            member=self.member, canned=found, data=_input(self, request, current=found)
        )
        return Response(CannedOut(updated).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, workspace: str, canned_id: int) -> Response:
        found = canned.canned_get(member=self.member, canned_id=canned_id)
        canned.canned_delete(member=self.member, canned=found)
        return Response(status=status.HTTP_204_NO_CONTENT)
