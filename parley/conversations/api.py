"""Members' REST API for conversations: list, read, write, assign, change status."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from parley.accounts.models import Workspace
from parley.accounts.selectors import member_get, team_get
from parley.analytics.sentiment.selectors import conversation_sentiment_brief, sentiment_of_row
from parley.api_base import WorkspaceAPIView, int_param
from parley.conversations import realtime, selectors, services
from parley.conversations.attachments import attachment_upload
from parley.conversations.models import Attachment, Conversation, Status
from parley.conversations.payloads import (
    attachment_payload,
    conversation_payload,
    message_payload,
)
from parley.conversations.search import search_history
from parley.conversations.services import Sender
from parley.conversations.uploads import UploadInput, uploaded_file
from parley.errors import ApplicationError, ErrorCode
from parley.privacy.mask import mask_text

LIST_LIMIT = 50


PREVIEW_CHARS = 120


def list_row(conversation: Conversation) -> dict[str, Any]:
    """A list item: the conversation, the caller's unread count and a preview of the last
    message (annotated by `selectors.conversation_list`)."""
    row: dict[str, Any] = dict(conversation_payload(conversation))
    row["unread"] = max(0, getattr(conversation, "unread", 0))
    row["sentiment"] = sentiment_of_row(conversation)
    last = getattr(conversation, "last_message", None)
    row["last_message"] = (
        {
            # Masked whole, then cut: a number cut in two would no longer be recognised.
            "body": mask_text(last["body"])[:PREVIEW_CHARS],
            "kind": last["kind"],
            "sender_type": last["sender_type"],
            "private": bool(last["private"]),  # SQLite's JSON has 0 and 1
        }
        if last is not None
        else None
    )
    return row


class ConversationListView(WorkspaceAPIView):
    @extend_schema(
        operation_id="conversations_list",
        parameters=[
            OpenApiParameter("status", str, enum=Status.values),
            OpenApiParameter("inbox", int),
            OpenApiParameter("team", int),
            OpenApiParameter("assignee", str, description="a member id, `me` or `none`"),
            OpenApiParameter("before", str, description="`next_before` of the previous page"),
            OpenApiParameter("before_id", int, description="`next_before_id` of the previous page"),
        ],
        responses=None,
    )
    def get(self, request: Request, workspace: str) -> Response:
        params = self.ConversationListFilters(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        conversations = selectors.conversation_list(
            member=self.member,
            status=filters.get("status"),
            inbox_id=filters.get("inbox"),
            team_id=filters.get("team"),
            assignee=filters.get("assignee"),
        )
        if "before" in filters:
            # Keyset paging on (last_activity_at, id): rows with the same time as the page's
            # last one are neither skipped nor repeated.
            before, before_id = filters["before"], filters.get("before_id")
            older = Q(last_activity_at__lt=before)
            if before_id is not None:
                older |= Q(last_activity_at=before, pk__lt=before_id)
            conversations = conversations.filter(older)
        rows = list(conversations[:LIST_LIMIT])
        full = len(rows) == LIST_LIMIT
        return Response(
            {
                "results": [list_row(c) for c in rows],
                "next_before": rows[-1].last_activity_at.isoformat() if full else None,
                "next_before_id": rows[-1].pk if full else None,
            }
        )

    class ConversationListFilters(serializers.Serializer):
        status = serializers.ChoiceField(choices=Status.values, required=False)
        inbox = serializers.IntegerField(required=False)
        team = serializers.IntegerField(required=False)
        assignee = serializers.RegexField(r"^(me|none|\d+)$", required=False)
        before = serializers.DateTimeField(required=False)
        before_id = serializers.IntegerField(required=False, min_value=1)


class ConversationDetailView(WorkspaceAPIView):
    @extend_schema(responses=None)
    def get(self, request: Request, workspace: str, conversation_id: int) -> Response:
        conversation = selectors.conversation_for_member(
            member=self.member, conversation_id=conversation_id
        )
        payload: dict[str, Any] = dict(conversation_payload(conversation))
        csat = selectors.csat_for_conversation(conversation=conversation)
        payload["csat"] = (
            {"rating": csat.rating, "comment": csat.comment}
            if csat is not None and csat.rating is not None
            else None
        )
        payload["sentiment"] = conversation_sentiment_brief(conversation_id=conversation.pk)
        return Response(payload)


class MessageListView(WorkspaceAPIView):
    """The timeline after a seq, in seq order, a page at a time (`after` = the last seq seen)."""

    class MessageListInput(serializers.Serializer):
        client_id = serializers.UUIDField(required=False)
        body = serializers.CharField(trim_whitespace=False, allow_blank=True, default="")
        private = serializers.BooleanField(default=False)
        attachments = serializers.ListField(
            child=serializers.IntegerField(min_value=1), default=list, max_length=10
        )

    @extend_schema(
        parameters=[OpenApiParameter("after", int), OpenApiParameter("limit", int)],
        responses=None,
    )
    def get(self, request: Request, workspace: str, conversation_id: int) -> Response:
        conversation = selectors.conversation_for_member(
            member=self.member, conversation_id=conversation_id
        )
        after = int_param(request.query_params.get("after"), "after") or 0
        limit = int_param(request.query_params.get("limit"), "limit") or selectors.MAX_PAGE
        messages = selectors.messages_after(
            conversation=conversation, after_seq=after, include_private=True, limit=limit
        )
        last = messages[-1].seq if messages else after
        return Response(
            {
                "results": [message_payload(m) for m in messages],
                "next_after": last if last < conversation.last_seq else None,
            }
        )

    @extend_schema(request=MessageListInput, responses=None)
    def post(self, request: Request, workspace: str, conversation_id: int) -> Response:
        data = self.MessageListInput(data=request.data)
        data.is_valid(raise_exception=True)
        attachment_ids = data.validated_data["attachments"]
        conversation = selectors.conversation_to_write(
            member=self.member, conversation_id=conversation_id
        )
        # The frames the send publishes at commit go to the event loop in one hop once it
        # returns, not in one hop each while the request's thread waits on the loop between
        # them (realtime.collected_sends; the socket consumers do the same).
        with realtime.collected_sends() as outbox:
            result = services.message_send(
                conversation=conversation,
                sender=Sender.of_member(self.member),
                body=data.validated_data["body"],
                client_id=data.validated_data.get("client_id"),
                private=data.validated_data["private"],
                attachment_ids=attachment_ids,
            )
        if outbox:
            async_to_sync(realtime.asend_all)(outbox)
        # A message stored now without attachment ids has none: no query to find out.
        attachments: list[Attachment] | None = [] if result.created and not attachment_ids else None
        return Response(
            message_payload(result.message, attachments),
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class ConversationActionView(WorkspaceAPIView):
    """POST one change to one conversation: validate the body, find the conversation the caller
    may see, call one service, answer with the conversation's new state."""

    input_class: type[serializers.Serializer]

    def act(self, conversation: Conversation, data: dict[str, Any]) -> Conversation:
        raise NotImplementedError

    def post(self, request: Request, workspace: str, conversation_id: int) -> Response:
        data = self.input_class(data=request.data)
        data.is_valid(raise_exception=True)
        conversation = selectors.conversation_for_member(
            member=self.member, conversation_id=conversation_id
        )
        return Response(conversation_payload(self.act(conversation, data.validated_data)))


