"""Knowledge-base search: the members' `kb/search/` and the widget's public help search
(`/api/widget/v1/help/search`)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from parley.api_base import WorkspaceAPIView
from parley.bot import selectors
from parley.bot.api import LOCALES, PUBLIC_RELATIVE_FLOOR
from parley.bot.helpcenter.throttle import HelpSearchThrottle
from parley.bot.payloads import KbHelpHitOut, KbSearchHitOut
from parley.inboxes.api import WidgetAPIView, request_locale, request_origin
from parley.inboxes.selectors import inbox_by_public_key
from parley.inboxes.services import check_widget_origin

# --- search -------------------------------------------------------------------------------


class KbSearchInput(serializers.Serializer):
    q = serializers.CharField(max_length=500)
    locale = serializers.ChoiceField(choices=LOCALES, required=False)
    k = serializers.IntegerField(min_value=1, max_value=20, default=5)


class SearchView(WorkspaceAPIView):
    @extend_schema(
        operation_id="kb_search",
        parameters=[
            OpenApiParameter("q", str, required=True),
            OpenApiParameter("locale", str, enum=LOCALES),
            OpenApiParameter("k", int, description="at most this many results (1–20)"),
        ],
        responses=KbSearchHitOut(many=True),
    )
    def get(self, request: Request, workspace: str) -> Response:
        """Published articles and FAQs, best first: what the customer would find."""
        params = KbSearchInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        hits = selectors.kb_search(
            workspace_id=self.member.workspace_id,
            query=values["q"],
            locale=values.get("locale"),
            k=values["k"],
        )
        return Response(KbSearchHitOut(hits, many=True).data)


class WidgetHelpSearchView(WidgetAPIView):
    """Published articles for the widget's help search, before a chat starts: the inbox's
    public key names the workspace, and the page's Origin must be one the inbox allows."""

    throttle_classes = [HelpSearchThrottle]

    class WidgetHelpSearchInput(serializers.Serializer):
        inbox = serializers.CharField(max_length=64)
        q = serializers.CharField(max_length=200)
        locale = serializers.CharField(max_length=35, required=False, allow_blank=True)

    @extend_schema(
        operation_id="widget_help_search",
        parameters=[
            OpenApiParameter("inbox", str, required=True, description="the inbox's public key"),
            OpenApiParameter("q", str, required=True),
            OpenApiParameter("locale", str, description="zh-CN or en; else Accept-Language"),
        ],
        responses=inline_serializer(
            name="KbHelpSearchResult",
            fields={"locale": serializers.CharField(), "results": KbHelpHitOut(many=True)},
        ),
        auth=[],
    )
    def get(self, request: Request) -> Response:
        params = self.WidgetHelpSearchInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        inbox = inbox_by_public_key(public_key=values["inbox"])
        check_widget_origin(inbox=inbox, origin=request_origin(request))
        locale = request_locale(request, values.get("locale"))
        hits = selectors.kb_search(
            workspace_id=inbox.workspace_id,
            query=values["q"],
            locale=locale,
            k=5,
            kinds=("article",),
            relative_floor=PUBLIC_RELATIVE_FLOOR,
        )
        slug = inbox.workspace.slug
        results = [
            {
                "title": hit.title,
                "snippet": hit.snippet,
                "url": request.build_absolute_uri(
                    reverse("help-article", args=[slug, hit.article_slug]) + f"?lang={locale}"
                ),
            }
            for hit in hits
        ]
        return Response({"locale": locale, "results": KbHelpHitOut(results, many=True).data})
