"""CSAT over HTTP: the widget's answer (bearer token), the signed-link page for e-mails (no
login) and the members' results."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from parley.api_base import WorkspaceAPIView
from parley.conversations import selectors, services
from parley.conversations.models import Conversation, CsatSource
from parley.conversations.selectors import CsatBucket
from parley.conversations.services.csat import (
    COMMENT_MAX_CHARS,
    conversation_id_from_token,
    csat_state,
)
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.api import WidgetAuthenticatedView, request_locale


class CsatInput(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(
        max_length=COMMENT_MAX_CHARS, required=False, allow_blank=True, trim_whitespace=False
    )


class WidgetCsatView(WidgetAuthenticatedView):
    """`/api/widget/v1/conversations/<id>/csat`: the rating request of one of the visitor's
    conversations (GET) and their answer (POST; again within the edit window to change it)."""

    def conversation(self, conversation_id: int) -> Conversation:
        return selectors.conversation_for_contact(
            contact=self.contact, conversation_id=conversation_id
        )

    @extend_schema(responses=None, auth=[])
    def get(self, request: Request, conversation_id: int) -> Response:
        response = selectors.csat_for_conversation(conversation=self.conversation(conversation_id))
        if response is None:
            raise ApplicationError(
                ErrorCode.CSAT_NOT_REQUESTED, "This conversation has not been resolved yet."
            )
        return Response(csat_state(response))

    @extend_schema(request=CsatInput, responses=None, auth=[])
    def post(self, request: Request, conversation_id: int) -> Response:
        data = CsatInput(data=request.data)
        data.is_valid(raise_exception=True)
        response = services.csat_submit(
            conversation=self.conversation(conversation_id),
            rating=data.validated_data["rating"],
            comment=data.validated_data.get("comment", ""),
            source=CsatSource.WIDGET,
        )
        return Response(csat_state(response))


# --- the signed link ----------------------------------------------------------------------------
PAGE_TEXT = {
    "en": {
        "title": "How did we do?",
        "question": "How would you rate the help you got?",
        "stars": ["Very poor", "Poor", "OK", "Good", "Excellent"],
        "comment": "Anything you would like to add? (optional)",
        "submit": "Send rating",
        "change": "Change rating",
        "thanks": "Thank you for your feedback!",
        "closed": "This rating can no longer be changed.",
        "expired": "This link has expired.",
        "invalid": "This link is not valid.",
        "not_requested": "This conversation has not been resolved yet.",
        "error": "Please choose from 1 to 5 stars.",
    },
    "zh-CN": {
        "title": "服务评价",
        "question": "您对本次服务满意吗？",
        "stars": ["非常不满意", "不满意", "一般", "满意", "非常满意"],
        "comment": "还有什么想告诉我们的吗？（选填）",
        "submit": "提交评价",
        "change": "修改评价",
        "thanks": "感谢您的评价！",
        "closed": "评价已无法修改。",
        "expired": "链接已过期。",
        "invalid": "链接无效。",
        "not_requested": "会话尚未解决。",
        "error": "请选择 1 到 5 颗星。",
    },
}
PAGE_ERRORS = {
    ErrorCode.INVALID_TOKEN: ("invalid", 404),
    ErrorCode.CSAT_EXPIRED: ("expired", 410),
    ErrorCode.CSAT_EDIT_WINDOW_CLOSED: ("closed", 409),
    ErrorCode.CSAT_NOT_REQUESTED: ("not_requested", 409),
    ErrorCode.NOT_FOUND: ("invalid", 404),
    ErrorCode.INVALID: ("error", 400),
}


def _page(request: HttpRequest, locale: str, *, status: int = 200, **context: Any) -> HttpResponse:
    text = PAGE_TEXT[locale]
    context.setdefault("rating", None)
    context["stars"] = [
        {"value": n, "label": label, "checked": context["rating"] == n}
        for n, label in enumerate(text["stars"], start=1)
    ]
    return render(
        request,
        "conversations/csat.html",
        {"t": text, "locale": locale, "comment_max": COMMENT_MAX_CHARS, **context},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def csat_link_page(request: HttpRequest, token: str) -> HttpResponse:
    """`/csat/<signed token>`: five stars and a comment box; POST saves (same rules as the
    widget). Served without login; the token names the conversation."""
    locale = request_locale(request, request.GET.get("lang"))  # type: ignore[arg-type]
    try:
        conversation_id = conversation_id_from_token(token)
        conversation = (
            Conversation.objects.select_related("inbox", "contact").filter(pk=conversation_id)
        ).first()
        if conversation is None:
            raise ApplicationError(ErrorCode.INVALID_TOKEN, "This rating link is not valid.")
        if request.method == "POST":
            try:
                rating = int(request.POST.get("rating", ""))
            except ValueError:
                rating = 0
            services.csat_submit(
                conversation=conversation,
                rating=rating,
                comment=request.POST.get("comment", ""),
                source=CsatSource.LINK,
            )
            # Post/redirect/get: reloading the thank-you page sends nothing twice.
            return redirect(f"{request.path}?{urlencode({'saved': 1, 'lang': locale})}")
        found = selectors.csat_for_conversation(conversation=conversation)
        if found is None:
            raise ApplicationError(
                ErrorCode.CSAT_NOT_REQUESTED, "This conversation has not been resolved yet."
            )
        state = csat_state(found)
        saved = request.GET.get("saved") == "1" and state["answered_at"] is not None
        return _page(request, locale, state=state, rating=state["rating"], saved=saved)
    except ApplicationError as error:
        key, status = PAGE_ERRORS.get(error.code, ("invalid", 400))
        return _page(request, locale, status=status, problem=PAGE_TEXT[locale][key])


# --- results -------------------------------------------------------------------------------------
class CsatResultsFilters(serializers.Serializer):
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    group_by = serializers.ChoiceField(choices=list(selectors.CSAT_GROUPS), default="agent")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("period_start"), attrs.get("period_end")
        if start and end and end < start:
            raise serializers.ValidationError({"period_end": "before period_start"})
        return attrs


def _bucket_out(bucket: CsatBucket) -> dict[str, Any]:
    return {
        "key": bucket.key,
        "responses": bucket.responses,
        "average": bucket.average,
        "distribution": bucket.distribution,
        "satisfied": bucket.satisfied,
        "satisfied_percent": bucket.satisfied_percent,
    }


class CsatResultsView(WorkspaceAPIView):
    """Ratings of conversations resolved in a period (dates in the workspace's time zone, both
    inclusive; the last 30 days by default), grouped by agent, team or inbox."""

    @extend_schema(
        parameters=[
            OpenApiParameter("period_start", date),
            OpenApiParameter("period_end", date),
            OpenApiParameter("group_by", str, enum=list(selectors.CSAT_GROUPS)),
        ],
        responses=None,
    )
    def get(self, request: Request, workspace: str) -> Response:
        params = CsatResultsFilters(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        zone = ZoneInfo(self.member.workspace.timezone or "UTC")
        today = datetime.now(zone).date()
        end_day: date = filters.get("period_end") or today
        start_day: date = filters.get("period_start") or end_day - timedelta(days=29)
        start = datetime.combine(start_day, time.min, tzinfo=zone)
        end = datetime.combine(end_day + timedelta(days=1), time.min, tzinfo=zone)
        buckets, totals = selectors.csat_results(
            member=self.member, start=start, end=end, group_by=filters["group_by"]
        )
        return Response(
            {
                "period_start": start_day.isoformat(),
                "period_end": end_day.isoformat(),
                "group_by": filters["group_by"],
                "results": [_bucket_out(b) for b in buckets],
                "totals": {k: v for k, v in _bucket_out(totals).items() if k != "key"},
            }
        )
