"""Reads of the knowledge base: lists for the console, the help center's pages, the intent
model's training examples, and search (BM25 through ``parley.bot.nlp.retrieval``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, QuerySet

from parley.bot import kb_index
from parley.bot.models import Article, ArticleStatus, ArticleVersion, Faq, Synonym
from parley.bot.services.sanitize import snippet
from parley.errors import ApplicationError, ErrorCode

# --- the console's lists and items --------------------------------------------------------


def article_list(
    *,
    workspace_id: int,
    status: str | None = None,
    locale: str | None = None,
    query: str = "",
) -> QuerySet[Article]:
    articles = Article.objects.filter(workspace_id=workspace_id).select_related("author__user")
    if status:
        articles = articles.filter(status=status)
    if locale:
        articles = articles.filter(locale=locale)
    if query:
        articles = articles.filter(title__icontains=query)
    return articles.order_by("-updated_at", "-pk")


def article_get(*, workspace_id: int, article_id: int) -> Article:
    article = (
        Article.objects.filter(workspace_id=workspace_id, pk=article_id)
        .select_related("author__user")
        .first()
    )
    if article is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such article.")
    return article


def article_versions(*, article: Article) -> QuerySet[ArticleVersion]:
    return ArticleVersion.objects.filter(article=article).select_related("editor__user")


def faq_list(
    *, workspace_id: int, locale: str | None = None, published: bool | None = None
) -> QuerySet[Faq]:
    faqs = Faq.objects.filter(workspace_id=workspace_id).select_related("article")
    if locale:
        faqs = faqs.filter(locale=locale)
    if published is not None:
        faqs = faqs.filter(published=published)
    return faqs.order_by("-updated_at", "-pk")


def faq_get(*, workspace_id: int, faq_id: int) -> Faq:
    faq = Faq.objects.filter(workspace_id=workspace_id, pk=faq_id).select_related("article").first()
    if faq is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such FAQ.")
    return faq


def synonym_list(*, workspace_id: int) -> QuerySet[Synonym]:
    return Synonym.objects.filter(workspace_id=workspace_id).order_by("term")


def synonym_get(*, workspace_id: int, synonym_id: int) -> Synonym:
    synonym = Synonym.objects.filter(workspace_id=workspace_id, pk=synonym_id).first()
    if synonym is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such synonym.")
    return synonym


def synonym_mapping(*, workspace_id: int) -> dict[str, list[str]]:
    """``{term: equivalents}``, the shape the search index takes."""
    return {s.term: list(s.equivalents) for s in synonym_list(workspace_id=workspace_id)}


# --- the intent model's training data ------------------------------------------------------


def faq_label(faq: Faq) -> str:
    return faq.intent or f"faq:{faq.pk}"


def faq_training_examples(*, workspace_id: int) -> list[tuple[str, str]]:
    """``(text, label)`` for the question and every paraphrase of each published FAQ; the label
    is the FAQ's intent, else ``faq:<id>``."""
    examples: list[tuple[str, str]] = []
    faqs = Faq.objects.filter(workspace_id=workspace_id, published=True).order_by("pk")
    for faq in faqs.only("pk", "question", "paraphrases", "intent"):
        label = faq_label(faq)
        examples.append((faq.question, label))
        examples.extend((str(p), label) for p in faq.paraphrases)
    return examples


# --- the public help center ----------------------------------------------------------------


def published_articles(*, workspace_id: int, locale: str | None = None) -> QuerySet[Article]:
    articles = Article.objects.filter(workspace_id=workspace_id, status=ArticleStatus.PUBLISHED)
    return articles.filter(locale=locale) if locale else articles


def published_article(*, workspace_id: int, slug: str) -> Article:
    """Drafts and other workspaces' articles are simply not there."""
    article = published_articles(workspace_id=workspace_id).filter(slug=slug).first()
    if article is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such article.")
    return article


def help_categories(*, workspace_id: int, locale: str) -> list[tuple[str, list[Article]]]:
    """Published articles of a locale grouped by category (named ones first, A–Z; titles A–Z
    inside), in one query."""
    groups: dict[str, list[Article]] = {}
    articles = published_articles(workspace_id=workspace_id, locale=locale).only(
        "title", "slug", "category", "body_text"
    )
    for article in articles.order_by("category", "title"):
        groups.setdefault(article.category, []).append(article)
    return sorted(groups.items(), key=lambda item: (item[0] == "", item[0]))


def popular_articles(*, workspace_id: int, locale: str, limit: int = 5) -> list[Article]:
    articles = published_articles(workspace_id=workspace_id, locale=locale)
    return list(articles.order_by("-view_count", "-published_at", "pk")[:limit])


def article_count_view(*, article: Article) -> None:
    """One more reader (what "popular" ranks by); no version, no audit, no index rebuild."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)


# --- search -------------------------------------------------------------------------------


@dataclass(frozen=True)
class KbHit:
    kind: str  # "article" or "faq"
    id: int
    title: str
    snippet: str
    score: float
    locale: str
    article_slug: str  # the article (or the FAQ's linked article) to link to; "" for none


def _snippet_around(text: str, query: str, length: int = 160) -> str:
    """The part of ``text`` where a word of the query first appears, else its start."""
    lowered = text.lower()
    found = [lowered.find(w) for w in query.lower().split() if len(w) > 1]
    found = [i for i in found if i >= 0]
    if not found or min(found) < length // 2:
        return snippet(text, length)
    start = min(found) - length // 3
    return "…" + snippet(text[start:].lstrip(), length - 1)


def kb_search(
    *,
    workspace_id: int,
    query: str,
    locale: str | None = None,
    k: int = 5,
    kinds: tuple[str, ...] = ("article", "faq"),
    relative_floor: float = 0.0,
) -> list[KbHit]:
    """The published articles and FAQs that best answer ``query``, best first (at most ``k``).
    ``locale`` limits the search to one language; ``kinds`` to articles or FAQs.
    ``relative_floor`` drops hits scoring below that share of the best one: a public search
    list is better without entries that only share a word like "how" with the question."""
    query = query.strip()[:500]
    if not query or k <= 0:
        return []
    built = kb_index.index_for(workspace_id=workspace_id, locale=locale, kinds=tuple(sorted(kinds)))
    found = built.index.search(query, k)
    floor = found[0].score * relative_floor if found else 0.0
    hits = []
    for hit in (h for h in found if h.score >= floor):
        entry = built.entries[hit.id]
        hits.append(
            KbHit(
                kind=entry.kind,
                id=entry.id,
                title=entry.title,
                snippet=_snippet_around(entry.text, query),
                score=hit.score,
                locale=entry.locale,
                article_slug=entry.article_slug,
            )
        )
    return hits
