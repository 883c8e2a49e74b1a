"""A ticket made by the tickets app, as its customer sees it by e-mail."""

from __future__ import annotations

import pytest

from parley.conversations.models import Status
from parley.conversations.services import Sender, conversation_set_status, message_send
from parley.notifications.reply_address import conversation_from_reply_address
from parley.tickets.models import CreatedVia
from parley.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


def test_a_web_form_ticket_is_emailed_with_its_number_through_to_solved(
    world, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(
            inbox=world.inbox,
            contact=world.contact,
            subject="发票抬头填错了",
            description="请帮我把发票抬头改成公司名称。",
            created_via=CreatedVia.WEB_FORM,
        )
    conversation = ticket.conversation
    with django_capture_on_commit_callbacks(execute=True):
        message_send(
            conversation=conversation,
            sender=Sender.of_member(world.agent),
            body="已为您重新开具发票。",
        )
    with django_capture_on_commit_callbacks(execute=True):
        conversation_set_status(
            conversation=conversation, status=Status.RESOLVED, actor=world.agent
        )

    created, replied, solved = smtp_server.received
    number = ticket.number
    assert created.message["Subject"] == f"[#{number}] 发票抬头填错了"
    assert replied.message["Subject"] == f"[#{number}] Re: 发票抬头填错了"
    assert solved.message["Subject"] == f"[#{number}] Solved: 发票抬头填错了"
    assert "已为您重新开具发票。" in replied.text()
    assert f"#{number}" in solved.text()
    # The customer's own description is not echoed back as an "agent replied" e-mail.
    assert all("请帮我把发票抬头" not in m.text() for m in (created, replied, solved))
    # A long header is folded onto its next line; the whitespace of the fold is not the id.
    message_id = str(created.message["Message-ID"]).strip()
    assert str(replied.message["In-Reply-To"]).strip() == message_id
    assert str(solved.message["References"]).split()[0] == message_id
    assert {
        conversation_from_reply_address(str(m.message["Reply-To"]))
        for m in (created, replied, solved)
    } == {conversation}
