"""The reveal endpoints: clear text for a member allowed to see it, each call audited."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from parley.api_base import WorkspaceAPIView
from parley.errors import ApplicationError, ErrorCode
from parley.privacy import reveal
from parley.tickets.sensitive import ticket_custom_fields


class MessageRevealView(WorkspaceAPIView):
    """POST, not GET: a reveal is an action that is recorded, and must not be prefetched or
    cached by a browser."""

    @extend_schema(request=None, responses=None)
    def post(self, request: Request, workspace: str, message_id: int) -> Response:
        revealed = reveal.message_reveal(member=self.member, message_id=message_id)
        return Response(
            {
                "id": revealed.message.pk,
                "conversation": revealed.message.conversation_id,
                "body": revealed.body,
                "attachments": [
                    {"id": pk, "name": name} for pk, name in revealed.attachment_names.items()
                ],
            },
            headers={"Cache-Control": "no-store"},
        )


class ContactRevealIn(serializers.Serializer):
    field = serializers.CharField()


class ContactRevealView(WorkspaceAPIView):
    @extend_schema(request=ContactRevealIn, responses=None)
    def post(self, request: Request, workspace: str, contact_id: int) -> Response:
        data = ContactRevealIn(data=request.data)
        if not data.is_valid():
            raise ApplicationError(
                ErrorCode.INVALID, "Say which field to reveal.", fields={"field": "required"}
            )
        contact, value = reveal.contact_reveal(
            member=self.member, contact_id=contact_id, field=data.validated_data["field"]
        )
        return Response(
            {"contact": contact.pk, "field": data.validated_data["field"], "value": value},
            headers={"Cache-Control": "no-store"},
        )


class TicketRevealView(WorkspaceAPIView):
    @extend_schema(request=None, responses=None)
    def post(self, request: Request, workspace: str, ticket_id: int) -> Response:
        ticket = reveal.ticket_reveal(member=self.member, ticket_id=ticket_id)
        return Response(
            {
                "id": ticket.pk,
                "number": ticket.number,
                "subject": ticket.subject,
                "custom_fields": ticket_custom_fields(ticket),
            },
            headers={"Cache-Control": "no-store"},
        )
