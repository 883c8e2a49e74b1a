"""What an e-mail to a contact says: subject, plain-text and HTML bodies. Pure functions of
the conversation and the event; the HTML is built from escaped text only."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString

from parley.conversations.models import Conversation, Message, MessageKind, SenderType

TOPIC_CHARS = 70


@dataclass(frozen=True)
class Content:
    subject: str
    text: str
    html: SafeString


def subject_tag(conversation: Conversation, ticket_number: str | None) -> str:
    if ticket_number:
        return f"[#{ticket_number}]"
    return f"[Parley #{conversation.pk}]"


def topic_of(conversation: Conversation) -> str:
    """The conversation's topic, else the first line of what the customer first wrote."""
    if conversation.topic.strip():
        return conversation.topic.strip()
    first = (
        conversation.messages.filter(
            sender_type=SenderType.CONTACT, private=False, kind=MessageKind.TEXT
        )
        .order_by("seq")
        .values_list("body", flat=True)
        .first()
    )
    line = (first or "").strip().splitlines()[0] if (first or "").strip() else ""
    if not line:
        return f"Your conversation with {conversation.inbox.workspace.name}"
    return line if len(line) <= TOPIC_CHARS else line[: TOPIC_CHARS - 1] + "…"


def _one_line(text: str) -> str:
    # A header may not carry a line break; a topic typed by a customer might.
    return " ".join(text.split())


def _html(paragraphs: list[str], link: str | None = None, link_text: str = "") -> SafeString:
    parts = [linebreaks(escape(p)) for p in paragraphs]
    if link:
        parts.append(f'<p><a href="{escape(link)}">{escape(link_text)}</a></p>')
    return SafeString("<html><body>" + "".join(parts) + "</body></html>")


def agent_reply(conversation: Conversation, message: Message, ticket_number: str | None) -> Content:
    agent = message.sender_member.name if message.sender_member else "Our team"
    files = [a.name for a in message.attachments.all()]
    lines = [message.body] if message.body.strip() else []
    if files:
        lines.append("Attached in the conversation: " + ", ".join(files))
    intro = f"{agent} replied:"
    footer = "Reply to this e-mail to answer; your reply goes to the same conversation."
    subject = f"{subject_tag(conversation, ticket_number)} Re: {_one_line(topic_of(conversation))}"
    text = "\n\n".join([intro, *lines, "-- ", footer])
    return Content(subject=subject, text=text, html=_html([intro, *lines, footer]))


def conversation_solved(
    conversation: Conversation, ticket_number: str | None, survey_link: str | None
) -> Content:
    what = f"Your request #{ticket_number}" if ticket_number else "Your conversation"
    lines = [
        f"{what} has been marked as solved.",
        "If something is still not right, reply to this e-mail and we will pick it up again.",
    ]
    ask = "How did we do? Rate our service:"
    subject = (
        f"{subject_tag(conversation, ticket_number)} Solved: {_one_line(topic_of(conversation))}"
    )
    text = "\n\n".join(lines + ([f"{ask} {survey_link}"] if survey_link else []))
    return Content(subject=subject, text=text, html=_html(lines, survey_link, ask))


def ticket_created(conversation: Conversation, ticket_number: str) -> Content:
    lines = [
        f"We have received your request. Its number is #{ticket_number}.",
        "We will answer by e-mail. Reply to this e-mail to add anything; "
        "please keep the number in the subject.",
    ]
    subject = f"{subject_tag(conversation, ticket_number)} {_one_line(topic_of(conversation))}"
    return Content(subject=subject, text="\n\n".join(lines), html=_html(lines))