class AssignInput(serializers.Serializer):
    assignee = serializers.IntegerField(allow_null=True)


@extend_schema_view(post=extend_schema(request=AssignInput, responses=None))
class AssignView(ConversationActionView):
    input_class = AssignInput

    def act(self, conversation: Conversation, data: dict[str, Any]) -> Conversation:
        assignee_id = data["assignee"]
        assignee = (
            member_get(workspace_id=self.member.workspace_id, member_id=assignee_id)
            if assignee_id is not None
            else None
        )
        return services.conversation_assign(
            conversation=conversation, assignee=assignee, actor=self.member
        )


class TeamInput(serializers.Serializer):
    team = serializers.IntegerField(allow_null=True)


@extend_schema_view(post=extend_schema(request=TeamInput, responses=None))
class TeamView(ConversationActionView):
    input_class = TeamInput

    def act(self, conversation: Conversation, data: dict[str, Any]) -> Conversation:
        team_id = data["team"]
        team = (
            team_get(workspace_id=self.member.workspace_id, team_id=team_id)
            if team_id is not None
            else None
        )
        return services.conversation_set_team(
            conversation=conversation, team=team, actor=self.member
        )


class StatusInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.values)


@extend_schema_view(post=extend_schema(request=StatusInput, responses=None))
class StatusView(ConversationActionView):
    input_class = StatusInput

    def act(self, conversation: Conversation, data: dict[str, Any]) -> Conversation:
        return services.conversation_set_status(
            conversation=conversation, status=data["status"], actor=self.member
        )


class ReadView(WorkspaceAPIView):
    class ReadInput(serializers.Serializer):
        seq = serializers.IntegerField(min_value=0)

    @extend_schema(request=ReadInput, responses=None)
    def post(self, request: Request, workspace: str, conversation_id: int) -> Response:
        data = self.ReadInput(data=request.data)
        data.is_valid(raise_exception=True)
        conversation = selectors.conversation_for_member(
            member=self.member, conversation_id=conversation_id
        )
        seq = services.conversation_mark_read_by_member(
            conversation=conversation, member=self.member, seq=data.validated_data["seq"]
        )
        result: dict[str, Any] = {"conversation": conversation.pk, "seq": seq}
        return Response(result)


def upload_response(
    request: Request,
    *,
    workspace: Workspace,
    member_id: int | None = None,
    contact_id: int | None = None,
) -> Response:
    """Store the request's `file` for a member or a contact; 201 with the attachment."""
    upload = uploaded_file(request)
    attachment = attachment_upload(
        workspace=workspace,
        content=upload.read(),
        name=upload.name or "file",
        member_id=member_id,
        contact_id=contact_id,
    )
    return Response(attachment_payload(attachment), status=status.HTTP_201_CREATED)


class AttachmentUploadView(WorkspaceAPIView):
    """Upload a file (multipart field `file`); send it by naming its id in a message."""

    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": UploadInput}, responses={201: None})
    def post(self, request: Request, workspace: str) -> Response:
        return upload_response(request, workspace=self.member.workspace, member_id=self.member.pk)


class SearchView(WorkspaceAPIView):
    """Search conversation history: message text (Chinese and English) and contacts."""

    @extend_schema(parameters=[OpenApiParameter("q", str, required=True)], responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        query = request.query_params.get("q", "").strip()
        if not query or len(query) > 200:
            raise ApplicationError(
                ErrorCode.INVALID, "Search for 1 to 200 characters.", fields={"q": "length"}
            )
        hits = search_history(member=self.member, query=query)
        return Response(
            {
                "results": [
                    {
                        "conversation": {
                            "id": hit.conversation.pk,
                            "status": hit.conversation.status,
                            "contact": {
                                "id": hit.conversation.contact_id,
                                "name": hit.conversation.contact.display_name,
                            },
                        },
                        "message": {
                            "id": hit.message.pk,
                            "seq": hit.message.seq,
                            "body": mask_text(hit.message.body),
                            "private": hit.message.private,
                            "created_at": hit.message.created_at.isoformat(),
                        }
                        if hit.message
                        else None,
                        "snippet": hit.snippet,
                    }
                    for hit in hits
                ]
            }
        )
