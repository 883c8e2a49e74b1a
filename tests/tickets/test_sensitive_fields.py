"""Custom fields marked sensitive: their values are ciphertext in the database, read in clear by
every reader that may, masked for staff, re-encrypted by key rotation and moved when the flag
is turned on or off."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from parley.accounts.models import AuditEvent
from parley.compliance.content import conversations_strip
from parley.tickets.models import CustomFieldDefinition, CustomFieldKind, Ticket
from parley.tickets.sensitive import ticket_custom_fields
from parley.tickets.services import (
    custom_field_create,
    custom_field_delete,
    tickets_custom_fields_reseal,
    tickets_rotate_keys,
)
from tests.conftest import World, client_for

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
PASSPORT = "E98765432"


@pytest.fixture(autouse=True)
def keys(settings) -> None:
    settings.PARLEY_ENCRYPTION_KEYS = [OLD_KEY]
    settings.PARLEY_BLIND_INDEX_KEY = "test-blind-index-key"


@pytest.fixture
def fields(world: World) -> None:
    custom_field_create(
        actor=world.admin, key="passport", label="Passport", kind=CustomFieldKind.TEXT,
        sensitive=True,
    )  # fmt: skip
    custom_field_create(
        actor=world.admin, key="balance", label="Balance", kind=CustomFieldKind.NUMBER,
        sensitive=True,
    )  # fmt: skip
    custom_field_create(actor=world.admin, key="order", label="Order", kind=CustomFieldKind.TEXT)


def raw(ticket: Ticket) -> tuple[str, str]:
    """The two columns as the database holds them (what a dump or backup would show)."""
    table = Ticket._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT custom_fields, sensitive_custom_fields FROM {table} "
            "WHERE conversation_id = %s",
            [ticket.pk],
        )
        row = cursor.fetchone()
    custom = row[0] if isinstance(row[0], str) else json.dumps(row[0])
    return custom, row[1]


def url(world: World, path: str) -> str:
    return f"/api/v1/workspaces/{world.workspace.slug}/{path}"


def test_the_database_holds_no_sensitive_value_in_clear(
    world: World, fields: None, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket(custom_fields={"passport": PASSPORT, "balance": 1234.5, "order": "A-77"})

    custom, sealed = raw(ticket)

    assert json.loads(custom) == {"order": "A-77"}
    assert sealed.startswith("gAAAAA")  # a Fernet token
    for secret in (PASSPORT, "98765432", "1234.5", "passport", "balance"):
        assert secret not in custom + sealed
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert ticket_custom_fields(fresh) == {"passport": PASSPORT, "balance": 1234.5, "order": "A-77"}


def test_api_round_trip_masked_for_staff_clear_by_audited_reveal(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    admin = client_for(world.admin)
    made = admin.post(
        url(world, "ticket-fields/"),
        {"key": "passport", "label": "Passport", "kind": "text", "sensitive": True},
        format="json",
    )
    assert made.status_code == 201 and made.json()["sensitive"] is True
    created = AuditEvent.objects.get(action="ticket.custom_field_created")
    assert created.data == {"key": "passport", "kind": "text", "sensitive": True}

    response = client_for(world.supervisor).post(
        url(world, "tickets/"),
        {
            "inbox": world.inbox.pk,
            "contact": world.contact.pk,
            "subject": "Visa letter",
            "description": "Please send it.",
            "custom_fields": {"passport": PASSPORT},
        },
        format="json",
    )
    assert response.status_code == 201
    ticket_id = response.json()["id"]
    assert response.json()["custom_fields"] == {"passport": "*****5432"}
    assert PASSPORT not in "".join(raw(Ticket.objects.get(pk=ticket_id)))

    agent = client_for(world.agent)
    for body in (
        agent.get(url(world, f"tickets/{ticket_id}/")).json(),
        agent.get(url(world, "tickets/")).json()["results"][0],
    ):
        assert body["custom_fields"] == {"passport": "*****5432"}
    refused = agent.post(url(world, f"privacy/tickets/{ticket_id}/reveal/"))
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"

    revealed = client_for(world.supervisor).post(url(world, f"privacy/tickets/{ticket_id}/reveal/"))
    assert revealed.json()["custom_fields"] == {"passport": PASSPORT}
    entry = AuditEvent.objects.filter(action="pii.revealed").get()
    assert entry.actor == world.supervisor and entry.data["custom_fields"] == ["passport"]

    # Sent back as shown (masked): no change. A new value: stored, and never in the audit log.
    supervisor = client_for(world.supervisor)
    unchanged = supervisor.patch(
        url(world, f"tickets/{ticket_id}/"),
        {"custom_fields": {"passport": "*****5432"}},
        format="json",
    )
    assert unchanged.status_code == 200
    assert ticket_custom_fields(Ticket.objects.get(pk=ticket_id)) == {"passport": PASSPORT}
    changed = supervisor.patch(
        url(world, f"tickets/{ticket_id}/"),
        {"custom_fields": {"passport": "G1234567"}},
        format="json",
    )
    assert changed.status_code == 200
    ticket = Ticket.objects.get(pk=ticket_id)
    assert ticket_custom_fields(ticket) == {"passport": "G1234567"}
    assert "G1234567" not in "".join(raw(ticket))
    update = AuditEvent.objects.get(action="ticket.updated")
    assert update.data["custom_fields"] == {"passport": "[sensitive]"}
    assert "G1234567" not in json.dumps([e.data for e in AuditEvent.objects.all()])


def test_rotation_re_encrypts_with_the_new_key(
    world: World, fields: None, make_ticket: Callable[..., Ticket], settings
) -> None:
    ticket = make_ticket(custom_fields={"passport": PASSPORT})
    plain = make_ticket(custom_fields={"order": "A-1"})
    _, before = raw(ticket)
    settings.PARLEY_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    out = StringIO()
    call_command("rotate_keys", "--batch-size", "1", stdout=out)

    assert "tickets read: 1, values re-encrypted: 1" in out.getvalue()
    _, after = raw(ticket)
    assert after != before
    assert json.loads(Fernet(NEW_KEY.encode()).decrypt(after.encode())) == {"passport": PASSPORT}
    settings.PARLEY_ENCRYPTION_KEYS = [NEW_KEY]  # the old key can go now
    assert ticket_custom_fields(Ticket.objects.get(pk=ticket.pk)) == {"passport": PASSPORT}
    assert ticket_custom_fields(Ticket.objects.get(pk=plain.pk)) == {"order": "A-1"}
    again = tickets_rotate_keys(batch_size=1)
    assert (again.values_rotated, again.tickets_resealed) == (0, 0)
    assert raw(ticket)[1] == after


def test_turning_the_flag_on_then_off_moves_every_value(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    field = custom_field_create(
        actor=world.admin, key="card", label="Card", kind=CustomFieldKind.TEXT
    )
    tickets = [make_ticket(custom_fields={"card": f"6222-{n:04d}"}) for n in range(3)]
    other = make_ticket()
    admin = client_for(world.admin)

    # The console sends the whole form: only what differs is changed and recorded.
    on = admin.patch(
        url(world, f"ticket-fields/{field.pk}/"),
        {"label": "Card", "required": False, "position": 0, "sensitive": True},
        format="json",
    )

    assert on.status_code == 200 and on.json()["sensitive"] is True
    for n, ticket in enumerate(tickets):
        custom, sealed = raw(ticket)
        assert json.loads(custom) == {} and f"{n:04d}" not in sealed and sealed
        assert ticket_custom_fields(Ticket.objects.get(pk=ticket.pk)) == {"card": f"6222-{n:04d}"}
    assert raw(other)[1] == ""
    entry = AuditEvent.objects.get(action="ticket.custom_field_updated")
    assert entry.actor == world.admin and entry.data == {"sensitive": True, "key": "card"}

    off = admin.patch(url(world, f"ticket-fields/{field.pk}/"), {"sensitive": False}, format="json")

    assert off.status_code == 200 and off.json()["sensitive"] is False
    for n, ticket in enumerate(tickets):
        assert raw(ticket)[1] == ""
        assert json.loads(raw(ticket)[0]) == {"card": f"6222-{n:04d}"}
    assert AuditEvent.objects.filter(action="ticket.custom_field_updated").count() == 2


def test_the_move_works_in_batches_and_a_second_run_changes_nothing(
    world: World, fields: None, make_ticket: Callable[..., Ticket]
) -> None:
    tickets = [make_ticket(custom_fields={"order": f"A-{n}"}) for n in range(5)]
    CustomFieldDefinition.objects.filter(key="order").update(sensitive=True)  # as if interrupted

    assert tickets_custom_fields_reseal(workspace_id=world.workspace.pk, batch_size=2) == 5
    assert all(json.loads(raw(t)[0]) == {} for t in tickets)
    assert tickets_custom_fields_reseal(workspace_id=world.workspace.pk, batch_size=2) == 0


def test_key_rotation_finishes_an_interrupted_toggle(
    world: World, fields: None, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket(custom_fields={"order": "A-9"})
    CustomFieldDefinition.objects.filter(key="order").update(sensitive=True)

    report = tickets_rotate_keys()

    assert report.tickets_resealed == 1
    assert json.loads(raw(ticket)[0]) == {} and "A-9" not in raw(ticket)[1]


def test_a_deleted_sensitive_fields_values_stay_encrypted(
    world: World, fields: None, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket(custom_fields={"passport": PASSPORT, "order": "A-1"})
    custom_field_delete(
        actor=world.admin, definition=CustomFieldDefinition.objects.get(key="passport")
    )

    response = client_for(world.supervisor).patch(
        url(world, f"tickets/{ticket.pk}/"), {"custom_fields": {"order": "A-2"}}, format="json"
    )

    assert response.status_code == 200
    custom, sealed = raw(ticket)
    assert json.loads(custom) == {"order": "A-2"} and PASSPORT not in sealed and sealed
    assert ticket_custom_fields(Ticket.objects.get(pk=ticket.pk))["passport"] == PASSPORT


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"balance": "lots"}, "balance"),
        ({"passport": 12}, "passport"),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(
    world: World,
    fields: None,
    make_ticket: Callable[..., Ticket],
    values: dict[str, Any],
    field: str,
) -> None:
    ticket = make_ticket(custom_fields={"passport": PASSPORT, "balance": 10})
    before = ticket_custom_fields(Ticket.objects.get(pk=ticket.pk)), raw(ticket)

    response = client_for(world.supervisor).patch(
        url(world, f"tickets/{ticket.pk}/"), {"custom_fields": values}, format="json"
    )

    assert response.status_code == 400
    assert (
        response.json()["code"] == "invalid" and field in response.json()["fields"]["custom_fields"]
    )
    assert (ticket_custom_fields(Ticket.objects.get(pk=ticket.pk)), raw(ticket)) == before


def test_a_bad_flag_is_refused_and_the_definition_stays(world: World, fields: None) -> None:
    field = CustomFieldDefinition.objects.get(key="order")

    response = client_for(world.admin).patch(
        url(world, f"ticket-fields/{field.pk}/"), {"sensitive": "perhaps"}, format="json"
    )

    assert response.status_code == 400 and response.json()["code"] == "invalid"
    field.refresh_from_db()
    assert field.sensitive is False
    assert not AuditEvent.objects.filter(action="ticket.custom_field_updated").exists()


@pytest.mark.parametrize("role", ["supervisor", "agent"])
def test_only_admins_set_the_flag(world: World, fields: None, role: str) -> None:
    field = CustomFieldDefinition.objects.get(key="order")

    response = client_for(world.member(role)).patch(
        url(world, f"ticket-fields/{field.pk}/"), {"sensitive": True}, format="json"
    )

    assert response.status_code == 403
    field.refresh_from_db()
    assert field.sensitive is False


def test_another_workspaces_definitions_are_not_found(
    world: World, other_world: World, fields: None
) -> None:
    field = CustomFieldDefinition.objects.get(key="passport")
    client = client_for(other_world.admin)
    other = f"/api/v1/workspaces/{other_world.workspace.slug}/ticket-fields/"

    assert client.get(other).json() == []
    assert client.get(f"{other}{field.pk}/").status_code == 404
    patched = client.patch(f"{other}{field.pk}/", {"sensitive": False}, format="json")
    assert patched.status_code == 404 and patched.json()["code"] == "not_found"
    assert client.delete(f"{other}{field.pk}/").status_code == 404
    field.refresh_from_db()
    assert field.sensitive is True


def test_the_data_subject_export_holds_the_clear_values(
    world: World, fields: None, make_ticket: Callable[..., Ticket]
) -> None:
    make_ticket(custom_fields={"passport": PASSPORT, "order": "A-1"})

    response = client_for(world.admin).post(
        url(world, f"privacy/contacts/{world.contact.pk}/export/")
    )

    assert response.status_code == 200
    document = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("contact.json"))
    [conversation] = document["conversations"]
    assert conversation["ticket"]["custom_fields"] == {"passport": PASSPORT, "order": "A-1"}


def test_erasure_and_retention_empty_the_encrypted_column(
    world: World, fields: None, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket(custom_fields={"passport": PASSPORT, "order": "A-1"})

    conversations_strip(
        conversation_ids=[ticket.pk], delete_messages=False, reason="erased", forget_addresses=True
    )

    assert raw(ticket) == ("{}", "")
