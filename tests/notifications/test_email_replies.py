"""A customer answers a notification by e-mail: the reply lands in the same ticket."""

from __future__ import annotations

import io
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core.management import call_command
from django.utils import timezone

from parley.conversations.models import Message, SenderType, Status
from parley.conversations.services import Sender, conversation_set_status, message_send
from parley.notifications.replies import email_reply_receive, strip_quoted
from parley.notifications.reply_address import reply_address
from parley.tickets.models import CreatedVia, Ticket
from parley.tickets.services import ticket_create, tickets_close_solved
from tests.factories import ConversationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(world):
    world.contact.email = "li.na@example.com"
    world.contact.save(update_fields=["email"])
    return ticket_create(
        inbox=world.inbox,
        contact=world.contact,
        subject="发票抬头填错了",
        description="请帮我把发票抬头改成公司名称。",
        created_via=CreatedVia.WEB_FORM,
    )


def reply(
    to: str,
    text: str,
    *,
    sender: str = "Li Na <li.na@example.com>",
    html: str | None = None,
    message_id: str | None = None,
    **headers: str,
) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = "Re: [#10001] 发票抬头填错了"
    mail["Message-ID"] = message_id or make_msgid(domain="example.com")
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(text)
    if html is not None:
        mail.add_alternative(html, subtype="html")
    return bytes(mail)


def customer_words(ticket: Ticket) -> list[str]:
    return list(
        Message.objects.filter(conversation=ticket.conversation, sender_type=SenderType.CONTACT)
        .order_by("seq")
        .values_list("body", flat=True)
    )


def test_a_reply_to_the_notification_lands_in_the_ticket_without_the_quote(
    world, smtp_server, django_capture_on_commit_callbacks
):
    world.contact.email = "li.na@example.com"
    world.contact.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(
            inbox=world.inbox,
            contact=world.contact,
            subject="发票抬头填错了",
            description="请帮我把发票抬头改成公司名称。",
            created_via=CreatedVia.WEB_FORM,
        )
    [created] = smtp_server.received
    # The customer's mail client answers to the notification's Reply-To.
    raw = reply(
        str(created.message["Reply-To"]),
        "公司名称是：上海示例有限公司\n\n"
        "在 2026年11月25日 10:00，Parley <support@parley.test> 写道：\n"
        "> 您的工单 #10001 已创建\n",
    )

    result = email_reply_receive(raw=raw)

    assert result.outcome == "stored"
    assert result.conversation_id == ticket.pk
    assert customer_words(ticket)[-1] == "公司名称是：上海示例有限公司"


def test_a_redelivered_reply_is_stored_once(ticket):
    raw = reply(reply_address(ticket.conversation), "Thanks!", message_id="<abc@example.com>")

    first = email_reply_receive(raw=raw)
    second = email_reply_receive(raw=raw)

    assert (first.outcome, second.outcome) == ("stored", "duplicate")
    assert first.message_id == second.message_id
    assert customer_words(ticket).count("Thanks!") == 1


def solve(world, ticket: Ticket) -> None:
    """The agent answers (and so takes the ticket), then solves it."""
    message_send(
        conversation=ticket.conversation, sender=Sender.of_member(world.agent), body="Done"
    )
    conversation_set_status(
        conversation=ticket.conversation, status=Status.RESOLVED, actor=world.agent
    )


def test_a_reply_reopens_a_solved_ticket_within_the_window(world, ticket):
    solve(world, ticket)

    email_reply_receive(raw=reply(reply_address(ticket.conversation), "Still wrong, sorry"))

    ticket.conversation.refresh_from_db()
    assert ticket.conversation.status == Status.OPEN


def test_a_reply_to_a_closed_ticket_starts_a_linked_follow_up(world, ticket):
    solve(world, ticket)
    assert tickets_close_solved(now=timezone.now() + timedelta(days=30)) == 1

    result = email_reply_receive(raw=reply(reply_address(ticket.conversation), "One more thing"))

    follow_up = Ticket.objects.get(follow_up_of=ticket)
    assert result.outcome == "stored" and result.conversation_id == follow_up.pk
    assert customer_words(follow_up)[-1] == "One more thing"


def test_an_html_only_reply_keeps_the_text_and_drops_the_blockquote(ticket):
    mail = EmailMessage()
    mail["From"] = "li.na@example.com"
    mail["To"] = reply_address(ticket.conversation)
    mail["Message-ID"] = make_msgid()
    mail.set_content(
        "<div>Here is the <b>name</b>:<br>ACME &amp; Co</div>"
        "<blockquote>Your ticket #10001 was created</blockquote>",
        subtype="html",
    )

    email_reply_receive(raw=bytes(mail))

    assert customer_words(ticket)[-1] == "Here is the name:\nACME & Co"


@pytest.mark.parametrize(
    ("case", "make", "reason"),
    [
        (
            "out of office",
            lambda to: reply(to, "I am away", Auto_Submitted="auto-replied"),
            "automatic",
        ),
        ("mailing list", lambda to: reply(to, "digest", List_Id="<l.example.com>"), "automatic"),
        ("bulk", lambda to: reply(to, "news", Precedence="bulk"), "automatic"),
        (
            "a stranger with a forwarded copy",
            lambda to: reply(to, "I am the customer", sender="mallory@example.net"),
            "sender_mismatch",
        ),
        (
            "a forged token",
            lambda to: reply(to.replace("reply+", "reply+9").replace("-", "-x", 1), "hi"),
            "no_reply_address",
        ),
        ("nothing new, only the quote", lambda to: reply(to, "> old text\n"), "empty"),
    ],
)
def test_what_is_kept_out_and_nothing_is_stored(ticket, case, make, reason):
    before = Message.objects.count()

    result = email_reply_receive(raw=make(reply_address(ticket.conversation)))

    assert (result.outcome, result.reason) == ("ignored", reason), case
    assert Message.objects.count() == before


def test_another_workspaces_conversation_is_reached_only_by_its_own_token(world, other_world):
    theirs = ConversationFactory(inbox=other_world.inbox, contact=other_world.contact)
    other_world.contact.email = "li.na@example.com"
    other_world.contact.save(update_fields=["email"])
    before = Message.objects.filter(conversation=theirs).count()

    # The same customer address, but the token names our conversation only.
    mine = ConversationFactory(inbox=world.inbox, contact=world.contact)
    world.contact.email = "li.na@example.com"
    world.contact.save(update_fields=["email"])
    email_reply_receive(raw=reply(reply_address(mine), "for my own ticket"))

    assert Message.objects.filter(conversation=theirs).count() == before


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Yes please.\n\nOn Tue, 24 Nov 2026 at 10:00, Parley wrote:\n> hello", "Yes please."),
        ("好的\n------------------ 原始邮件 ------------------\n发件人: Parley", "好的"),
        ("Fine\n-----Original Message-----\nFrom: Parley", "Fine"),
        ("Fine\n________________________________\nFrom: Parley", "Fine"),
        ("line one\n> quoted\nline two", "line one\nline two"),
    ],
)
def test_quoted_history_is_cut_off(text, kept):
    assert strip_quoted(text) == kept


def test_the_command_reads_one_message_from_standard_input(ticket, monkeypatch, capsys):
    raw = reply(reply_address(ticket.conversation), "Sent by the mail server's pipe")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))

    call_command("email_reply")

    assert capsys.readouterr().out.strip() == f"stored conversation {ticket.pk}"
    assert customer_words(ticket)[-1] == "Sent by the mail server's pipe"
