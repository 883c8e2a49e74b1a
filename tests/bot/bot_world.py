"""A workspace whose widget inbox puts the bot first, with the demo knowledge base (Chinese and
English FAQs on refunds, returns and addresses) and an intent model trained from it."""

from __future__ import annotations

from typing import Any

from parley.bot.demo import kb_demo_seed
from parley.bot.models import Faq
from parley.bot.selectors import faq_training_examples
from parley.bot.services.intent_models import intent_model_train
from parley.conversations.models import Conversation, Message
from parley.conversations.services import contact_message_send
from tests.conftest import World


def bot_on(world: World, **settings: Any) -> None:
    world.inbox.settings = {**world.inbox.settings, "bot": {"enabled": True, **settings}}
    world.inbox.save(update_fields=["settings"])


def knowledge_base(world: World, *, train: bool = True) -> None:
    kb_demo_seed(workspace=world.workspace, author=world.admin)
    # The address FAQs ask for the logistics skill when handed over.
    Faq.objects.filter(workspace=world.workspace, intent="change_address").update(skill="logistics")
    if train:
        intent_model_train(
            workspace=world.workspace,
            examples=faq_training_examples(workspace_id=world.workspace.pk),
        )


def say(world: World, body: str, conversation: Conversation | None = None) -> Conversation:
    result = contact_message_send(
        contact=world.contact,
        inbox=world.inbox,
        conversation_id=conversation.pk if conversation else None,
        body=body,
        client_id=None,
    )
    return Conversation.objects.get(pk=result.conversation.pk)


def bot_messages(conversation: Conversation) -> list[Message]:
    return list(conversation.messages.filter(sender_type="bot").order_by("seq"))


def last_bot(conversation: Conversation) -> dict[str, Any]:
    message = bot_messages(conversation)[-1]
    return {"body": message.body, **message.data.get("bot", {})}
