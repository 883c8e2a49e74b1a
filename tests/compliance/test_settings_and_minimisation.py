"""Privacy settings (admins, checked, audited), the compliance report, and data minimisation
at every entry point that takes contact data."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from parley.accounts.models import AuditEvent
from parley.compliance.models import PrivacySettings, RetentionRun
from parley.contacts.models import Contact
from parley.tickets.models import Ticket
from parley.tickets.webform import form_started_token
from tests.conftest import World, client_for
from tests.factories import ORIGIN


def url(world: World, path: str) -> str:
    return f"/api/v1/workspaces/{world.workspace.slug}/privacy/{path}"


def session(world: World, **body: str):
    return APIClient().post(
        "/api/widget/v1/sessions",
        {"inbox": world.inbox.public_key, **body},
        format="json",
        headers={"Origin": ORIGIN, "User-Agent": "Mozilla/5.0 Test"},
        REMOTE_ADDR="198.51.100.9",
    )


def collect_only(world: World, *fields: str) -> None:
    response = client_for(world.admin).patch(
        url(world, "settings/"), {"collect": list(fields)}, format="json"
    )
    assert response.status_code == 200, response.json()


def test_defaults_collect_profile_fields_but_not_browser_facts(world: World):
    body = client_for(world.owner).get(url(world, "settings/")).json()

    assert body["collect"] == ["name", "email", "phone", "id_number", "attributes"]
    assert body["notice_version"] == 1 and body["consent_required"] is False
    assert body["retention"] == {
        "conversation_days": None,
        "attachment_days": None,
        "action": "anonymise",
    }
    assert not PrivacySettings.objects.exists()  # reading stores nothing


def test_an_admin_changes_the_settings_and_bumps_the_notice_version(world: World):
    response = client_for(world.admin).patch(
        url(world, "settings/"),
        {
            "notice_en": "We keep chats 90 days.",
            "notice_zh": "聊天记录保存 90 天。",
            "consent_required": True,
            "conversation_days": 90,
            "attachment_days": 30,
            "retention_action": "delete",
            "new_notice_version": True,
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["notice"] == {"en": "We keep chats 90 days.", "zh": "聊天记录保存 90 天。"}
    assert body["notice_version"] == 2
    assert body["retention"] == {"conversation_days": 90, "attachment_days": 30, "action": "delete"}
    entry = AuditEvent.objects.get(action="privacy.settings_changed")
    assert entry.actor == world.admin and entry.data["notice_version"] == 2
    assert "consent_required" in entry.data["changed"]


@pytest.mark.parametrize(
    "bad",
    [
        {"collect": ["name", "shoe_size"]},
        {"conversation_days": 0},
        {"attachment_days": 100000},
        {"retention_action": "shred"},
        {"notice_en": "x" * 5000},
        {"consent_required": "perhaps"},
        {"collect": "name"},
    ],
)
def test_bad_settings_are_a_400_and_change_nothing(world: World, bad):
    PrivacySettings.objects.create(workspace=world.workspace, conversation_days=30)

    response = client_for(world.admin).patch(url(world, "settings/"), bad, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["fields"]) == set(bad)
    stored = PrivacySettings.objects.get()
    assert (stored.conversation_days, stored.notice_version, stored.collect) == (
        30,
        1,
        ["name", "email", "phone", "id_number", "attributes"],
    )
    assert not AuditEvent.objects.filter(action="privacy.settings_changed").exists()


@pytest.mark.parametrize("role", ["supervisor", "agent"])
def test_only_owners_and_admins_see_or_change_privacy(world: World, role: str):
    client = client_for(world.member(role))
    for response in (
        client.get(url(world, "settings/")),
        client.patch(url(world, "settings/"), {"consent_required": True}, format="json"),
        client.get(url(world, "report/")),
        client.post(url(world, "retention/run/")),
    ):
        assert response.status_code == 403
    assert not PrivacySettings.objects.exists()


def test_the_report_shows_settings_runs_consents_requests_and_keys(world: World, other_world):
    client_for(world.admin).patch(
        url(world, "settings/"), {"conversation_days": 30, "consent_required": True}, format="json"
    )
    run = client_for(world.admin).post(url(world, "retention/run/"))
    assert run.status_code == 201 and run.json()["conversations"] == 0
    client_for(world.admin).post(url(world, f"contacts/{world.contact.pk}/export/"))
    # Another workspace's run is not in this report.
    PrivacySettings.objects.create(workspace=other_world.workspace, attachment_days=5)
    RetentionRun.objects.create(
        workspace=other_world.workspace, started_at=timezone.now(), action="delete"
    )

    report = client_for(world.owner).get(url(world, "report/")).json()

    assert report["settings"]["consent_required"] is True
    assert [r["conversation_days"] for r in report["retention_runs"]] == [30]
    assert report["consents"]["total"] == 0
    assert [(r["action"], r["contact"]) for r in report["requests"]] == [
        ("exported", world.contact.pk)
    ]
    assert report["encryption"]["encryption_keys"] >= 1
    assert "key" not in str(report["encryption"].values())


def test_running_retention_without_a_policy_is_a_400(world: World):
    response = client_for(world.admin).post(url(world, "retention/run/"))
    assert response.status_code == 400
    assert not RetentionRun.objects.exists()


# --- minimisation at every entry point -----------------------------------------------------


def test_widget_sessions_keep_only_collected_fields(world: World):
    collect_only(world, "name", "ip", "user_agent")

    body = session(world, name="Li Lei", email="li@example.test").json()

    contact = Contact.objects.get(pk=body["contact"]["id"])
    assert (contact.name, contact.email) == ("Li Lei", "")
    assert contact.attributes["ip_prefix"].endswith(".0/24")


def test_browser_facts_are_not_kept_by_default(world: World):
    response = session(world, name="Li")
    contact = Contact.objects.get(pk=response.json()["contact"]["id"])
    assert contact.name == "Li" and contact.attributes == {}


def test_browser_facts_are_kept_when_collected(world: World):
    collect_only(world, "user_agent")
    response = session(world, name="Li")
    contact = Contact.objects.get(pk=response.json()["contact"]["id"])
    assert contact.name == "" and contact.attributes == {"user_agent": "Mozilla/5.0 Test"}


def test_the_web_form_drops_fields_not_collected(world: World, client: Client):
    collect_only(world, "email")

    response = client.post(
        f"/support/{world.workspace.slug}/new",
        {
            "name": "王小明",
            "email": "xiaoming@example.test",
            "subject": "订单没有收到",
            "description": "我的订单三天了还没到。",
            "website": "",
            "started": form_started_token(workspace_id=world.workspace.pk, at=time.time() - 30),
        },
    )

    assert response.status_code == 201
    requester = Ticket.objects.get().requester
    assert (requester.name, requester.email) == ("", "xiaoming@example.test")


def test_the_ticket_api_drops_fields_not_collected(world: World):
    collect_only(world, "name")

    response = client_for(world.agent).post(
        f"/api/v1/workspaces/{world.workspace.slug}/tickets/",
        {
            "inbox": world.inbox.pk,
            "name": "Ann",
            "email": "ann@example.test",
            "subject": "Invoice",
            "description": "Please send the invoice.",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    requester = Ticket.objects.get().requester
    assert (requester.name, requester.email) == ("Ann", "")


def test_the_contacts_api_drops_fields_not_collected(world: World):
    collect_only(world, "name", "email")
    contact = world.contact

    response = client_for(world.supervisor).patch(
        f"/api/v1/workspaces/{world.workspace.slug}/contacts/{contact.pk}/",
        {"name": "Ann Lee", "phone": "13812345678", "id_number": "11010519491231002X"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    contact.refresh_from_db()
    assert (contact.name, contact.phone, contact.phone_index, contact.id_number) == (
        "Ann Lee",
        "",
        "",
        "",
    )


def test_consents_count_each_contacts_latest_answer_to_the_current_version(world: World):
    from parley.compliance.models import ConsentRecord
    from parley.compliance.selectors import compliance_report
    from tests.factories import ContactFactory

    PrivacySettings.objects.create(workspace=world.workspace, notice_version=2)
    changed_mind, declined = ContactFactory(workspace=world.workspace), world.contact
    answers: list[tuple[Contact, int, bool]] = [
        (changed_mind, 2, False),
        (changed_mind, 2, True),
        (declined, 2, False),
        (declined, 1, True),  # an older version does not count
    ]
    for contact, version, accepted in answers:
        ConsentRecord.objects.create(
            workspace=world.workspace,
            contact=contact,
            inbox=world.inbox,
            notice_version=version,
            accepted=accepted,
        )

    consents = compliance_report(workspace_id=world.workspace.pk)["consents"]

    assert (consents["current_version_accepted"], consents["current_version_declined"]) == (1, 1)
    assert consents["total"] == 4
    assert consents["by_version"] == [
        {"notice_version": 2, "accepted": 1, "declined": 2},
        {"notice_version": 1, "accepted": 1, "declined": 0},
    ]
