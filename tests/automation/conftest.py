"""Automation fixtures: rules made through the service, as the console makes them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from parley.automation.models import Rule
from parley.automation.services import RuleInput, rule_create
from parley.conversations.models import Conversation
from parley.conversations.services import contact_message_send
from tests.conftest import World


@pytest.fixture
def make_rule(world: World) -> Callable[..., Rule]:
    def make(
        *, actions: list[dict[str, Any]], event: str = "message_created", **kwargs: Any
    ) -> Rule:
        values: dict[str, Any] = {
            "name": "Rule",
            "event": event,
            "conditions": [],
            "actions": actions,
        }
        values.update(kwargs)
        return rule_create(actor=world.admin, data=RuleInput(**values))

    return make


@pytest.fixture
def customer_writes(world: World) -> Callable[..., Conversation]:
    """The world's contact writes in the widget; returns the conversation as stored."""

    def write(body: str, conversation_id: int | None = None) -> Conversation:
        result = contact_message_send(
            contact=world.contact,
            inbox=world.inbox,
            conversation_id=conversation_id,
            body=body,
            client_id=None,
        )
        return Conversation.objects.get(pk=result.conversation.pk)

    return write
