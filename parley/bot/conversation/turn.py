"""The bot's turns, called from the conversation services inside their transaction with the
conversation locked: greet a new chat, and reply to each customer message while the
conversation is with the bot."""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.db import transaction

from parley.bot.conversation.rules import Verdict, is_handoff_request, is_negative
from parley.bot.conversation.settings import BotSettings, bot_settings
from parley.bot.conversation.texts import bot_locale, bot_text
from parley.bot.conversation.understand import (
    Understanding,
    answer_text,
    article_url,
    understand,
)
from parley.bot.handoff import BOT, bot_hand_off
from parley.bot.models import BotGenerationConfig, BotReply, BotSession
from parley.contacts.models import Contact
from parley.conversations.models import Conversation, Message, Status
from parley.conversations.services.timeline import append_entry
from parley.inboxes.models import Inbox, InboxKind


def bot_answers_first(inbox: Inbox) -> bool:
    return inbox.kind == InboxKind.WIDGET and bot_settings(inbox).enabled


def bot_greet(*, conversation: Conversation, contact: Contact) -> BotSession:
    """A new chat in an inbox whose bot answers first: remember the visitor's language and
    greet in it."""
    locale = bot_locale(contact.locale)
    session = BotSession.objects.create(
        conversation=conversation,
        workspace_id=conversation.workspace_id,
        inbox_id=conversation.inbox_id,
        locale=locale,
    )
    greeting = bot_settings(conversation.inbox).greeting_for(locale)
    append_entry(conversation, sender=BOT, body=greeting, data={"bot": {"kind": "greeting"}})
    return session


def session_of(conversation: Conversation) -> BotSession:
    session = BotSession.objects.filter(conversation=conversation).first()
    if session is None:  # a conversation set to "bot" by hand: start remembering now
        session = BotSession.objects.create(
            conversation=conversation,
            workspace_id=conversation.workspace_id,
            inbox_id=conversation.inbox_id,
            locale=bot_locale(conversation.contact.locale),
        )
    return session


def bot_after_customer_message(*, conversation: Conversation, message: Message) -> None:
    """One customer message while the conversation is with the bot."""
    if conversation.status != Status.BOT or not message.body.strip():
        return
    session = session_of(conversation)
    settings = bot_settings(conversation.inbox)
    text = message.body
    if is_handoff_request(text, settings.handoff_keywords):
        bot_hand_off(conversation=conversation, session=session, reason="requested")
        return
    if settings.handoff_on_negative and is_negative(text):
        bot_hand_off(conversation=conversation, session=session, reason="negative")
        return
    found = understand(
        workspace_id=conversation.workspace_id, text=text, locale=session.locale, settings=settings
    )
    if found.verdict == Verdict.ANSWER and _generation_on(conversation.workspace_id):
        # Phrasing calls a remote endpoint: never while holding this conversation's lock.
        from parley.bot.tasks import bot_generated_answer

        conversation_id, question_id = conversation.pk, message.pk
        faq_id = found.faq.pk if found.faq else None
        article_id = found.article.pk if found.article else None
        transaction.on_commit(
            lambda: bot_generated_answer.delay(
                conversation_id, question_id, faq_id, article_id, found.intent, found.confidence
            )
        )
        return
    bot_reply(
        conversation=conversation,
        session=session,
        settings=settings,
        question=text,
        found=found,
    )


def _generation_on(workspace_id: int) -> bool:
    return BotGenerationConfig.objects.filter(workspace_id=workspace_id, enabled=True).exists()


def bot_reply(
    *,
    conversation: Conversation,
    session: BotSession,
    settings: BotSettings,
    question: str,
    found: Understanding,
    generated: str = "",
    citations: list[dict[str, str]] | None = None,
) -> Message:
    """Post the reply ``found`` calls for; a refusal may end in a handoff."""
    locale = session.locale
    data: dict[str, Any] = {"kind": found.verdict.value}
    if found.verdict == Verdict.ANSWER:
        body = generated or answer_text(found)
        if found.article is not None:
            data["source"] = {
                "title": found.article.title,
                "url": article_url(
                    article=found.article,
                    workspace_slug=conversation.workspace.slug,
                    public_url=django_settings.PARLEY_PUBLIC_URL,
                ),
            }
        if citations:
            data["citations"] = citations
        session.intent = found.intent
        session.skill = found.faq.skill if found.faq else ""
        session.choices = []
    elif found.verdict == Verdict.SUGGEST:
        body = bot_text("suggest", locale)
        choices = [{"faq": c.faq, "question": c.question} for c in found.choices]
        data["choices"] = choices
        session.choices = choices
    else:
        body = bot_text("refuse", locale)
        session.low_confidence_turns += 1
        session.choices = []
    session.save(update_fields=["intent", "skill", "choices", "low_confidence_turns"])
    message = append_entry(conversation, sender=BOT, body=body, data={"bot": data})
    if found.verdict == Verdict.ANSWER:
        from parley.analytics.events import event_bot
        from parley.analytics.models import EventKind

        event_bot(conversation=conversation, kind=EventKind.BOT_ANSWERED)
    BotReply.objects.create(
        session=session,
        workspace_id=conversation.workspace_id,
        message=message,
        kind=found.verdict.value,
        question=question[:2000],
        intent=found.intent,
        confidence=found.confidence,
        faq=found.faq,
        article=found.article,
        generated=bool(generated),
    )
    if (
        found.verdict == Verdict.REFUSE
        and session.low_confidence_turns >= settings.max_low_confidence_turns
    ):
        bot_hand_off(conversation=conversation, session=session, reason="low_confidence")
    return message
