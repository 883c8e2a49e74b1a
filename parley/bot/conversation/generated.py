"""A bot answer phrased by the workspace's generation endpoint, from the top retrieved
articles, with citations; run after the customer's message is committed (never while the
conversation is locked), falling back to the plain answer on any failure."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.db import transaction

from parley.bot.conversation.configure import generation_api_key
from parley.bot.conversation.rules import Verdict
from parley.bot.conversation.settings import bot_settings
from parley.bot.conversation.turn import bot_reply, session_of
from parley.bot.conversation.understand import Understanding, article_url, published_or_none
from parley.bot.generate import EndpointConfig, Generated, Refused, Source, generate_answer
from parley.bot.models import Article, BotGenerationConfig, Faq
from parley.bot.selectors import kb_search
from parley.conversations.models import Conversation, Message, Status
from parley.conversations.services.timeline import lock_conversation

SOURCES = 3


def _sources(
    workspace_id: int, slug: str, question: str, locale: str
) -> list[tuple[Article, Source]]:
    hits = kb_search(
        workspace_id=workspace_id, query=question, locale=locale, k=SOURCES, kinds=("article",)
    )
    articles = {a.pk: a for a in Article.objects.filter(pk__in=[h.id for h in hits])}
    found = []
    for hit in hits:
        article = articles.get(hit.id)
        if article is not None:
            url = article_url(
                article=article, workspace_slug=slug, public_url=django_settings.PARLEY_PUBLIC_URL
            )
            found.append((article, Source(title=article.title, text=article.body_text, url=url)))
    return found


def bot_generated_reply(
    *,
    conversation_id: int,
    question_id: int,
    faq_id: int | None,
    article_id: int | None,
    intent: str,
    confidence: float,
) -> None:
    conversation = (
        Conversation.objects.select_related("workspace", "inbox", "contact")
        .filter(pk=conversation_id)
        .first()
    )
    question = Message.objects.filter(pk=question_id, conversation_id=conversation_id).first()
    config = (
        BotGenerationConfig.objects.filter(workspace_id=conversation.workspace_id).first()
        if conversation
        else None
    )
    if conversation is None or question is None or config is None:
        return
    locale = session_of(conversation).locale
    sources = _sources(
        conversation.workspace_id, conversation.workspace.slug, question.body, locale
    )
    result: Generated | Refused | None = None
    if config.enabled:
        result = generate_answer(
            config=EndpointConfig(
                base_url=config.base_url,
                model=config.model,
                api_key=generation_api_key(config),
                timeout_seconds=config.timeout_seconds,
            ),
            question=question.body,
            sources=[source for _, source in sources],
            locale=locale,
        )
    faq = Faq.objects.filter(pk=faq_id).select_related("article").first() if faq_id else None
    article = Article.objects.filter(pk=article_id).first() if article_id else None
    plain = Understanding(
        verdict=Verdict.ANSWER,
        intent=intent,
        confidence=confidence,
        faq=faq,
        article=published_or_none(article or (faq.article if faq else None)),
    )
    with transaction.atomic():
        locked = lock_conversation(conversation_id)
        if locked.status != Status.BOT:
            return  # a person took over meanwhile
        session = session_of(locked)
        settings = bot_settings(locked.inbox)
        if isinstance(result, Generated):
            citations = [
                {"n": str(n), "title": sources[n - 1][1].title, "url": sources[n - 1][1].url}
                for n in result.cited
            ]
            first = sources[result.cited[0] - 1][0] if result.cited else plain.article
            bot_reply(
                conversation=locked,
                session=session,
                settings=settings,
                question=question.body,
                found=Understanding(
                    verdict=Verdict.ANSWER,
                    intent=intent,
                    confidence=confidence,
                    faq=faq,
                    article=first,
                ),
                generated=result.text,
                citations=citations,
            )
        elif isinstance(result, Refused) and not (plain.faq and not sources):
            # The articles do not answer it: say so rather than guess.
            bot_reply(
                conversation=locked,
                session=session,
                settings=settings,
                question=question.body,
                found=Understanding(verdict=Verdict.REFUSE, intent=intent, confidence=confidence),
            )
        else:
            bot_reply(
                conversation=locked,
                session=session,
                settings=settings,
                question=question.body,
                found=plain,
            )
