"""From a customer's message to what the bot should reply: the intent model when the workspace
has one, knowledge-base search otherwise, and the FAQs and articles that hold the answer."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse

from parley.bot.conversation.rules import Verdict, search_verdict, verdict
from parley.bot.conversation.settings import BotSettings
from parley.bot.intent.selectors import intent_model_active
from parley.bot.models import Article, ArticleStatus, Faq
from parley.bot.selectors import faq_label, kb_search
from parley.bot.services.sanitize import snippet

MAX_CHOICES = 3
# Search-only judging (no intent model yet): BM25 scores below this share too little with the
# question; a hit this many times the runner-up's score is clearly the one.
SEARCH_MIN_SCORE = 1.5
SEARCH_DOMINANCE = 1.5
EXCERPT_CHARS = 300


@dataclass(frozen=True)
class Choice:
    faq: int
    question: str


@dataclass(frozen=True)
class Understanding:
    verdict: Verdict
    intent: str = ""
    confidence: float = 0.0
    faq: Faq | None = None
    article: Article | None = None
    choices: list[Choice] = field(default_factory=list)


def _published_faqs(workspace_id: int, labels: list[str]) -> list[Faq]:
    """The published FAQs of these intent labels (``faq:<id>`` names an FAQ without an
    intent), in one query whatever the size of the knowledge base."""
    ids = [int(label[4:]) for label in labels if label.startswith("faq:") and label[4:].isdigit()]
    intents = [label for label in labels if not label.startswith("faq:")]
    return list(
        Faq.objects.filter(workspace_id=workspace_id, published=True)
        .filter(Q(intent__in=intents) | Q(pk__in=ids, intent=""))
        .select_related("article")
        .order_by("pk")
    )


def _faq_for(faqs: list[Faq], label: str, locale: str) -> Faq | None:
    """The FAQ of an intent in the visitor's language, else in any (one label may have one FAQ
    per language)."""
    matching = [f for f in faqs if faq_label(f) == label]
    return next((f for f in matching if f.locale == locale), matching[0] if matching else None)


def understand(
    *, workspace_id: int, text: str, locale: str, settings: BotSettings
) -> Understanding:
    model = intent_model_active(workspace_id=workspace_id)
    if model is not None:
        return _by_intent(workspace_id, model.predict(text), locale, settings)
    return _by_search(workspace_id, text, locale)


def _by_intent(
    workspace_id: int, prediction: object, locale: str, settings: BotSettings
) -> Understanding:
    from parley.bot.intent.model import Prediction

    assert isinstance(prediction, Prediction)
    best = prediction.alternatives[0].label if prediction.alternatives else ""
    judged = verdict(label=prediction.label, confidence=prediction.confidence, settings=settings)
    if judged == Verdict.REFUSE:
        return Understanding(verdict=judged, intent=best, confidence=prediction.confidence)
    faqs = _published_faqs(workspace_id, [a.label for a in prediction.alternatives])
    if judged == Verdict.ANSWER:
        faq = _faq_for(faqs, prediction.label or "", locale)
        if faq is not None:
            return Understanding(
                verdict=judged,
                intent=prediction.label or "",
                confidence=prediction.confidence,
                faq=faq,
                article=published_or_none(faq.article),
            )
    choices = []
    for alternative in prediction.alternatives:
        faq = _faq_for(faqs, alternative.label, locale)
        if faq is not None and alternative.confidence >= settings.suggest_confidence / 2:
            choices.append(Choice(faq=faq.pk, question=faq.question))
    if not choices:
        return Understanding(verdict=Verdict.REFUSE, intent=best, confidence=prediction.confidence)
    return Understanding(
        verdict=Verdict.SUGGEST,
        intent=best,
        confidence=prediction.confidence,
        choices=choices[:MAX_CHOICES],
    )


def _by_search(workspace_id: int, text: str, locale: str) -> Understanding:
    hits = kb_search(workspace_id=workspace_id, query=text, locale=locale, k=MAX_CHOICES)
    judged = search_verdict(
        [h.score for h in hits], min_score=SEARCH_MIN_SCORE, dominance=SEARCH_DOMINANCE
    )
    if judged == Verdict.REFUSE:
        return Understanding(verdict=judged)
    faq_ids = [h.id for h in hits if h.kind == "faq"]
    faqs = {
        f.pk: f
        for f in Faq.objects.filter(
            workspace_id=workspace_id, published=True, pk__in=faq_ids
        ).select_related("article")
    }
    top = hits[0]
    if judged == Verdict.ANSWER:
        if top.kind == "faq" and top.id in faqs:
            faq = faqs[top.id]
            return Understanding(
                verdict=judged,
                intent=faq_label(faq),
                faq=faq,
                article=published_or_none(faq.article),
            )
        article = Article.objects.filter(pk=top.id, workspace_id=workspace_id).first()
        return Understanding(verdict=judged, article=published_or_none(article))
    choices = [
        Choice(faq=h.id, question=faqs[h.id].question)
        for h in hits
        if h.kind == "faq" and h.id in faqs
    ]
    if not choices:
        return Understanding(verdict=Verdict.REFUSE)
    return Understanding(verdict=Verdict.SUGGEST, choices=choices)


def published_or_none(article: Article | None) -> Article | None:
    return article if article is not None and article.status == ArticleStatus.PUBLISHED else None


def answer_text(understanding: Understanding) -> str:
    """The FAQ's answer, else the article's opening."""
    if understanding.faq is not None:
        return understanding.faq.answer_text or understanding.faq.answer
    if understanding.article is not None:
        return snippet(understanding.article.body_text, EXCERPT_CHARS)
    return ""


def article_url(*, article: Article, workspace_slug: str, public_url: str) -> str:
    path = reverse("help-article", args=[workspace_slug, article.slug])
    return f"{public_url.rstrip('/')}{path}?lang={article.locale}"
