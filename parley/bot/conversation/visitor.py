"""What the visitor does to the bot from the widget's buttons: pick a "did you mean" choice,
ask for a person, rate an answer."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from parley.bot.conversation.rules import Verdict
from parley.bot.conversation.settings import bot_settings
from parley.bot.conversation.turn import bot_reply, session_of
from parley.bot.conversation.understand import Understanding, published_or_none
from parley.bot.handoff import bot_hand_off
from parley.bot.models import BotRating, BotReply, BotReplyKind, Faq
from parley.bot.selectors import faq_label
from parley.contacts.models import Contact
from parley.conversations import selectors as conversation_selectors
from parley.conversations.models import Conversation, Status
from parley.conversations.services.timeline import Sender, append_entry, lock_conversation
from parley.errors import ApplicationError, ErrorCode
from parley.ratelimits import rate_limit


def _budget(contact: Contact) -> None:
    """The widget's bot buttons spend the contact's message budget (a choice posts a message),
    like messages over the socket and REST."""
    rate_limit(
        scope="contact_messages", key=str(contact.pk), rate=settings.PARLEY_RATE_CONTACT_MESSAGES
    )


def _own_bot_conversation(contact: Contact, conversation_id: int) -> Conversation:
    conversation = conversation_selectors.conversation_for_contact(
        contact=contact, conversation_id=conversation_id
    )
    locked = lock_conversation(conversation.pk)
    if locked.status != Status.BOT:
        raise ApplicationError(
            ErrorCode.INVALID_TRANSITION, "This conversation is no longer with the bot."
        )
    return locked


@transaction.atomic
def bot_choice_pick(*, contact: Contact, conversation_id: int, faq_id: int) -> None:
    """The visitor clicked one of the offered questions: it shows as their message and the
    bot answers it. Only a choice on offer can be picked."""
    _budget(contact)
    conversation = _own_bot_conversation(contact, conversation_id)
    session = session_of(conversation)
    offered = {int(c["faq"]): str(c["question"]) for c in session.choices}
    if faq_id not in offered:
        raise ApplicationError(
            ErrorCode.INVALID, "That choice is not on offer.", fields={"faq": "not offered"}
        )
    faq = (
        Faq.objects.filter(workspace_id=conversation.workspace_id, pk=faq_id, published=True)
        .select_related("article")
        .first()
    )
    if faq is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such FAQ.")
    append_entry(
        conversation,
        sender=Sender.of_contact(contact),
        body=faq.question,
        data={"bot_choice": faq.pk},
    )
    found = Understanding(
        verdict=Verdict.ANSWER,
        intent=faq_label(faq),
        confidence=1.0,
        faq=faq,
        article=published_or_none(faq.article),
    )
    bot_reply(
        conversation=conversation,
        session=session,
        settings=bot_settings(conversation.inbox),
        question=faq.question,
        found=found,
    )


@transaction.atomic
def bot_handoff_request(*, contact: Contact, conversation_id: int) -> None:
    """The widget's "Talk to a person" button."""
    _budget(contact)
    conversation = _own_bot_conversation(contact, conversation_id)
    bot_hand_off(conversation=conversation, session=session_of(conversation), reason="button")


@transaction.atomic
def bot_reply_rate(*, contact: Contact, message_id: int, rating: str) -> BotReply:
    """Helpful or unhelpful, once per answer; rating again changes it."""
    _budget(contact)
    if rating not in BotRating.values:
        raise ApplicationError(
            ErrorCode.INVALID, "Rate helpful or unhelpful.", fields={"rating": BotRating.values}
        )
    reply = (
        BotReply.objects.select_for_update()
        .filter(message_id=message_id, session__conversation__contact=contact)
        .first()
    )
    if reply is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such bot answer.")
    if reply.kind != BotReplyKind.ANSWER:
        raise ApplicationError(
            ErrorCode.INVALID, "Only answers are rated.", fields={"message": "not an answer"}
        )
    reply.rating = rating
    reply.rated_at = timezone.now()
    reply.save(update_fields=["rating", "rated_at"])
    return reply
