"""Articles: written by supervisors and admins, versioned on every change of title or body,
published to the help center and the widget's help search."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from parley.accounts.models import Member
from parley.accounts.services import audit_record
from parley.bot.models import Article, ArticleStatus, ArticleVersion
from parley.bot.services.common import clean_line, clean_locale, kb_changed, require_editor
from parley.bot.services.intent_training import intent_training_request
from parley.bot.services.sanitize import clean_html, plain_text
from parley.errors import ApplicationError, ErrorCode

TITLE_MAX = 200
CATEGORY_MAX = 80
BODY_MAX = 100_000
SLUG_MAX = 100


def _clean_body(body: str) -> str:
    if len(body) > BODY_MAX:
        raise ApplicationError(
            ErrorCode.BODY_TOO_LONG,
            f"An article body is at most {BODY_MAX} characters.",
            fields={"body": f"at most {BODY_MAX} characters"},
        )
    return clean_html(body)


def _free_slug(*, workspace_id: int, wanted: str, article_id: int | None = None) -> str:
    """``wanted`` (or the title's slug) made unique in the workspace with -2, -3, …"""
    base = (slugify(wanted, allow_unicode=True) or "article")[:SLUG_MAX].strip("-") or "article"
    others = Article.objects.filter(workspace_id=workspace_id, slug__startswith=base)
    if article_id is not None:
        others = others.exclude(pk=article_id)
    taken = set(others.values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _record_version(article: Article, editor: Member) -> ArticleVersion:
    last = article.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return ArticleVersion.objects.create(
        article=article, number=last + 1, title=article.title, body=article.body, editor=editor
    )


def _audit(actor: Member, action: str, article: Article, data: dict[str, Any]) -> None:
    audit_record(workspace=actor.workspace, actor=actor, action=action, target=article, data=data)


@transaction.atomic
def article_create(
    *,
    actor: Member,
    title: str,
    body: str,
    locale: str,
    category: str = "",
    slug: str = "",
    publish: bool = False,
) -> Article:
    require_editor(actor)
    title = clean_line(title, field="title", max_length=TITLE_MAX)
    cleaned = _clean_body(body)
    article = Article.objects.create(
        workspace_id=actor.workspace_id,
        title=title,
        slug=_free_slug(workspace_id=actor.workspace_id, wanted=slug or title),
        body=cleaned,
        body_text=plain_text(cleaned),
        category=clean_line(category, field="category", max_length=CATEGORY_MAX, required=False),
        locale=clean_locale(locale),
        status=ArticleStatus.PUBLISHED if publish else ArticleStatus.DRAFT,
        published_at=timezone.now() if publish else None,
        author=actor,
    )
    _record_version(article, actor)
    kb_changed(workspace_id=actor.workspace_id)
    if publish:
        intent_training_request(workspace_id=actor.workspace_id)
    _audit(actor, "kb.article_created", article, {"title": title, "status": article.status})
    return article


@transaction.atomic
def article_update(
    *,
    actor: Member,
    article: Article,
    title: str | None = None,
    body: str | None = None,
    locale: str | None = None,
    category: str | None = None,
    slug: str | None = None,
) -> Article:
    """Changes what is given (None keeps a field); a new title or body is a new version."""
    require_editor(actor)
    changed: dict[str, Any] = {}
    if title is not None:
        changed["title"] = clean_line(title, field="title", max_length=TITLE_MAX)
    if body is not None:
        changed["body"] = _clean_body(body)
        changed["body_text"] = plain_text(changed["body"])
    if locale is not None:
        changed["locale"] = clean_locale(locale)
    if category is not None:
        changed["category"] = clean_line(
            category, field="category", max_length=CATEGORY_MAX, required=False
        )
    if slug is not None and slug != article.slug:
        changed["slug"] = _free_slug(
            workspace_id=article.workspace_id, wanted=slug, article_id=article.pk
        )
    changed = {k: v for k, v in changed.items() if getattr(article, k) != v}
    if not changed:
        return article
    for name, value in changed.items():
        setattr(article, name, value)
    try:
        with transaction.atomic():
            article.save(update_fields=[*changed, "updated_at"])
    except IntegrityError as exc:  # two editors took the same slug at once
        raise ApplicationError(
            ErrorCode.INVALID, "That slug is taken.", fields={"slug": "already used"}
        ) from exc
    if "title" in changed or "body" in changed:
        _record_version(article, actor)
    kb_changed(workspace_id=article.workspace_id)
    _audit(actor, "kb.article_updated", article, {"fields": sorted(changed)})
    return article


def _set_status(actor: Member, article: Article, status: ArticleStatus) -> Article:
    require_editor(actor)
    if article.status == status:
        return article
    article.status = status
    if status == ArticleStatus.PUBLISHED:
        article.published_at = timezone.now()
    article.save(update_fields=["status", "published_at", "updated_at"])
    kb_changed(workspace_id=article.workspace_id)
    intent_training_request(workspace_id=article.workspace_id)
    action = (
        "kb.article_published" if status == ArticleStatus.PUBLISHED else "kb.article_unpublished"
    )
    _audit(actor, action, article, {})
    return article


@transaction.atomic
def article_publish(*, actor: Member, article: Article) -> Article:
    return _set_status(actor, article, ArticleStatus.PUBLISHED)


@transaction.atomic
def article_unpublish(*, actor: Member, article: Article) -> Article:
    return _set_status(actor, article, ArticleStatus.DRAFT)


@transaction.atomic
def article_delete(*, actor: Member, article: Article) -> None:
    """FAQs that linked to the article keep their answer and lose the link."""
    require_editor(actor)
    _audit(actor, "kb.article_deleted", article, {"title": article.title, "slug": article.slug})
    kb_changed(workspace_id=article.workspace_id)
    article.delete()


@transaction.atomic
def article_restore_version(*, actor: Member, article: Article, number: int) -> Article:
    """The article's title and body as they were in version ``number``, saved as a new version
    (history only grows: the restore itself can be undone)."""
    require_editor(actor)
    version = article.versions.filter(number=number).first()
    if version is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such version of this article.")
    article.title, article.body = version.title, version.body
    article.body_text = plain_text(version.body)
    article.save(update_fields=["title", "body", "body_text", "updated_at"])
    _record_version(article, actor)
    kb_changed(workspace_id=article.workspace_id)
    _audit(actor, "kb.article_restored", article, {"version": number})
    return article
