"""Encryption at rest: contacts' phone and ID number are ciphertext in the database, found by
blind index, readable after key rotation; bad input changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from parley.accounts.models import AuditEvent
from parley.contacts import encryption
from parley.contacts.key_rotation import contacts_rotate_keys
from parley.contacts.models import Contact
from parley.contacts.services import contact_update
from tests.conftest import World, client_for
from tests.factories import ContactFactory, ConversationFactory, InboxFactory

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
PHONE = "+86 138 1234 1234"
ID_NUMBER = "11010519491231002X"


@pytest.fixture(autouse=True)
def keys(settings) -> None:
    settings.PARLEY_ENCRYPTION_KEYS = [OLD_KEY]
    settings.PARLEY_BLIND_INDEX_KEY = "test-blind-index-key"


def raw_columns(contact: Contact) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT phone, id_number FROM {Contact._meta.db_table} WHERE id = %s", [contact.pk]
        )
        row = cursor.fetchone()
    return row[0], row[1]


def contact_url(world: World, path: str = "") -> str:
    return f"/api/v1/workspaces/{world.workspace.slug}/contacts/{path}"


def test_the_database_holds_ciphertext_only(world: World) -> None:
    contact_update(contact=world.contact, actor=world.agent, phone=PHONE, id_number=ID_NUMBER)
    phone, id_number = raw_columns(world.contact)
    for stored, clear in [(phone, PHONE), (id_number, ID_NUMBER)]:
        assert stored.startswith("gAAAAA")  # a Fernet token
        assert clear not in stored and "13812341234" not in stored and "1101" not in stored
    fresh = Contact.objects.get(pk=world.contact.pk)
    assert (fresh.phone, fresh.id_number) == (PHONE, ID_NUMBER)


def test_equality_lookup_by_blind_index_in_any_spelling(world: World) -> None:
    contact_update(contact=world.contact, actor=world.agent, phone=PHONE)
    ContactFactory(workspace=world.workspace)
    for spelling in ["13812341234", "+8613812341234", "138-1234-1234"]:
        response = client_for(world.supervisor).get(contact_url(world), {"phone": spelling})
        assert response.status_code == 200
        [found] = response.json()["results"]
        assert found["id"] == world.contact.pk and found["phone"] == "+86 138****1234"
    assert client_for(world.supervisor).get(
        contact_url(world), {"phone": "13900000000"}
    ).json() == {"results": []}


def test_lookup_stays_in_the_workspace_and_in_the_agents_inboxes(world, other_world) -> None:
    contact_update(contact=other_world.contact, actor=other_world.agent, phone=PHONE)
    assert client_for(world.owner).get(contact_url(world), {"phone": PHONE}).json()["results"] == []
    hidden = ContactFactory(workspace=world.workspace)
    ConversationFactory(inbox=InboxFactory(workspace=world.workspace), contact=hidden)
    contact_update(contact=hidden, actor=world.owner, id_number=ID_NUMBER)
    agent = client_for(world.agent).get(contact_url(world), {"id_number": ID_NUMBER.lower()})
    assert agent.json()["results"] == []
    owner = client_for(world.owner).get(contact_url(world), {"id_number": ID_NUMBER.lower()})
    assert [c["id"] for c in owner.json()["results"]] == [hidden.pk]


def test_the_blind_index_depends_on_its_key(world: World, settings) -> None:
    contact_update(contact=world.contact, actor=world.agent, phone=PHONE)
    settings.PARLEY_BLIND_INDEX_KEY = "another-key"
    assert client_for(world.owner).get(contact_url(world), {"phone": PHONE}).json()["results"] == []


def test_patch_stores_encrypted_answers_masked_and_audits_field_names(world: World) -> None:
    ConversationFactory(inbox=world.inbox, contact=world.contact)
    response = client_for(world.agent).patch(
        contact_url(world, f"{world.contact.pk}/"),
        {"phone": PHONE, "id_number": ID_NUMBER},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["id_number"] == "1101**********002X"
    entry = AuditEvent.objects.get(action="contact.updated")
    assert entry.data == {"fields": ["phone", "id_number"]}
    assert PHONE not in str(entry.data)


def test_a_resident_id_with_a_wrong_check_digit_is_refused_and_nothing_changes(world) -> None:
    contact_update(contact=world.contact, actor=world.admin, phone=PHONE)
    response = client_for(world.admin).patch(
        contact_url(world, f"{world.contact.pk}/"),
        {"phone": "13900001111", "id_number": "110105194912310021"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"id_number": "checksum"}
    fresh = Contact.objects.get(pk=world.contact.pk)
    assert (fresh.phone, fresh.id_number) == (PHONE, "")


def test_rotation_re_encrypts_with_the_new_key_and_keeps_data_readable(world, settings) -> None:
    contacts = [ContactFactory(workspace=world.workspace) for _ in range(5)]
    for i, contact in enumerate(contacts):
        contact_update(contact=contact, actor=world.admin, phone=f"1391234{i:04d}")
    contact_update(contact=contacts[0], actor=world.admin, id_number=ID_NUMBER)
    before = [raw_columns(c) for c in contacts]
    settings.PARLEY_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    report = contacts_rotate_keys(batch_size=2)

    assert (report.rows, report.values_rotated) == (5, 6)
    after = [raw_columns(c) for c in contacts]
    assert all(a != b for a, b in zip(after, before, strict=True))
    settings.PARLEY_ENCRYPTION_KEYS = [NEW_KEY]  # the old key is gone: all still readable
    assert [Contact.objects.get(pk=c.pk).phone for c in contacts] == [
        f"1391234{i:04d}" for i in range(5)
    ]
    assert Contact.objects.get(pk=contacts[0].pk).id_number == ID_NUMBER
    again = contacts_rotate_keys(batch_size=2)
    assert (again.rows, again.values_rotated) == (5, 0)
    assert [raw_columns(c) for c in contacts] == after


def test_reindex_after_a_new_blind_index_key(world: World, settings) -> None:
    contact_update(contact=world.contact, actor=world.admin, phone=PHONE)
    settings.PARLEY_BLIND_INDEX_KEY = "a-new-index-key"
    out = StringIO()
    call_command("rotate_keys", "--reindex", stdout=out)
    assert "indexes rebuilt: 1" in out.getvalue()
    found = client_for(world.owner).get(contact_url(world), {"phone": "13812341234"}).json()
    assert [c["id"] for c in found["results"]] == [world.contact.pk]


def test_the_command_prints_a_new_key() -> None:
    out = StringIO()
    call_command("rotate_keys", "--new-key", stdout=out)
    Fernet(out.getvalue().strip().encode())  # a valid key


def test_production_refuses_to_run_without_keys(settings) -> None:
    settings.PRODUCTION = True
    settings.PARLEY_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured):
        encryption.encrypt("x")


def test_the_embedded_mode_generates_a_key_into_the_data_dir(settings, tmp_path) -> None:
    settings.PRODUCTION = False
    settings.PARLEY_ENCRYPTION_KEYS = []
    settings.DATA_DIR = tmp_path
    token = encryption.encrypt("hello")
    key_file = tmp_path / "encryption_key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert encryption.decrypt(token) == "hello"
    assert Fernet(key_file.read_text().strip().encode()).decrypt(token.encode()) == b"hello"
