"""The knowledge base on the wire: output serializers for the REST API (they also describe it
in the OpenAPI schema). Names carry a ``Kb`` prefix so no schema component collides."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from parley.bot.models import Article, ArticleVersion
from parley.bot.selectors import faq_label


def _person(member: Any) -> dict[str, Any] | None:
    return {"id": member.pk, "name": member.name} if member is not None else None


class KbPersonOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class KbArticleSummaryOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    category = serializers.CharField()
    locale = serializers.CharField()
    status = serializers.CharField()
    author = serializers.SerializerMethodField()
    view_count = serializers.IntegerField()
    published_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()

    @extend_schema_field(KbPersonOut(allow_null=True))
    def get_author(self, obj: Article) -> dict[str, Any] | None:
        return _person(obj.author)


class KbArticleOut(KbArticleSummaryOut):
    body = serializers.CharField(help_text="Sanitised HTML.")


class KbArticleVersionOut(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    editor = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(KbPersonOut(allow_null=True))
    def get_editor(self, obj: ArticleVersion) -> dict[str, Any] | None:
        return _person(obj.editor)


class KbArticleRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()


class KbFaqOut(serializers.Serializer):
    id = serializers.IntegerField()
    question = serializers.CharField()
    paraphrases = serializers.ListField(child=serializers.CharField())
    answer = serializers.CharField(help_text="Sanitised HTML.")
    intent = serializers.CharField()
    skill = serializers.CharField()
    intent_label = serializers.SerializerMethodField(help_text="What the intent model predicts.")
    article = KbArticleRef(allow_null=True)
    locale = serializers.CharField()
    published = serializers.BooleanField()
    updated_at = serializers.DateTimeField()

    def get_intent_label(self, obj: Any) -> str:
        return faq_label(obj)


class KbSynonymOut(serializers.Serializer):
    id = serializers.IntegerField()
    term = serializers.CharField()
    equivalents = serializers.ListField(child=serializers.CharField())
    updated_at = serializers.DateTimeField()


class KbSearchHitOut(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["article", "faq"])
    id = serializers.IntegerField()
    title = serializers.CharField()
    snippet = serializers.CharField()
    score = serializers.FloatField()
    locale = serializers.CharField()
    article_slug = serializers.CharField()


class KbHelpHitOut(serializers.Serializer):
    """A search result for the public: the article and where to read it."""

    title = serializers.CharField()
    snippet = serializers.CharField()
    url = serializers.CharField()
