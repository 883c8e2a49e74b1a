"""Data-subject export (a zip of JSON and files) and erasure (anonymised everywhere, the
statistics kept), through the API with its permissions, codes and audit records."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from parley.accounts.models import AuditEvent
from parley.compliance.models import ConsentRecord
from parley.contacts.encryption import blind_index
from parley.contacts.models import Contact
from parley.contacts.services import contact_update
from parley.conversations.models import Attachment, CsatResponse, Message, MessageKind
from parley.inboxes.models import VerifiedIdentity
from tests.compliance.history import PDF, conversation_with_history, statistics
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db(transaction=True)


def base(world: World) -> str:
    return f"/api/v1/workspaces/{world.workspace.slug}/privacy"


@pytest.fixture
def customer(world: World):
    contact = world.contact
    contact_update(
        contact=contact,
        actor=world.admin,
        name="Li Lei",
        email="li@example.test",
        phone="13812345678",
        id_number="11010519491231002X",
    )
    contact.attributes = {"plan": "gold", "note": "call 13812345678"}
    contact.save()
    ConsentRecord.objects.create(
        workspace=world.workspace,
        contact=contact,
        inbox=world.inbox,
        notice_version=1,
        ip_prefix="203.0.113.0/24",
    )
    VerifiedIdentity.objects.create(workspace=world.workspace, identifier="user-7", contact=contact)
    stories = [
        conversation_with_history(
            inbox=world.inbox, contact=contact, agent=world.supervisor, age_days=d
        )
        for d in (3, 10)
    ]
    return contact, stories


def test_an_admin_exports_a_contacts_data_as_json_and_files(world: World, customer):
    contact, stories = customer

    response = client_for(world.admin).post(f"{base(world)}/contacts/{contact.pk}/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    assert f"contact-{contact.pk}-export.zip" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    document = json.loads(archive.read("contact.json"))
    assert document["format"] == "parley.contact-export.v1" and document["masked"] is False
    assert document["contact"]["phone"] == "13812345678"  # clear: admins may view PII
    assert document["contact"]["id_number"] == "11010519491231002X"
    assert document["contact"]["verified_identities"] == ["user-7"]
    assert document["consents"][0]["notice_version"] == 1
    assert len(document["conversations"]) == 2
    first = document["conversations"][0]
    assert first["csat"]["rating"] == 4 and first["csat"]["comment"] == "Li was great"
    bodies = [m["body"] for m in first["messages"]]
    assert "My phone is 13812345678, e-mail li@example.test" in bodies
    paths = [p for m in first["messages"] for p in m["attachments"]]
    assert paths == [f"files/{stories[0].attachment.pk}-invoice-li.pdf"]
    assert archive.read(paths[0]) == PDF
    entry = AuditEvent.objects.get(action="privacy.contact_exported")
    assert entry.actor == world.admin and entry.target_id == str(contact.pk)
    assert entry.data["files"] == 2 and entry.data["masked"] is False


@pytest.mark.parametrize("role", ["supervisor", "agent"])
def test_only_owners_and_admins_export_or_erase(world: World, customer, role: str):
    contact, _ = customer
    client = client_for(world.member(role))

    exported = client.post(f"{base(world)}/contacts/{contact.pk}/export/")
    erased = client.post(
        f"{base(world)}/contacts/{contact.pk}/erase/", {"confirm": str(contact.pk)}, format="json"
    )

    assert exported.status_code == erased.status_code == 403
    contact.refresh_from_db()
    assert contact.name == "Li Lei"
    assert not AuditEvent.objects.filter(action__startswith="privacy.contact_").exists()


def test_another_workspaces_contact_is_a_404(world: World, other_world: World, customer):
    contact, _ = customer
    client = client_for(other_world.admin)
    url = f"/api/v1/workspaces/{other_world.workspace.slug}/privacy/contacts/{contact.pk}"

    assert client.post(f"{url}/export/").status_code == 404
    erased = client.post(f"{url}/erase/", {"confirm": str(contact.pk)}, format="json")
    assert erased.status_code == 404
    contact.refresh_from_db()
    assert contact.name == "Li Lei"


def test_erasure_needs_the_contacts_id_as_confirmation(world: World, customer):
    contact, stories = customer
    client = client_for(world.owner)

    missing = client.post(f"{base(world)}/contacts/{contact.pk}/erase/", {}, format="json")
    wrong = client.post(
        f"{base(world)}/contacts/{contact.pk}/erase/", {"confirm": "yes"}, format="json"
    )

    assert missing.status_code == wrong.status_code == 400
    assert missing.json()["code"] == wrong.json()["code"] == "confirmation_required"
    contact.refresh_from_db()
    assert (contact.name, contact.phone) == ("Li Lei", "13812345678")
    assert all(s.file_path.exists() for s in stories)
    assert not AuditEvent.objects.filter(action="privacy.contact_erased").exists()


def test_erasure_anonymises_the_contact_everywhere_and_keeps_the_statistics(world: World, customer):
    contact, stories = customer
    before = statistics(world.workspace.pk)
    conversation_ids = [s.conversation.pk for s in stories]
    message_count = Message.objects.filter(conversation_id__in=conversation_ids).count()

    response = client_for(world.owner).post(
        f"{base(world)}/contacts/{contact.pk}/erase/", {"confirm": str(contact.pk)}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "contact": contact.pk,
        "conversations": 2,
        "messages": message_count,
        "attachments": 2,
        "files": 2,
    }
    contact = Contact.objects.get(pk=contact.pk)
    assert (contact.name, contact.email, contact.phone, contact.id_number) == ("", "", "", "")
    assert (contact.phone_index, contact.id_number_index, contact.attributes) == ("", "", {})
    assert str(contact) == f"Visitor #{contact.pk}"
    # The blind index no longer finds them.
    assert not Contact.objects.filter(phone_index=blind_index("phone", "+8613812345678")).exists()
    assert not VerifiedIdentity.objects.filter(contact=contact).exists()
    messages = Message.objects.filter(conversation_id__in=conversation_ids)
    assert messages.count() == message_count
    assert set(messages.exclude(kind=MessageKind.EVENT).values_list("body", flat=True)) == {""}
    assert not Attachment.objects.filter(message__conversation_id__in=conversation_ids).exists()
    assert not any(s.file_path.exists() for s in stories)
    assert set(
        CsatResponse.objects.filter(conversation_id__in=conversation_ids).values_list(
            "rating", "comment"
        )
    ) == {(4, "")}
    consent = ConsentRecord.objects.get(contact=contact)
    assert consent.notice_version == 1 and consent.ip_prefix == ""
    assert statistics(world.workspace.pk) == before
    entry = AuditEvent.objects.get(action="privacy.contact_erased")
    assert entry.actor == world.owner and entry.data["conversations"] == 2
    # Nothing of the person is left for the export to find.
    again = client_for(world.owner).post(f"{base(world)}/contacts/{contact.pk}/export/")
    text = again.content
    assert b"13812345678" not in text and b"Li Lei" not in text
