"""PII masking beyond messages (docs/security.md, "PII masking"): ticket subjects and custom
field values, contact custom attributes, staff e-mails. Masked for every staff reader; revealed
one item at a time by a member with "view PII", each reveal audited."""

from __future__ import annotations

from django.core import mail

from parley.accounts.models import AuditEvent
from parley.notifications.staff import sla_alert
from parley.tickets.models import CreatedVia, CustomFieldDefinition, CustomFieldKind, Ticket
from parley.tickets.services import ticket_create
from parley.tickets.sla_models import SlaEvent
from tests.conftest import World, client_for
from tests.security.state import changed, stored_state

PHONE = "13812341234"
SUBJECT = f"请回电 {PHONE}"


def api(world: World, path: str) -> str:
    return f"/api/v1/workspaces/{world.workspace.slug}/{path}"


def a_ticket(world: World) -> Ticket:
    CustomFieldDefinition.objects.create(
        workspace=world.workspace, key="card", label="Card", kind=CustomFieldKind.TEXT
    )
    return ticket_create(
        inbox=world.inbox,
        contact=world.contact,
        subject=SUBJECT,
        description="Please call me back.",
        created_via=CreatedVia.CONSOLE,
        actor=world.supervisor,
        custom_fields={"card": "6222 0212 3456 7894"},
    )


def reveals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="pii.revealed"))


def test_ticket_subject_and_custom_fields_are_masked_for_staff(world: World) -> None:
    ticket = a_ticket(world)
    for member in (world.owner, world.supervisor):
        listed = client_for(member).get(api(world, "tickets/")).json()["results"]
        one = client_for(member).get(api(world, f"tickets/{ticket.pk}/")).json()
        for payload in (listed[0], one):
            assert payload["subject"] == "请回电 138****1234"
            assert PHONE not in str(payload)
            assert payload["custom_fields"] == {"card": "6222 **** **** 7894"}


def test_sending_the_masked_subject_back_changes_nothing(world: World) -> None:
    ticket = a_ticket(world)
    shown = client_for(world.supervisor).get(api(world, f"tickets/{ticket.pk}/")).json()
    response = client_for(world.supervisor).patch(
        api(world, f"tickets/{ticket.pk}/"),
        {"subject": shown["subject"], "custom_fields": shown["custom_fields"]},
        format="json",
    )
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.subject == SUBJECT
    assert ticket.custom_fields == {"card": "6222 0212 3456 7894"}


def test_an_agent_may_not_reveal_a_ticket(world: World) -> None:
    ticket = a_ticket(world)
    before = stored_state()
    response = client_for(world.agent).post(api(world, f"privacy/tickets/{ticket.pk}/reveal/"))
    assert response.status_code == 403
    assert PHONE not in response.content.decode()
    assert reveals() == []
    assert changed(before, stored_state()) == []


def test_a_supervisor_reveals_a_ticket_and_it_is_audited(world: World) -> None:
    ticket = a_ticket(world)
    response = client_for(world.supervisor).post(api(world, f"privacy/tickets/{ticket.pk}/reveal/"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response.json()["subject"] == SUBJECT
    assert response.json()["custom_fields"] == {"card": "6222 0212 3456 7894"}
    [entry] = reveals()
    assert entry.actor == world.supervisor
    assert entry.data["kinds"] == ["cn_mobile"]
    assert PHONE not in str(entry.data)


def test_another_workspaces_ticket_cannot_be_revealed(world: World, other_world: World) -> None:
    theirs = a_ticket(other_world)
    response = client_for(world.owner).post(api(world, f"privacy/tickets/{theirs.pk}/reveal/"))
    assert response.status_code == 404
    assert reveals() == []


def test_one_contact_attribute_is_revealed_and_audited(world: World) -> None:
    world.contact.attributes = {"backup_phone": PHONE, "tier": "gold"}
    world.contact.save(update_fields=["attributes"])
    url = api(world, f"privacy/contacts/{world.contact.pk}/reveal/")
    field = {"field": "attributes.backup_phone"}
    assert client_for(world.agent).post(url, field, format="json").status_code == 403
    missing = client_for(world.admin).post(url, {"field": "attributes.nothing"}, format="json")
    assert missing.status_code == 404
    assert reveals() == []
    response = client_for(world.admin).post(url, field, format="json")
    assert response.status_code == 200
    assert response.json()["value"] == PHONE
    [entry] = reveals()
    assert entry.data == {"field": "contact.attributes.backup_phone"}


def test_staff_sla_e_mail_masks_the_topic(world: World) -> None:
    ticket = a_ticket(world)
    event = SlaEvent.objects.create(
        workspace=world.workspace,
        ticket=ticket,
        kind="warning",
        metric="first_response",
        due_at=ticket.created_at,
        at=ticket.created_at,
    )
    content = sla_alert(ticket.conversation, f"sla:{event.pk}:{world.agent.pk}", "7")
    for part in (content.subject, content.text, str(content.html)):
        assert PHONE not in part
        assert "138****1234" in part
    assert mail.outbox == []


def test_a_tickets_topic_is_masked_wherever_staff_list_conversations(world: World) -> None:
    """A ticket's conversation takes its topic from the subject: the conversation list, the
    contact panel's history and the queue show it masked too."""
    ticket = a_ticket(world)
    owner = client_for(world.owner)
    conversation = owner.get(api(world, f"conversations/{ticket.pk}/")).json()
    listed = owner.get(api(world, "conversations/")).json()["results"]
    contact = owner.get(api(world, f"contacts/{world.contact.pk}/")).json()
    for payload in (conversation, listed, contact):
        assert PHONE not in str(payload)
    assert conversation["topic"] == "请回电 138****1234"
