"""The widget's HTTP API (`/api/widget/v1/`), called from customers' sites, and members' inbox list.

Widget calls carry no cookies: a visitor is identified by the session token, sent as
`Authorization: Bearer <token>`, and every call's Origin must be one the inbox allows.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from parley.accounts.auth.client import client_address
from parley.api_base import WorkspaceAPIView, int_param
from parley.compliance.consent import widget_privacy
from parley.contacts.models import Contact
from parley.conversations import selectors as conversation_selectors
from parley.conversations import services as conversation_services
from parley.conversations.api import upload_response
from parley.conversations.payloads import (
    conversation_payload_for_contact,
    message_payload,
)
from parley.conversations.services.csat import csat_state
from parley.conversations.uploads import UploadInput
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes import selectors, services
from parley.inboxes.hours_reply import negotiate_locale
from parley.inboxes.models import Inbox
from parley.tickets.services import ticket_leave_message


def request_origin(request: Request) -> str | None:
    """The page's origin. Browsers leave `Origin` off a same-origin GET, but say where it comes
    from in `Sec-Fetch-Site` (which a page cannot set): then it is our own origin."""
    origin = request.headers.get("Origin")
    if origin is None and request.headers.get("Sec-Fetch-Site") == "same-origin":
        return f"{request.scheme}://{request.get_host()}"
    return origin


def request_locale(request: Request, requested: str | None) -> str:
    """The language to answer a visitor in: a ``locale`` field, else Accept-Language."""
    return negotiate_locale(
        requested=requested, accept_language=request.headers.get("Accept-Language", "")
    )


class WidgetAPIView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []


class WidgetSessionView(WidgetAPIView):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "widget_session"

    class WidgetSessionInput(serializers.Serializer):
        inbox = serializers.CharField(max_length=64)
        token = serializers.CharField(max_length=2000, required=False, allow_blank=True)
        name = serializers.CharField(max_length=120, required=False, allow_blank=True)
        email = serializers.EmailField(required=False, allow_blank=True)
        locale = serializers.CharField(max_length=35, required=False, allow_blank=True)
        # Identity verification (docs/security.md "Widget identity"): the site's user id and
        # HMAC-SHA256(inbox identity secret, id) in hex, computed on the site's server.
        identifier = serializers.CharField(max_length=200, required=False, allow_blank=True)
        identifier_hash = serializers.CharField(max_length=128, required=False, allow_blank=True)

    @extend_schema(request=WidgetSessionInput, responses={201: None}, auth=[])
    def post(self, request: Request) -> Response:
        data = self.WidgetSessionInput(data=request.data)
        data.is_valid(raise_exception=True)
        locale = request_locale(request, data.validated_data.get("locale"))
        session = services.widget_session_open(
            public_key=data.validated_data["inbox"],
            origin=request_origin(request),
            token=data.validated_data.get("token") or None,
            name=data.validated_data.get("name", ""),
            email=data.validated_data.get("email", ""),
            locale=locale,
            identifier=data.validated_data.get("identifier", ""),
            identifier_hash=data.validated_data.get("identifier_hash", ""),
            ip=client_address(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
        conversations = conversation_selectors.contact_conversations(
            contact=session.contact, inbox_id=session.inbox.pk
        )[:20]
        availability = selectors.inbox_availability(inbox=session.inbox, locale=locale)
        next_opening = availability.next_opening
        return Response(
            {
                "token": session.token,
                "contact": {"id": session.contact.pk, "name": session.contact.name},
                "inbox": {
                    "name": session.inbox.name,
                    "greeting": session.inbox.greeting,
                    "online": availability.online,
                    "open": availability.open,
                    "next_opening": next_opening.isoformat() if next_opening else None,
                    "closed_reply": availability.closed_reply,
                    "prechat": selectors.prechat_settings(inbox=session.inbox),
                },
                "conversations": [conversation_payload_for_contact(c) for c in conversations],
                # The privacy notice to show and whether consent is still needed
                # (docs/privacy.md); null when the workspace has neither.
                "privacy": widget_privacy(contact=session.contact, locale=locale),
                "csat": [
                    csat_state(r)
                    for r in conversation_selectors.contact_open_csat(
                        contact=session.contact, inbox_id=session.inbox.pk
                    )
                ],
            },
            status=status.HTTP_201_CREATED,
        )


class WidgetAuthenticatedView(WidgetAPIView):
    """Resolves the visitor from the bearer token and checks the Origin against their inbox."""

    contact: Contact
    inbox: Inbox

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            raise ApplicationError(ErrorCode.NOT_AUTHENTICATED, "A widget token is required.")
        self.contact, self.inbox = selectors.widget_contact(token=header.removeprefix("Bearer "))
        services.check_widget_origin(inbox=self.inbox, origin=request_origin(request))


class WidgetMessagesView(WidgetAuthenticatedView):
    class WidgetMessagesInput(serializers.Serializer):
        client_id = serializers.UUIDField()
        conversation = serializers.IntegerField(allow_null=True, required=False)
        body = serializers.CharField(trim_whitespace=False, allow_blank=True, default="")
        attachments = serializers.ListField(
            child=serializers.IntegerField(min_value=1), default=list, max_length=10
        )
        topic = serializers.CharField(max_length=80, required=False, allow_blank=True)

    @extend_schema(request=WidgetMessagesInput, responses=None, auth=[])
    def post(self, request: Request) -> Response:
        """Send a message, for clients that cannot hold a socket. Idempotent on client_id."""
        data = self.WidgetMessagesInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = conversation_services.contact_message_send(
            contact=self.contact,
            inbox=self.inbox,
            conversation_id=data.validated_data.get("conversation"),
            body=data.validated_data["body"],
            client_id=data.validated_data["client_id"],
            attachment_ids=data.validated_data["attachments"],
            topic=data.validated_data.get("topic", ""),
        )
        return Response(
            message_payload(result.message, clear=True),
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class WidgetConversationMessagesView(WidgetAuthenticatedView):
    @extend_schema(parameters=[OpenApiParameter("after", int)], responses=None, auth=[])
    def get(self, request: Request, conversation_id: int) -> Response:
        conversation = conversation_selectors.conversation_for_contact(
            contact=self.contact, conversation_id=conversation_id
        )
        after = int_param(request.query_params.get("after"), "after") or 0
        messages = conversation_selectors.messages_after(
            conversation=conversation, after_seq=after, include_private=False
        )
        return Response(
            {
                "conversation": conversation_payload_for_contact(conversation),
                "results": [message_payload(m, clear=True) for m in messages],
            }
        )


class WidgetLeaveMessageView(WidgetAuthenticatedView):
    """When nobody can chat, the visitor leaves a message and a way to reach them."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "leave_message"

    class WidgetLeaveMessageInput(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        email = serializers.EmailField()
        body = serializers.CharField(trim_whitespace=False)
        client_id = serializers.UUIDField(required=False)
        locale = serializers.CharField(max_length=35, required=False, allow_blank=True)

    @extend_schema(request=WidgetLeaveMessageInput, responses={201: None}, auth=[])
    def post(self, request: Request) -> Response:
        data = self.WidgetLeaveMessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = ticket_leave_message(
            contact=self.contact,
            inbox=self.inbox,
            name=data.validated_data["name"],
            email=data.validated_data["email"],
            body=data.validated_data["body"],
            client_id=data.validated_data.get("client_id"),
            auto_reply=selectors.inbox_closed_reply(
                inbox=self.inbox,
                locale=request_locale(request, data.validated_data.get("locale")),
            ),
        )
        return Response(
            {"conversation": conversation_payload_for_contact(result.conversation)},
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class WidgetAttachmentView(WidgetAuthenticatedView):
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": UploadInput}, responses={201: None}, auth=[])
    def post(self, request: Request) -> Response:
        return upload_response(request, workspace=self.inbox.workspace, contact_id=self.contact.pk)


class InboxOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    public_key = serializers.CharField()
    allowed_origins = serializers.ListField(child=serializers.CharField())
    greeting = serializers.CharField()


class InboxListView(WorkspaceAPIView):
    @extend_schema(responses=InboxOut(many=True))
    def get(self, request: Request, workspace: str) -> Response:
        return Response(InboxOut(selectors.inbox_list(member=self.member), many=True).data)


ORIGIN_PATTERN = r"^https?://[^/\s:]+(:\d{1,5})?$"


class InboxConfigInput(serializers.Serializer):
    name = serializers.CharField(max_length=80, required=False)
    greeting = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    allowed_origins = serializers.ListField(
        child=serializers.RegexField(ORIGIN_PATTERN, max_length=200),
        max_length=50,
        required=False,
    )
    routing = serializers.DictField(required=False)
    prechat = serializers.DictField(required=False)
    business_hours = serializers.DictField(required=False)
    agents = serializers.ListField(child=serializers.IntegerField(), max_length=500, required=False)
    teams = serializers.ListField(child=serializers.IntegerField(), max_length=100, required=False)


class InboxDetailOut(InboxOut):
    settings = serializers.DictField()
    agents = serializers.SerializerMethodField()
    teams = serializers.SerializerMethodField()

    def get_agents(self, inbox: Inbox) -> list[int]:
        return sorted(m.pk for m in inbox.agents.all())

    def get_teams(self, inbox: Inbox) -> list[int]:
        return sorted(t.pk for t in inbox.teams.all())


class InboxDetailView(WorkspaceAPIView):
    """An inbox with its settings; admins change them with PATCH (checked, audited)."""

    @extend_schema(responses=InboxDetailOut)
    def get(self, request: Request, workspace: str, inbox_id: int) -> Response:
        inbox = selectors.inbox_get(member=self.member, inbox_id=inbox_id)
        return Response(InboxDetailOut(inbox).data)

    @extend_schema(request=InboxConfigInput, responses=InboxDetailOut)
    def patch(self, request: Request, workspace: str, inbox_id: int) -> Response:
        data = InboxConfigInput(data=request.data)
        data.is_valid(raise_exception=True)
        inbox = selectors.inbox_get(member=self.member, inbox_id=inbox_id)
        inbox = services.inbox_configure(
            inbox=inbox, actor=self.member, changes=dict(data.validated_data)
        )
        return Response(InboxDetailOut(inbox).data)
