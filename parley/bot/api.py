"""Members' REST API for the knowledge base (`/api/v1/workspaces/<slug>/kb/…`): every member
reads; supervisors, admins and owners write (the services check). And the widget's public help
search (`/api/widget/v1/help/search`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from parley.api_base import WorkspaceAPIView
from parley.bot import selectors, services
from parley.bot.helpcenter.throttle import HelpSearchThrottle
from parley.bot.models import Article, ArticleStatus, Faq, KbLocale
from parley.bot.payloads import (
    KbArticleOut,
    KbArticleSummaryOut,
    KbArticleVersionOut,
    KbFaqOut,
    KbHelpHitOut,
    KbSearchHitOut,
    KbSynonymOut,
)
from parley.inboxes.api import WidgetAPIView, request_locale, request_origin
from parley.inboxes.selectors import inbox_by_public_key
from parley.inboxes.services import check_widget_origin

PAGE_SIZE = 50
# The public searches (widget, help center) leave out weak hits; see selectors.kb_search.
PUBLIC_RELATIVE_FLOOR = 0.5
LOCALES = KbLocale.values


def _page(rows: QuerySet[Any], page: int, out: type[serializers.Serializer]) -> dict[str, Any]:
    start = (page - 1) * PAGE_SIZE
    found = list(rows[start : start + PAGE_SIZE + 1])
    return {
        "results": out(found[:PAGE_SIZE], many=True).data,
        "next_page": page + 1 if len(found) > PAGE_SIZE else None,
    }


def _paged(name: str, item: type[serializers.Serializer]) -> serializers.Serializer:
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
        responses=_paged("KbArticlePage", KbArticleSummaryOut),
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
        return Response(_page(articles, values["page"], KbArticleSummaryOut))

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


# --- FAQs ---------------------------------------------------------------------------------


class FaqInput(serializers.Serializer):
    question = serializers.CharField(max_length=300)
    paraphrases = serializers.ListField(
        child=serializers.CharField(max_length=300), default=list, max_length=100
    )
    answer = serializers.CharField(max_length=20_000)
    intent = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    skill = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    article = serializers.IntegerField(required=False, allow_null=True, default=None)
    locale = serializers.ChoiceField(choices=LOCALES)
    published = serializers.BooleanField(default=False)


def _faq_input(view: WorkspaceAPIView, request: Request, current: Faq | None) -> Any:
    """The request's fields; on PATCH (``current`` given) an omitted field keeps its value."""
    data = FaqInput(data=request.data, partial=current is not None)
    data.is_valid(raise_exception=True)
    values = data.validated_data
    if current is not None:
        merged = {
            "question": current.question,
            "paraphrases": current.paraphrases,
            "answer": current.answer,
            "intent": current.intent,
            "skill": current.skill,
            "article": current.article_id,
            "locale": current.locale,
            "published": current.published,
        }
        values = {**merged, **values}
    article_id = values.pop("article")
    article = (
        selectors.article_get(workspace_id=view.member.workspace_id, article_id=article_id)
        if article_id
        else None
    )
    return services.FaqInput(article=article, **values)


class FaqListView(WorkspaceAPIView):
    class FaqFilters(serializers.Serializer):
        locale = serializers.ChoiceField(choices=LOCALES, required=False)
        published = serializers.BooleanField(required=False, allow_null=True, default=None)
        page = serializers.IntegerField(min_value=1, default=1)

    @extend_schema(
        operation_id="kb_faqs_list",
        parameters=[
            OpenApiParameter("locale", str, enum=LOCALES),
            OpenApiParameter("published", bool),
            OpenApiParameter("page", int),
        ],
        responses=_paged("KbFaqPage", KbFaqOut),
    )
    def get(self, request: Request, workspace: str) -> Response:
        params = self.FaqFilters(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        faqs = selectors.faq_list(
            workspace_id=self.member.workspace_id,
            locale=values.get("locale"),
            published=values.get("published"),
        )
        return Response(_page(faqs, values["page"], KbFaqOut))

    @extend_schema(operation_id="kb_faqs_create", request=FaqInput, responses={201: KbFaqOut})
    def post(self, request: Request, workspace: str) -> Response:
        faq = services.faq_create(actor=self.member, data=_faq_input(self, request, None))
        return Response(KbFaqOut(faq).data, status=status.HTTP_201_CREATED)


class FaqDetailView(WorkspaceAPIView):
    def _get(self, faq_id: int) -> Faq:
        return selectors.faq_get(workspace_id=self.member.workspace_id, faq_id=faq_id)

    @extend_schema(operation_id="kb_faqs_retrieve", responses=KbFaqOut)
    def get(self, request: Request, workspace: str, faq_id: int) -> Response:
        return Response(KbFaqOut(self._get(faq_id)).data)

    @extend_schema(operation_id="kb_faqs_update", request=FaqInput, responses=KbFaqOut)
    def patch(self, request: Request, workspace: str, faq_id: int) -> Response:
        faq = self._get(faq_id)
        updated = services.faq_update(
            actor=self.member, faq=faq, data=_faq_input(self, request, faq)
        )
        return Response(KbFaqOut(updated).data)

    @extend_schema(operation_id="kb_faqs_destroy", responses={204: None})
    def delete(self, request: Request, workspace: str, faq_id: int) -> Response:
        services.faq_delete(actor=self.member, faq=self._get(faq_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- synonyms -----------------------------------------------------------------------------


class SynonymInput(serializers.Serializer):
    term = serializers.CharField(max_length=80)
    equivalents = serializers.ListField(
        child=serializers.CharField(max_length=80), min_length=1, max_length=30
    )


class SynonymListView(WorkspaceAPIView):
    @extend_schema(operation_id="kb_synonyms_list", responses=KbSynonymOut(many=True))
    def get(self, request: Request, workspace: str) -> Response:
        synonyms = selectors.synonym_list(workspace_id=self.member.workspace_id)
        return Response(KbSynonymOut(synonyms, many=True).data)

    @extend_schema(
        operation_id="kb_synonyms_create", request=SynonymInput, responses={201: KbSynonymOut}
    )
    def post(self, request: Request, workspace: str) -> Response:
        data = SynonymInput(data=request.data)
        data.is_valid(raise_exception=True)
        synonym = services.synonym_create(actor=self.member, **data.validated_data)
        return Response(KbSynonymOut(synonym).data, status=status.HTTP_201_CREATED)


class SynonymDetailView(WorkspaceAPIView):
    @extend_schema(operation_id="kb_synonyms_update", request=SynonymInput, responses=KbSynonymOut)
    def patch(self, request: Request, workspace: str, synonym_id: int) -> Response:
        synonym = selectors.synonym_get(
            workspace_id=self.member.workspace_id, synonym_id=synonym_id
        )
        data = SynonymInput(data=request.data)
        data.is_valid(raise_exception=True)
        updated = services.synonym_update(actor=self.member, synonym=synonym, **data.validated_data)
        return Response(KbSynonymOut(updated).data)

    @extend_schema(operation_id="kb_synonyms_destroy", responses={204: None})
    def delete(self, request: Request, workspace: str, synonym_id: int) -> Response:
        synonym = selectors.synonym_get(
            workspace_id=self.member.workspace_id, synonym_id=synonym_id
        )
        services.synonym_delete(actor=self.member, synonym=synonym)
        return Response(status=status.HTTP_204_NO_CONTENT)


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
