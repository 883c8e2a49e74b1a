"""Searching history in Chinese and English, within what the member may see."""

from __future__ import annotations

import pytest

from parley.conversations import services
from parley.conversations.search_text import index_words, query_words
from parley.conversations.services import Sender
from tests.conftest import client_for
from tests.factories import ContactFactory, ConversationFactory, InboxFactory


def say(conversation, body, sender):
    return services.message_send(conversation=conversation, sender=sender, body=body).message


def search(member, query):
    response = client_for(member).get(
        f"/api/v1/workspaces/{member.workspace.slug}/search/", {"q": query}
    )
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def test_chinese_words_are_found_inside_longer_text(world):
    conversation = ConversationFactory(inbox=world.inbox, contact=world.contact)
    wanted = say(conversation, "我想申请退款，订单号12345", Sender.of_contact(world.contact))
    say(conversation, "请问什么时候发货？", Sender.of_contact(world.contact))
    hits = search(world.agent, "退款")
    assert [h["message"]["id"] for h in hits] == [wanted.pk]
    assert "退款" in hits[0]["snippet"]
    assert search(world.agent, "申请 退款")[0]["message"]["id"] == wanted.pk


def test_english_words_match_case_insensitively_and_by_prefix(world):
    conversation = ConversationFactory(inbox=world.inbox, contact=world.contact)
    wanted = say(conversation, "My REFUNDS have not arrived yet", Sender.of_contact(world.contact))
    say(conversation, "Thanks for your patience", Sender.of_member(world.agent))
    assert [h["message"]["id"] for h in search(world.agent, "refund")] == [wanted.pk]
    assert [h["message"]["id"] for h in search(world.agent, "refunds arrived")] == [wanted.pk]
    assert search(world.agent, "refund pizza") == []


def test_contacts_are_found_by_name_or_email(world):
    contact = ContactFactory(workspace=world.workspace, name="王小明", email="xm@example.cn")
    conversation = ConversationFactory(inbox=world.inbox, contact=contact)
    for query in ("小明", "XM@example"):
        hits = search(world.agent, query)
        assert [h["conversation"]["id"] for h in hits] == [conversation.pk]
        assert hits[0]["message"] is None


def test_search_only_covers_what_the_member_may_see(world, other_world):
    hidden_inbox = InboxFactory(workspace=world.workspace)
    hidden = ConversationFactory(inbox=hidden_inbox)
    say(hidden, "退款 hidden", Sender.of_contact(hidden.contact))
    foreign = ConversationFactory(inbox=other_world.inbox, contact=other_world.contact)
    say(foreign, "退款 foreign", Sender.of_contact(other_world.contact))
    assert search(world.agent, "退款") == []
    assert [h["conversation"]["id"] for h in search(world.admin, "退款")] == [hidden.pk]


@pytest.mark.parametrize("query", ["", "x" * 201])
def test_an_empty_or_huge_query_is_a_400(world, query):
    response = client_for(world.agent).get(
        f"/api/v1/workspaces/{world.workspace.slug}/search/", {"q": query}
    )
    assert response.status_code == 400


def test_index_and_query_words():
    assert " 退款 " in index_words("我想申请退款")
    assert index_words("Hello, WORLD!") == " hello world "
    assert query_words("  ，。 ") == []
