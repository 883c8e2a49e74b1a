"""Customer e-mails, as a real SMTP server receives them and a mail client parses them."""

from __future__ import annotations

import re
from email.message import EmailMessage

import pytest

from parley.conversations.models import Conversation, Status
from parley.conversations.services import (
    Sender,
    conversation_mark_read_by_contact,
    conversation_set_status,
    conversation_start,
    message_send,
)
from parley.conversations.services.csat import conversation_id_from_token, csat_link
from parley.notifications.models import OutboundEmail
from parley.notifications.reply_address import conversation_from_reply_address
from parley.notifications.services import email_deliver, send_ticket_created
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the block's after-commit work (the e-mail task, eagerly) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def conversation(world, commit) -> Conversation:
    with commit():
        started = conversation_start(inbox=world.inbox, contact=world.contact, topic="Refund")
        message_send(
            conversation=started, sender=Sender.of_contact(world.contact), body="Where is it?"
        )
    return started


def header(message: EmailMessage, name: str) -> str:
    """A header's value; a long one may be folded before its first word (RFC 5322 allows it)."""
    return str(message[name]).strip()


def reply(world, conversation: Conversation, body: str, *, private: bool = False) -> None:
    message_send(
        conversation=conversation, sender=Sender.of_member(world.agent), body=body, private=private
    )


def test_an_agent_reply_is_emailed_to_the_contact(world, smtp_server, conversation, commit):
    with commit():
        reply(world, conversation, "It ships today. <b>Promise</b> & thanks")

    [mail] = smtp_server.received
    msg = mail.message
    assert mail.envelope_to == [world.contact.email]
    assert msg["To"] == world.contact.email
    assert msg["Subject"] == f"[Parley #{conversation.pk}] Re: Refund"
    assert msg["From"].addresses[0].addr_spec == "support@parley.test"
    assert msg["From"].addresses[0].display_name == world.workspace.name
    assert msg["Message-ID"].endswith("@reply.parley.test>")
    assert msg["In-Reply-To"] is None  # the thread's first e-mail
    assert conversation_from_reply_address(str(msg["Reply-To"])) == conversation
    assert "It ships today. <b>Promise</b> & thanks" in mail.text()
    assert world.agent.name in mail.text()
    assert "It ships today. &lt;b&gt;Promise&lt;/b&gt; &amp; thanks" in mail.html()
    assert "<b>Promise</b>" not in mail.html()


def test_later_emails_thread_under_the_first(world, smtp_server, conversation, commit):
    with commit():
        reply(world, conversation, "First answer")
    with commit():
        reply(world, conversation, "Second answer")
    with commit():
        conversation_set_status(
            conversation=conversation, status=Status.RESOLVED, actor=world.agent
        )

    first, second, solved = (r.message for r in smtp_server.received)
    assert len({first["Message-ID"], second["Message-ID"], solved["Message-ID"]}) == 3
    assert header(second, "In-Reply-To") == header(first, "Message-ID")
    assert header(second, "References") == header(first, "Message-ID")
    assert header(solved, "In-Reply-To") == header(second, "Message-ID")
    assert header(solved, "References").split() == [
        header(first, "Message-ID"),
        header(second, "Message-ID"),
    ]
    assert all(
        conversation_from_reply_address(str(m["Reply-To"])) == conversation
        for m in (first, second, solved)
    )


def test_solved_email_asks_for_a_rating(world, smtp_server, conversation, commit):
    with commit():
        reply(world, conversation, "Done")
    with commit():
        conversation_set_status(
            conversation=conversation, status=Status.RESOLVED, actor=world.agent
        )

    solved = smtp_server.received[-1]
    assert solved.message["Subject"] == f"[Parley #{conversation.pk}] Solved: Refund"
    assert solved.message["Auto-Submitted"] == "auto-generated"
    assert "marked as solved" in solved.text()
    # The CSAT survey's signed link, made absolute with the public URL. The signature carries
    # the second it was made, so compare what it stands for, not the exact string.
    prefix = "https://help.parley.test" + csat_link(conversation).rsplit("/", 1)[0] + "/"
    found = re.search(re.escape(prefix) + r"([\w:.-]+)", solved.text())
    assert found is not None
    assert conversation_id_from_token(found.group(1)) == conversation.pk
    assert f'href="{prefix}{found.group(1)}"' in solved.html()


def test_a_ticket_carries_its_number_in_every_subject(world, smtp_server, conversation, commit):
    with commit():
        send_ticket_created(conversation.pk, 10023)
    with commit():
        reply(world, conversation, "Looking into it")

    created, replied = (r.message for r in smtp_server.received)
    assert created["Subject"] == "[#10023] Refund"
    assert "#10023" in smtp_server.received[0].text()
    assert replied["Subject"] == "[#10023] Re: Refund"
    assert header(replied, "In-Reply-To") == header(created, "Message-ID")


