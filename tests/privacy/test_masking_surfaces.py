"""Where masking applies: every staff surface shows personal data masked (REST messages,
search, contact panel, socket frames, replay); the contact sees their own words as written;
logs hold no clear PII."""

from __future__ import annotations

import io
import logging

import pytest

from parley.contacts.models import Contact
from parley.conversations.consumers.agent import replay_for_members
from parley.conversations.models import Attachment, Message
from parley.conversations.services import Sender, message_send
from parley.privacy.logging import MaskPiiFilter
from tests.conftest import World, client_for
from tests.factories import ConversationFactory
from tests.inboxes.test_widget_api import open_session, widget_client

PHONE = "13812341234"
BODY = f"我的手机是{PHONE}，身份证11010519491231002X，邮箱 zhang@example.com"
MASKED = "我的手机是138****1234，身份证1101**********002X，邮箱 z***@example.com"


@pytest.fixture
def conversation(world: World):
    return ConversationFactory(inbox=world.inbox, contact=world.contact)


def contact_writes(conversation, world: World, body: str = BODY) -> Message:
    return message_send(
        conversation=conversation, sender=Sender.of_contact(world.contact), body=body
    ).message


def ws(world: World, path: str) -> str:
    return f"/api/v1/workspaces/{world.workspace.slug}/{path}"


@pytest.mark.parametrize("role", ["owner", "admin", "supervisor", "agent"])
def test_every_staff_role_reads_messages_masked(world: World, conversation, role: str) -> None:
    contact_writes(conversation, world)
    body = client_for(world.member(role)).get(
        ws(world, f"conversations/{conversation.pk}/messages/")
    )
    assert body.status_code == 200
    [message] = body.json()["results"]
    assert message["body"] == MASKED
    assert PHONE not in body.content.decode()


def test_search_results_are_masked_and_the_index_holds_no_clear_number(world, conversation):
    message = contact_writes(conversation, world, f"退款请打 {PHONE} 谢谢")
    assert PHONE not in Message.objects.get(pk=message.pk).search_words
    hits = client_for(world.agent).get(ws(world, "search/"), {"q": "退款"}).json()["results"]
    assert hits and all(PHONE not in str(hit) for hit in hits)
    assert "138****1234" in hits[0]["message"]["body"]
    # Searching the number itself finds nothing: the index only has its masked form.
    found = client_for(world.agent).get(ws(world, "search/"), {"q": PHONE}).json()["results"]
    assert all(hit["message"] is None for hit in found)


def test_staff_frames_are_masked_and_the_contacts_own_frame_is_clear(
    world, conversation, published
) -> None:
    with published.committing():
        contact_writes(conversation, world)
    staff = published.frames("message.created", group=f"inbox.{world.inbox.pk}")
    mine = published.frames("message.created", group=f"contact.{world.contact.pk}")
    assert [f["message"]["body"] for f in staff] == [MASKED]
    assert [f["message"]["body"] for f in mine] == [BODY]


def test_a_message_without_personal_data_is_one_frame_for_everyone(world, conversation, published):
    with published.committing():
        contact_writes(conversation, world, "hello, my order is late")
    assert published.groups_of("message.created") == [
        [f"inbox.{world.inbox.pk}", f"contact.{world.contact.pk}"]
    ]


def test_replay_to_staff_is_masked(world, conversation) -> None:
    contact_writes(conversation, world)
    replay = replay_for_members([world.agent], {conversation.pk: 0})
    assert [f["message"]["body"] for f in replay.frames] == [MASKED]


def test_the_widget_reads_its_own_conversation_unmasked(world) -> None:
    session = open_session(world.inbox).json()
    contact = Contact.objects.get(pk=session["contact"]["id"])
    conversation = ConversationFactory(inbox=world.inbox, contact=contact)
    message_send(conversation=conversation, sender=Sender.of_contact(contact), body=BODY)
    response = widget_client(session["token"]).get(
        f"/api/widget/v1/conversations/{conversation.pk}/messages"
    )
    assert response.status_code == 200, response.content
    assert response.json()["results"][0]["body"] == BODY


def test_attachment_names_are_masked_for_staff(world, conversation) -> None:
    message = contact_writes(conversation, world, "see file")
    Attachment.objects.create(
        workspace=world.workspace,
        message=message,
        name="身份证-11010519491231002X.pdf",
        size=10,
        content_type="application/pdf",
        file="x.pdf",
    )
    body = client_for(world.agent).get(ws(world, f"conversations/{conversation.pk}/messages/"))
    [attachment] = body.json()["results"][0]["attachments"]
    assert attachment["name"] == "身份证-1101**********002X.pdf"
    assert "11010519491231002X" not in body.content.decode()


def test_contact_panel_masks_phone_id_and_attributes(world) -> None:
    world.contact.phone = PHONE
    world.contact.id_number = "11010519491231002X"
    world.contact.attributes = {"备用电话": "13912345678", "plan": "gold"}
    world.contact.save()
    body = client_for(world.supervisor).get(ws(world, f"contacts/{world.contact.pk}/")).json()
    assert body["phone"] == "138****1234"
    assert body["id_number"] == "1101**********002X"
    assert body["attributes"] == {"备用电话": "139****5678", "plan": "gold"}


def test_the_log_filter_masks_messages_arguments_and_tracebacks() -> None:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "from %s: %s", ("x", BODY), None)
    try:
        raise ValueError(f"bad phone {PHONE}")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert MaskPiiFilter().filter(record)
    assert record.getMessage() == f"from x: {MASKED}"
    assert PHONE not in (record.exc_text or "")


def test_logged_pii_reaches_the_console_masked() -> None:
    """The filter sits on the configured console handler: what it writes is masked."""
    [console] = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, MaskPiiFilter) for f in h.filters)
    ]
    assert isinstance(console, logging.StreamHandler)
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        logging.getLogger("parley.anything").warning("customer wrote %s", BODY)
    finally:
        console.setStream(previous)
    assert MASKED in stream.getvalue() and PHONE not in stream.getvalue()
