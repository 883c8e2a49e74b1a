"""Members' REST API for the knowledge base's articles (`/api/v1/workspaces/<slug>/kb/…`):
every member reads; supervisors, admins and owners write (the services check). FAQs and
synonyms are in faq_api.py, search in search_api.py; this module has what they share."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from parley.api_base import WorkspaceAPIView
from parley.bot import selectors, services
from parley.bot.models import Article, ArticleStatus, KbLocale
from parley.bot.payloads import (
    KbArticleOut,
    KbArticleSummaryOut,
    KbArticleVersionOut,
)

PAGE_SIZE = 50
# The public searches (widget, help center) leave out weak hits; see selectors.kb_search.
PUBLIC_RELATIVE_FLOOR = 0.5
LOCALES = KbLocale.values


def page_of(rows: QuerySet[Any], page: int, out: type[serializers.Serializer]) -> dict[str, Any]:
    start = (page - 1) * PAGE_SIZE
    found = list(rows[start : start + PAGE_SIZE + 1])
    return {
        "results": out(found[:PAGE_SIZE], many=True).data,
        "next_page": page + 1 if len(found) > PAGE_SIZE else None,
    }


def paged_schema(name: str, item: type[serializers.Serializer]) -> serializers.Serializer:
    return inline_serializer(
        name=name,
        fields={
            "results": item(many=True),
            "next_page": serializers.IntegerField(allow_null=True),
        },
    )


# --- articles -----------------------------------------------------------------------------


class ArticleListView(WorkspaceAPIView):
    class ArticleFilters(serializers.Serializer):
        status = serializers.ChoiceField(choices=ArticleStatus.values, required=False)
        locale = serializers.ChoiceField(choices=LOCALES, required=False)
        q = serializers.CharField(max_length=100, required=False, allow_blank=True)
        page = serializers.IntegerField(min_value=1, default=1)

    class ArticleCreateInput(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        body = serializers.CharField(allow_blank=True, trim_whitespace=False)
        locale = serializers.ChoiceField(choices=LOCALES)
        category = serializers.CharField(max_length=80, required=False, allow_blank=True)
        slug = serializers.SlugField(max_length=100, allow_unicode=True, required=False)
        publish = serializers.BooleanField(default=False)

    @extend_schema(
        operation_id="kb_articles_list",
        parameters=[
            OpenApiParameter("status", str, enum=ArticleStatus.values),
            OpenApiParameter("locale", str, enum=LOCALES),
            OpenApiParameter("q", str, description="words of the title"),
            OpenApiParameter("page", int),
        ],
        responses=paged_schema("KbArticlePage", KbArticleSummaryOut),
    )
    def get(self, request: Request, workspace: str) -> Response:
        params = self.ArticleFilters(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        articles = selectors.article_list(
            workspace_id=self.member.workspace_id,
            status=values.get("status"),
            locale=values.get("locale"),
            query=values.get("q", "").strip(),
        )
        return Response(page_of(articles, values["page"], KbArticleSummaryOut))

    @extend_schema(
        operation_id="kb_articles_create",
        request=ArticleCreateInput,
        responses={201: KbArticleOut},
    )
    def post(self, request: Request, workspace: str) -> Response:
        data = self.ArticleCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        article = services.article_create(actor=self.member, **data.validated_data)
        return Response(KbArticleOut(article).data, status=status.HTTP_201_CREATED)


class ArticleDetailView(WorkspaceAPIView):
    class ArticleUpdateInput(serializers.Serializer):
        title = serializers.CharField(max_length=200, required=False)
        body = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False)
        locale = serializers.ChoiceField(choices=LOCALES, required=False)
        category = serializers.CharField(max_length=80, required=False, allow_blank=True)
        slug = serializers.SlugField(max_length=100, allow_unicode=True, required=False)

    def _get(self, article_id: int) -> Article:
        return selectors.article_get(workspace_id=self.member.workspace_id, article_id=article_id)

    @extend_schema(operation_id="kb_articles_retrieve", responses=KbArticleOut)
    def get(self, request: Request, workspace: str, article_id: int) -> Response:
        return Response(KbArticleOut(self._get(article_id)).data)

    @extend_schema(
        operation_id="kb_articles_update", request=ArticleUpdateInput, responses=KbArticleOut
    )
    def patch(self, request: Request, workspace: str, article_id: int) -> Response:
        data = self.ArticleUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        article = services.article_update(
            actor=self.member, article=self._get(article_id), **data.validated_data
        )
        return Response(KbArticleOut(article).data)

    @extend_schema(operation_id="kb_articles_destroy", responses={204: None})
    def delete(self, request: Request, workspace: str, article_id: int) -> Response:
        services.article_delete(actor=self.member, article=self._get(article_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ArticlePublishView(WorkspaceAPIView):
    """POST publishes the article; DELETE takes it back to draft."""

    def _get(self, article_id: int) -> Article:
        return selectors.article_get(workspace_id=self.member.workspace_id, article_id=article_id)

    @extend_schema(operation_id="kb_articles_publish", request=None, responses=KbArticleOut)
    def post(self, request: Request, workspace: str, article_id: int) -> Response:
        article = services.article_publish(actor=self.member, article=self._get(article_id))
        return Response(KbArticleOut(article).data)

    @extend_schema(operation_id="kb_articles_unpublish", responses=KbArticleOut)
    def delete(self, request: Request, workspace: str, article_id: int) -> Response:
        article = services.article_unpublish(actor=self.member, article=self._get(article_id))
        return Response(KbArticleOut(article).data)


class ArticleVersionListView(WorkspaceAPIView):
    @extend_schema(
        operation_id="kb_article_versions_list", responses=KbArticleVersionOut(many=True)
    )
    def get(self, request: Request, workspace: str, article_id: int) -> Response:
        article = selectors.article_get(
            workspace_id=self.member.workspace_id, article_id=article_id
        )
        versions = selectors.article_versions(article=article)
        return Response(KbArticleVersionOut(versions, many=True).data)


class ArticleVersionRestoreView(WorkspaceAPIView):
    @extend_schema(operation_id="kb_article_versions_restore", request=None, responses=KbArticleOut)
    def post(self, request: Request, workspace: str, article_id: int, number: int) -> Response:
        article = selectors.article_get(
            workspace_id=self.member.workspace_id, article_id=article_id
        )
        restored = services.article_restore_version(
            actor=self.member, article=article, number=number
        )
        return Response(KbArticleOut(restored).data)