def test_chinese_subject_and_body_round_trip(world, smtp_server, commit):
    world.workspace.name = "云帆客服"
    world.workspace.save()
    with commit():
        started = conversation_start(inbox=world.inbox, contact=world.contact, topic="订单退款问题")
        reply(world, started, "您好，您的退款已经处理，预计三个工作日内到账。")

    [mail] = smtp_server.received
    mail.raw_headers.decode("ascii")  # every header is 7-bit: RFC 2047 encoded words
    assert b"=?utf-8?" in mail.raw_headers.lower()
    assert mail.message["Subject"] == f"[Parley #{started.pk}] Re: 订单退款问题"
    assert mail.message["From"].addresses[0].display_name == "云帆客服"
    assert "您好，您的退款已经处理，预计三个工作日内到账。" in mail.text()
    assert "您好，您的退款已经处理" in mail.html()
    assert mail.message.get_body(("plain",)).get_content_charset() == "utf-8"


def test_a_chinese_speaking_customer_gets_chinese_emails(world, smtp_server, commit):
    world.contact.locale = "zh-CN"
    world.contact.save(update_fields=["locale"])
    with commit():
        started = conversation_start(inbox=world.inbox, contact=world.contact, topic="发票")
        send_ticket_created(started.pk, 10031)
    with commit():
        reply(world, started, "已经为您重新开具。")
    with commit():
        conversation_set_status(conversation=started, status=Status.RESOLVED, actor=world.agent)

    created, replied, solved = smtp_server.received
    assert "工单号为 #10031" in created.text()
    assert replied.message["Subject"] == "[#10031] 回复：发票"
    assert f"{world.agent.name} 回复了您：" in replied.text()
    assert solved.message["Subject"] == "[#10031] 已解决：发票"
    assert "请为本次服务评分" in solved.text() and "请为本次服务评分" in solved.html()


def test_no_email_for_private_notes_or_contact_messages(world, smtp_server, conversation, commit):
    with commit():
        reply(world, conversation, "Customer seems upset", private=True)
        message_send(
            conversation=conversation, sender=Sender.of_contact(world.contact), body="Hello?"
        )

    assert smtp_server.received == []
    assert not OutboundEmail.objects.exists()


def test_no_email_for_a_contact_without_an_address(world, smtp_server, commit):
    anonymous = ContactFactory(workspace=world.workspace, email="")
    with commit():
        started = conversation_start(inbox=world.inbox, contact=anonymous)
        reply(world, started, "Hi there")
        send_ticket_created(started.pk, 10024)

    assert smtp_server.received == []


def test_nothing_is_sent_when_notifications_are_off(
    world, smtp_server, conversation, commit, settings
):
    settings.PARLEY_EMAIL_NOTIFICATIONS = False
    with commit():
        reply(world, conversation, "Hi")

    assert smtp_server.received == []


def test_the_same_event_is_emailed_once(world, smtp_server, conversation, commit):
    with commit():
        send_ticket_created(conversation.pk, 10025)
        send_ticket_created(conversation.pk, 10025)
    with commit():
        send_ticket_created(conversation.pk, "#10025")
    with commit():
        reply(world, conversation, "Once")
    row = OutboundEmail.objects.get(event_key__startswith="reply:")
    email_deliver(conversation_id=conversation.pk, event_key=row.event_key)  # a redelivered job

    assert [r.message["Subject"] for r in smtp_server.received] == [
        "[#10025] Refund",
        "[#10025] Re: Refund",
    ]


def test_a_refused_attempt_is_retried(world, smtp_server, conversation, commit):
    smtp_server.refuse_next = 1  # 451: try again later

    with commit():
        reply(world, conversation, "Retry me")

    assert smtp_server.refused == 1
    [mail] = smtp_server.received
    assert "Retry me" in mail.text()
    row = OutboundEmail.objects.get()
    assert row.sent_at is not None
    assert row.attempts == 2
    # The retry is the same e-mail: the Message-ID chosen before the first attempt.
    assert mail.message["Message-ID"] == row.message_id


def test_a_permanent_refusal_is_recorded_and_not_retried(world, smtp_server, conversation, commit):
    smtp_server.refuse_next = 1
    smtp_server.refuse_with = "550 5.1.1 No such user"

    with commit():
        reply(world, conversation, "Bounce")

    assert smtp_server.received == []
    assert smtp_server.refused == 1
    row = OutboundEmail.objects.get()
    assert row.sent_at is None
    assert row.failed_at is not None
    assert "No such user" in row.error


def test_a_reply_read_in_the_widget_before_it_is_due_is_not_emailed(
    world, smtp_server, conversation, commit, settings
):
    settings.PARLEY_EMAIL_NOTIFICATIONS = False  # the job is not run at commit here…
    with commit():
        reply(world, conversation, "Seen live")
    message = conversation.messages.get(body="Seen live")
    conversation_mark_read_by_contact(conversation=conversation, seq=message.seq)
    settings.PARLEY_EMAIL_NOTIFICATIONS = True

    # …but when it comes due, after PARLEY_EMAIL_REPLY_DELAY.
    row = email_deliver(conversation_id=conversation.pk, event_key=f"reply:{message.pk}")

    assert smtp_server.received == []
    assert row is not None
    assert row.sent_at is None
    assert row.failed_at is not None
