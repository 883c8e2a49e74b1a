"""Every change to the knowledge base happens in these modules; import them from here."""

from parley.bot.services.articles import (
    article_create,
    article_delete,
    article_publish,
    article_restore_version,
    article_unpublish,
    article_update,
)
from parley.bot.services.faqs import FaqInput, faq_create, faq_delete, faq_update
from parley.bot.services.synonyms import synonym_create, synonym_delete, synonym_update

__all__ = [
    "FaqInput",
    "article_create",
    "article_delete",
    "article_publish",
    "article_restore_version",
    "article_unpublish",
    "article_update",
    "faq_create",
    "faq_delete",
    "faq_update",
    "synonym_create",
    "synonym_delete",
    "synonym_update",
]
