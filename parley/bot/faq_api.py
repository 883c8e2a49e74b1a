"""Members' REST API for FAQs and synonyms (`kb/faqs/`, `kb/synonyms/`): every member
reads; supervisors, admins and owners write."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from parley.api_base import WorkspaceAPIView
from parley.bot import selectors, services
from parley.bot.api import LOCALES, page_of, paged_schema
from parley.bot.models import Faq
from parley.bot.payloads import KbFaqOut, KbSynonymOut

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
        responses=paged_schema("KbFaqPage", KbFaqOut),
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
        return Response(page_of(faqs, values["page"], KbFaqOut))

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
