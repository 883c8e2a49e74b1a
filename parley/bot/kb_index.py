"""The knowledge base's search indexes, built from the published entries and kept per
workspace, language and kinds in each process (selectors.kb_search is the way in).

An index is built at a knowledge-base version stamp (``KnowledgeBaseStamp``, moved by every
write in the writer's transaction); a search that finds the stamp moved rebuilds first, so an
edit is found by the very next search. Building tokenises every entry (jieba for Chinese), about
a second per thousand articles on one core: a large knowledge base (over
``SYNC_REBUILD_MAX_ENTRIES``) keeps answering from its previous index while a background thread
builds the next one, instead of making a visitor wait seconds after every edit.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.db import connections

from parley.bot.models import Article, ArticleStatus, Faq, KnowledgeBaseStamp, Synonym
from parley.bot.nlp.retrieval import IndexDoc, SearchIndex

logger = logging.getLogger(__name__)

CACHE_SIZE = 64
SYNC_REBUILD_MAX_ENTRIES = 2000

Key = tuple[int, str | None, tuple[str, ...]]
Stamp = tuple[int, str]


@dataclass(frozen=True)
class Entry:
    kind: str  # "article" or "faq"
    id: int
    title: str
    text: str
    locale: str
    article_slug: str  # the article (or an FAQ's linked, published article); "" for none


@dataclass(frozen=True)
class BuiltIndex:
    stamp: Stamp
    index: SearchIndex
    entries: list[Entry]  # the index's document ids are positions in this list


_cache: OrderedDict[Key, BuiltIndex] = OrderedDict()
_building: set[Key] = set()
_lock = threading.Lock()


def kb_stamp(*, workspace_id: int) -> Stamp:
    row = (
        KnowledgeBaseStamp.objects.filter(pk=workspace_id)
        .values_list("version", "changed_at")
        .first()
    )
    return (row[0], row[1].isoformat() if row[1] else "") if row else (0, "")


def _entries(
    workspace_id: int, locale: str | None, kinds: tuple[str, ...]
) -> list[tuple[Entry, str]]:
    """Each published entry with the text it is indexed by."""
    found: list[tuple[Entry, str]] = []
    if "article" in kinds:
        articles = Article.objects.filter(workspace_id=workspace_id, status=ArticleStatus.PUBLISHED)
        if locale:
            articles = articles.filter(locale=locale)
        for a in articles.order_by("pk").only("pk", "title", "body_text", "locale", "slug"):
            found.append(
                (Entry("article", a.pk, a.title, a.body_text, a.locale, a.slug), a.body_text)
            )
    if "faq" in kinds:
        faqs = Faq.objects.filter(workspace_id=workspace_id, published=True).select_related(
            "article"
        )
        if locale:
            faqs = faqs.filter(locale=locale)
        for faq in faqs.order_by("pk"):
            linked = faq.article
            slug = linked.slug if linked and linked.status == ArticleStatus.PUBLISHED else ""
            entry = Entry("faq", faq.pk, faq.question, faq.answer_text, faq.locale, slug)
            # An FAQ is found by any of the ways its question is asked, and by its answer.
            found.append((entry, " ".join([*map(str, faq.paraphrases), faq.answer_text])))
    return found


def build(
    *, workspace_id: int, locale: str | None, kinds: tuple[str, ...], stamp: Stamp
) -> BuiltIndex:
    entries = _entries(workspace_id, locale, kinds)
    docs = [IndexDoc(id=row, title=e.title, text=text) for row, (e, text) in enumerate(entries)]
    synonyms = {
        s.term: list(s.equivalents) for s in Synonym.objects.filter(workspace_id=workspace_id)
    }
    index = SearchIndex.build(docs, synonyms=synonyms)
    return BuiltIndex(stamp=stamp, index=index, entries=[entry for entry, _ in entries])


def _keep(key: Key, built: BuiltIndex) -> None:
    with _lock:
        current = _cache.get(key)
        # A slower build that started earlier never replaces a newer one (stamps compare by
        # the time of their write: ISO 8601 in UTC sorts as time does).
        if current is None or built.stamp[1] >= current.stamp[1]:
            _cache[key] = built
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def rebuild_in_background(key: Key) -> None:
    """Builds the key's index at the current stamp on a thread of its own."""

    def run() -> None:
        workspace_id, locale, kinds = key
        try:
            stamp = kb_stamp(workspace_id=workspace_id)
            _keep(key, build(workspace_id=workspace_id, locale=locale, kinds=kinds, stamp=stamp))
        except Exception:  # the next search tries again; the old index keeps answering
            logger.exception("knowledge-base index rebuild failed for workspace %s", workspace_id)
        finally:
            with _lock:
                _building.discard(key)
            connections.close_all()  # this thread's own connections

    threading.Thread(target=run, name="kb-index", daemon=True).start()


def index_for(*, workspace_id: int, locale: str | None, kinds: tuple[str, ...]) -> BuiltIndex:
    """The index at the current stamp; for a large knowledge base, the previous index while
    the current one is built in the background."""
    stamp = kb_stamp(workspace_id=workspace_id)
    key: Key = (workspace_id, locale, kinds)
    with _lock:
        built = _cache.get(key)
        if built is not None and built.stamp == stamp:
            _cache.move_to_end(key)
            return built
        if built is not None and len(built.entries) > SYNC_REBUILD_MAX_ENTRIES:
            if key not in _building:
                _building.add(key)
                rebuild_in_background(key)
            return built
    fresh = build(workspace_id=workspace_id, locale=locale, kinds=kinds, stamp=stamp)
    _keep(key, fresh)
    return fresh
