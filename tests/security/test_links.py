"""Links in Parley's e-mails: the one link Parley adds (a survey, a ticket) opens in a new tab
with rel="noopener noreferrer"; a link a customer or agent typed stays text (escaped), so an
e-mail never carries a javascript: or look-alike anchor built from user content."""

from __future__ import annotations

from parley.conversations.services import Sender, message_send
from parley.notifications.compose import agent_reply, conversation_solved
from tests.conftest import World
from tests.factories import ConversationFactory

SURVEY = "https://parley.example/csat/abc"


def test_the_survey_link_in_an_e_mail_is_noopener_noreferrer(world: World) -> None:
    conversation = ConversationFactory(inbox=world.inbox, contact=world.contact)
    html = str(conversation_solved(conversation, None, SURVEY).html)
    assert f'<a href="{SURVEY}" target="_blank" rel="noopener noreferrer">' in html


def test_a_typed_link_in_a_reply_e_mail_stays_text(world: World) -> None:
    conversation = ConversationFactory(inbox=world.inbox, contact=world.contact)
    body = 'see <a href="javascript:alert(1)">x</a> and https://shop.example/orders'
    message = message_send(
        conversation=conversation, sender=Sender.of_member(world.agent), body=body
    ).message
    html = str(agent_reply(conversation, message, None).html)
    assert "<a " not in html
    assert "&lt;a href=&quot;javascript:alert(1)&quot;&gt;" in html
    assert "https://shop.example/orders" in html
