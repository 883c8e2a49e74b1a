from __future__ import annotations

import pytest

from parley.notifications.reply_address import (
    conversation_from_reply_address,
    reply_address,
    reply_token,
)
from tests.factories import ConversationFactory

pytestmark = pytest.mark.django_db


def test_a_reply_address_leads_back_to_its_conversation(world, settings) -> None:
    settings.PARLEY_REPLY_DOMAIN = "reply.parley.test"
    conversation = ConversationFactory(
        workspace=world.workspace, inbox=world.inbox, contact=world.contact
    )

    address = reply_address(conversation)

    assert address.startswith(f"reply+{conversation.pk}-")
    assert address.endswith("@reply.parley.test")
    assert address == reply_address(conversation)  # stable
    assert conversation_from_reply_address(address) == conversation
    # Mail systems may change case, and clients add a display name.
    assert conversation_from_reply_address(address.upper()) == conversation
    assert conversation_from_reply_address(f'"Support" <{address}>') == conversation


def test_forged_and_changed_tokens_are_refused(world) -> None:
    mine = ConversationFactory(workspace=world.workspace, inbox=world.inbox, contact=world.contact)
    other = ConversationFactory(workspace=world.workspace, inbox=world.inbox, contact=world.contact)
    signature = reply_token(mine.pk).split("-", 1)[1]
    flipped = ("a" if signature[0] != "a" else "b") + signature[1:]

    for address in [
        f"reply+{other.pk}-{signature}@reply.parley.test",  # my signature on another id
        f"reply+{mine.pk}-{flipped}@reply.parley.test",
        f"reply+{mine.pk}-{signature[:-1]}@reply.parley.test",
        f"reply+{mine.pk}@reply.parley.test",
        f"reply+0{mine.pk}-{signature}@reply.parley.test",
        f"support+{reply_token(mine.pk)}@reply.parley.test",
        "not an address",
        "",
    ]:
        assert conversation_from_reply_address(address) is None, address


def test_a_token_for_a_deleted_conversation_finds_nothing(world) -> None:
    conversation = ConversationFactory(
        workspace=world.workspace, inbox=world.inbox, contact=world.contact
    )
    address = reply_address(conversation)
    conversation.delete()

    assert conversation_from_reply_address(address) is None
