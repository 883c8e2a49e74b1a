"""The inbox identity secret, for admins: generated or rotated, and shown only in that answer."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from parley.api_base import WorkspaceAPIView
from parley.inboxes.identity import identity_secret_rotate
from parley.inboxes.selectors import inbox_get


class IdentitySecretView(WorkspaceAPIView):
    @extend_schema(
        request=None,
        responses={
            201: inline_serializer("IdentitySecret", {"identity_secret": serializers.CharField()})
        },
    )
    def post(self, request: Request, workspace: str, inbox_id: int) -> Response:
        """Generate a new identity secret (the old one stops working). It is shown only here."""
        inbox = inbox_get(member=self.member, inbox_id=inbox_id)
        secret = identity_secret_rotate(inbox=inbox, actor=self.member)
        return Response({"identity_secret": secret}, status=status.HTTP_201_CREATED)
