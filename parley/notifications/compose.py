"""What an e-mail to a contact says: subject, plain-text and HTML bodies. Pure functions of
the conversation and the event; the HTML is built from escaped text only. Written in the
contact's language (``Contact.locale``: English or Simplified Chinese)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString

from parley.conversations.models import Conversation, Message
from parley.conversations.selectors import customer_first_words

TOPIC_CHARS = 70

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "conversation_with": "Your conversation with {workspace}",
        "our_team": "Our team",
        "attached": "Attached in the conversation: ",
        "replied": "{agent} replied:",
        "reply_footer": "Reply to this e-mail to answer; your reply goes to the same conversation.",
        "re": "Re: ",
        "your_request": "Your request #{number}",
        "your_conversation": "Your conversation",
        "solved": "{what} has been marked as solved.",
        "solved_again": (
            "If something is still not right, reply to this e-mail and we will pick it up again."
        ),
        "rate": "How did we do? Rate our service:",
        "solved_subject": "Solved: ",
        "received": "We have received your request. Its number is #{number}.",
        "received_next": (
            "We will answer by e-mail. Reply to this e-mail to add anything; "
            "please keep the number in the subject."
        ),
    },
    "zh-CN": {
        "conversation_with": "您与{workspace}的会话",
        "our_team": "客服团队",
        "attached": "会话中的附件：",
        "replied": "{agent} 回复了您：",
        "reply_footer": "直接回复此邮件即可继续沟通，您的回复会进入同一会话。",
        "re": "回复：",
        "your_request": "您的工单 #{number}",
        "your_conversation": "您的会话",
        "solved": "{what}已标记为已解决。",
        "solved_again": "如果问题仍未解决，请直接回复此邮件，我们会继续为您处理。",
        "rate": "请为本次服务评分：",
        "solved_subject": "已解决：",
        "received": "我们已收到您的请求，工单号为 #{number}。",
        "received_next": "我们将通过邮件答复您。如需补充，请直接回复此邮件，并保留主题中的工单号。",
    },
}


def _text(conversation: Conversation) -> dict[str, str]:
    return TEXT.get(conversation.contact.locale, TEXT["en"])


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
    words = customer_first_words(conversation=conversation, max_chars=TOPIC_CHARS)
    if not words:
        return _text(conversation)["conversation_with"].format(
            workspace=conversation.inbox.workspace.name
        )
    return words


def _one_line(text: str) -> str:
    # A header may not carry a line break; a topic typed by a customer might.
    return " ".join(text.split())


def _html(paragraphs: list[str], link: str | None = None, link_text: str = "") -> SafeString:
    parts = [linebreaks(escape(p)) for p in paragraphs]
    if link:
        parts.append(
            f'<p><a href="{escape(link)}" target="_blank" rel="noopener noreferrer">'
            f"{escape(link_text)}</a></p>"
        )
    # Every part is escaped before it is marked safe.
    return SafeString("<html><body>" + "".join(parts) + "</body></html>")  # nosec B308, B703


def agent_reply(conversation: Conversation, message: Message, ticket_number: str | None) -> Content:
    t = _text(conversation)
    agent = message.sender_member.name if message.sender_member else t["our_team"]
    files = [a.name for a in message.attachments.all()]
    lines = [message.body] if message.body.strip() else []
    if files:
        lines.append(t["attached"] + ", ".join(files))
    intro = t["replied"].format(agent=agent)
    footer = t["reply_footer"]
    topic = _one_line(topic_of(conversation))
    subject = f"{subject_tag(conversation, ticket_number)} {t['re']}{topic}"
    text = "\n\n".join([intro, *lines, "-- ", footer])
    return Content(subject=subject, text=text, html=_html([intro, *lines, footer]))


def conversation_solved(
    conversation: Conversation, ticket_number: str | None, survey_link: str | None
) -> Content:
    t = _text(conversation)
    what = (
        t["your_request"].format(number=ticket_number) if ticket_number else t["your_conversation"]
    )
    lines = [t["solved"].format(what=what), t["solved_again"]]
    ask = t["rate"]
    topic = _one_line(topic_of(conversation))
    subject = f"{subject_tag(conversation, ticket_number)} {t['solved_subject']}{topic}"
    text = "\n\n".join(lines + ([f"{ask} {survey_link}"] if survey_link else []))
    return Content(subject=subject, text=text, html=_html(lines, survey_link, ask))


def ticket_created(conversation: Conversation, ticket_number: str) -> Content:
    t = _text(conversation)
    lines = [t["received"].format(number=ticket_number), t["received_next"]]
    subject = f"{subject_tag(conversation, ticket_number)} {_one_line(topic_of(conversation))}"
    return Content(subject=subject, text="\n\n".join(lines), html=_html(lines))
