"""The knowledge base in the admin site, for operators: read and search. Changes belong in the
console, whose services sanitise, version and audit them; the admin cannot bypass that."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from parley.bot.models import Article, ArticleVersion, Faq, Synonym


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    list_display = ["title", "workspace", "locale", "status", "category", "updated_at"]
    list_filter = ["status", "locale", "workspace"]
    search_fields = ["title", "slug"]


@admin.register(ArticleVersion)
class ArticleVersionAdmin(ReadOnlyAdmin):
    list_display = ["article", "number", "editor", "created_at"]
    raw_id_fields = ["article"]


@admin.register(Faq)
class FaqAdmin(ReadOnlyAdmin):
    list_display = ["question", "workspace", "locale", "intent", "published", "updated_at"]
    list_filter = ["published", "locale", "workspace"]
    search_fields = ["question", "intent"]


@admin.register(Synonym)
class SynonymAdmin(ReadOnlyAdmin):
    list_display = ["term", "workspace", "updated_at"]
    list_filter = ["workspace"]
