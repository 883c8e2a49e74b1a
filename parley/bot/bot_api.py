"""The bot's API: members read and change an inbox's bot settings and the generation endpoint,
read bot analytics and a conversation's bot summary; the widget picks "did you mean" choices,
asks for a person and rates answers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from parley.accounts.models import Member
from parley.api_base import WorkspaceAPIView
from parley.bot.analytics import bot_analytics
from parley.bot.conversation import configure, visitor
from parley.bot.conversation.settings import bot_settings
from parley.bot.models import BotGenerationConfig, BotSession
from parley.conversations import selectors as conversation_selectors
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.api import WidgetAuthenticatedView
from parley.inboxes.models import Inbox, InboxKind


def _supervising(member: Member) -> None:
    if not member.is_supervising:
        raise ApplicationError(ErrorCode.PERMISSION_DENIED, "Supervisors and admins only.")


def _inbox(member: Member, inbox_id: int) -> Inbox:
    inbox = Inbox.objects.filter(workspace_id=member.workspace_id, pk=inbox_id).first()
    if inbox is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such inbox.")
    return inbox


class BotInboxListView(WorkspaceAPIView):
    @extend_schema(operation_id="bot_inboxes", responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        """The workspace's chat inboxes and their bot settings."""
        _supervising(self.member)
        inboxes = Inbox.objects.filter(
            workspace_id=self.member.workspace_id, kind=InboxKind.WIDGET
        ).order_by("pk")
        return Response(
            [{"id": i.pk, "name": i.name, "bot": bot_settings(i).as_dict()} for i in inboxes]
        )


class BotInboxSettingsView(WorkspaceAPIView):
    @extend_schema(operation_id="bot_inbox_settings", responses=None)
    def get(self, request: Request, workspace: str, inbox_id: int) -> Response:
        _supervising(self.member)
        return Response(bot_settings(_inbox(self.member, inbox_id)).as_dict())

    @extend_schema(operation_id="bot_inbox_settings_update", request=None, responses=None)
    def patch(self, request: Request, workspace: str, inbox_id: int) -> Response:
        if not isinstance(request.data, dict):
            raise ApplicationError(ErrorCode.INVALID, "An object of settings.")
        checked = configure.bot_settings_configure(
            inbox=_inbox(self.member, inbox_id), actor=self.member, raw=dict(request.data)
        )
        return Response(checked.as_dict())


class GenerationInput(serializers.Serializer):
    # Each field left out keeps its stored value.
    enabled = serializers.BooleanField(required=False)
    base_url = serializers.CharField(max_length=300, allow_blank=True, required=False)
    model = serializers.CharField(max_length=120, allow_blank=True, required=False)
    timeout_seconds = serializers.FloatField(required=False)
    api_key = serializers.CharField(
        max_length=300, allow_blank=True, required=False, trim_whitespace=True, write_only=True
    )


class BotGenerationView(WorkspaceAPIView):
    @extend_schema(operation_id="bot_generation", responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        if self.member.role not in ("owner", "admin"):
            raise ApplicationError(ErrorCode.PERMISSION_DENIED, "Only admins see this.")
        config = BotGenerationConfig.objects.filter(workspace_id=self.member.workspace_id).first()
        return Response(configure.generation_payload(config))

    @extend_schema(operation_id="bot_generation_update", request=GenerationInput, responses=None)
    def patch(self, request: Request, workspace: str) -> Response:
        data = GenerationInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        stored = configure.generation_payload(
            BotGenerationConfig.objects.filter(workspace_id=self.member.workspace_id).first()
        )
        config = configure.bot_generation_configure(
            actor=self.member,
            data=configure.GenerationInput(
                enabled=values.get("enabled", stored["enabled"]),
                base_url=values.get("base_url", stored["base_url"]),
                model=values.get("model", stored["model"]),
                timeout_seconds=values.get("timeout_seconds", stored["timeout_seconds"]),
                api_key=values.get("api_key"),
            ),
        )
        return Response(configure.generation_payload(config))


class AnalyticsInput(serializers.Serializer):
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)


class BotAnalyticsView(WorkspaceAPIView):
    @extend_schema(operation_id="bot_analytics", responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        _supervising(self.member)
        params = AnalyticsInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        from django.utils import timezone

        until = params.validated_data.get("until") or timezone.now()
        since = params.validated_data.get("since") or until - timedelta(days=30)
        if since >= until:
            raise ApplicationError(
                ErrorCode.INVALID, "since must be before until.", fields={"since": "after until"}
            )
        figures = bot_analytics(workspace_id=self.member.workspace_id, since=since, until=until)
        return Response(
            {
                "since": since.isoformat(),
                "until": until.isoformat(),
                "conversations": figures.conversations,
                "deflected": figures.deflected,
                "deflection_rate": figures.deflection_rate,
                "handed_off": figures.handed_off,
                "handoff_rate": figures.handoff_rate,
                "handoff_reasons": figures.handoff_reasons,
                "replies": {
                    "answers": figures.answers,
                    "suggestions": figures.suggestions,
                    "refusals": figures.refusals,
                },
                "ratings": {"helpful": figures.helpful, "unhelpful": figures.unhelpful},
                "unanswered": [
                    {"question": g.question, "count": g.count, "examples": g.examples}
                    for g in figures.unanswered
                ],
            }
        )


def bot_summary(session: BotSession | None) -> dict[str, Any] | None:
    if session is None:
        return None
    return {
        "locale": session.locale,
        "intent": session.intent,
        "skill": session.skill,
        "low_confidence_turns": session.low_confidence_turns,
        "handoff_reason": session.handoff_reason,
        "handed_off_at": session.handed_off_at.isoformat() if session.handed_off_at else None,
    }


class ConversationBotView(WorkspaceAPIView):
    @extend_schema(operation_id="conversation_bot", responses=None)
    def get(self, request: Request, workspace: str, conversation_id: int) -> Response:
        """What the bot knew of a conversation: the detected intent and why it handed over
        (``null`` when the bot never had it)."""
        conversation = conversation_selectors.conversation_for_member(
            member=self.member, conversation_id=conversation_id
        )
        session = BotSession.objects.filter(conversation=conversation).first()
        return Response({"bot": bot_summary(session)})


# --- the widget ---------------------------------------------------------------------------


class ChoiceInput(serializers.Serializer):
    faq = serializers.IntegerField(min_value=1)


class RatingInput(serializers.Serializer):
    rating = serializers.ChoiceField(choices=["helpful", "unhelpful"])


class WidgetBotChoiceView(WidgetAuthenticatedView):
    @extend_schema(request=ChoiceInput, responses=None, auth=[])
    def post(self, request: Request, conversation_id: int) -> Response:
        data = ChoiceInput(data=request.data)
        data.is_valid(raise_exception=True)
        visitor.bot_choice_pick(
            contact=self.contact, conversation_id=conversation_id, faq_id=data.validated_data["faq"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class WidgetBotHandoffView(WidgetAuthenticatedView):
    @extend_schema(request=None, responses=None, auth=[])
    def post(self, request: Request, conversation_id: int) -> Response:
        visitor.bot_handoff_request(contact=self.contact, conversation_id=conversation_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WidgetBotRatingView(WidgetAuthenticatedView):
    @extend_schema(request=RatingInput, responses=None, auth=[])
    def post(self, request: Request, message_id: int) -> Response:
        data = RatingInput(data=request.data)
        data.is_valid(raise_exception=True)
        reply = visitor.bot_reply_rate(
            contact=self.contact, message_id=message_id, rating=data.validated_data["rating"]
        )
        return Response({"message": reply.message_id, "rating": reply.rating})
