"""The audit log for owners and admins: search, export, chain check; nobody else reads it."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from parley.accounts.models import AuditEvent
from parley.accounts.services import audit_record
from tests.conftest import World, client_for


def body_of(response: Any) -> bytes:
    return bytes(response.content)


def url(world: World, path: str = "") -> str:
    return f"/api/v1/workspaces/{world.workspace.slug}/audit/{path}"


@pytest.fixture
def entries(world: World) -> list[AuditEvent]:
    made = [
        audit_record(
            workspace=world.workspace,
            actor=world.admin,
            action="inbox.updated",
            target=world.inbox,
            data={"name": "=HYPERLINK(1)"},
        ),
        audit_record(
            workspace=world.workspace,
            actor=world.supervisor,
            action="ticket.updated",
            target=world.contact,
        ),
        audit_record(
            workspace=world.workspace,
            actor=world.agent,
            action="pii.revealed",
            target=world.contact,
        ),
    ]
    return made


@pytest.mark.parametrize("role", ["supervisor", "agent"])
def test_only_owners_and_admins_read_the_log(world: World, entries, role: str) -> None:
    client = client_for(world.member(role))
    for path in ["", "export/", "verify/"]:
        response = client.get(url(world, path))
        assert response.status_code == 403, path
        assert response.json()["code"] == "permission_denied"
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_newest_first_with_actor_and_hash(world: World, entries) -> None:
    body = client_for(world.owner).get(url(world)).json()
    assert [e["action"] for e in body["results"]] == [
        "pii.revealed",
        "ticket.updated",
        "inbox.updated",
    ]
    top = body["results"][0]
    assert top["actor"] == {
        "id": world.agent.pk,
        "name": world.agent.name,
        "email": world.agent.user.email,
    }
    assert top["hash"] == entries[2].hash and body["next_before"] is None


def test_filters_by_actor_action_prefix_target_and_dates(world: World, entries) -> None:
    admin = client_for(world.admin)

    def actions(**params: Any) -> list[str]:
        response = admin.get(url(world), params)
        assert response.status_code == 200, response.content
        return [e["action"] for e in response.json()["results"]]

    assert actions(actor=world.supervisor.pk) == ["ticket.updated"]
    assert actions(action="pii.revealed") == ["pii.revealed"]
    assert actions(action="ticket.") == ["ticket.updated"]
    assert actions(target_type="contacts.contact", target_id=world.contact.pk) == [
        "pii.revealed",
        "ticket.updated",
    ]
    today = timezone.now().date()
    assert len(actions(since=today.isoformat(), until=today.isoformat())) == 3
    assert actions(until=(today - timedelta(days=1)).isoformat()) == []


def test_bad_filters_are_refused(world: World, entries) -> None:
    admin = client_for(world.admin)
    for params in [{"since": "yesterday"}, {"actor": "me"}, {"before": "x"}]:
        response = admin.get(url(world), params)
        assert response.status_code == 400 and response.json()["code"] == "invalid", params
    assert admin.get(url(world, "export/"), {"as": "xml"}).status_code == 400


def test_pages_back_by_seq(world: World, entries) -> None:
    admin = client_for(world.admin)
    first = admin.get(url(world), {"limit": 2}).json()
    assert [e["seq"] for e in first["results"]] == [3, 2] and first["next_before"] == 2
    rest = admin.get(url(world), {"limit": 2, "before": 2}).json()
    assert [e["seq"] for e in rest["results"]] == [1] and rest["next_before"] is None


def test_csv_export_is_safe_for_spreadsheets_and_is_itself_audited(world, entries) -> None:
    response = client_for(world.admin).get(url(world, "export/"), {"action": "inbox.updated"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    text = body_of(response).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["seq", "created_at", "actor_id", "actor_email", "action"]
    assert [r[4] for r in rows[1:]] == ["inbox.updated"]
    assert rows[1][7].startswith("{")  # the JSON data, not a formula
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor == world.admin
    assert exported.data == {"format": "csv", "filters": {"action": "inbox.updated"}}


def test_a_formula_in_a_cell_is_quoted(world: World) -> None:
    audit_record(workspace=world.workspace, actor=world.admin, action="=cmd|x", target=world.inbox)
    response = client_for(world.admin).get(url(world, "export/"))
    text = body_of(response).decode("utf-8-sig")
    assert "'=cmd|x" in text


def test_json_export(world: World, entries) -> None:
    response = client_for(world.owner).get(url(world, "export/"), {"as": "json"})
    data = json.loads(body_of(response))
    assert [e["seq"] for e in data] == [3, 2, 1]


def test_another_workspaces_entries_never_show(world: World, other_world: World, entries) -> None:
    audit_record(
        workspace=other_world.workspace,
        actor=other_world.admin,
        action="secret.thing",
        target=other_world.inbox,
    )
    body = client_for(world.admin).get(url(world)).json()
    assert "secret.thing" not in {e["action"] for e in body["results"]}
    assert (
        client_for(world.admin)
        .get(f"/api/v1/workspaces/{other_world.workspace.slug}/audit/")
        .status_code
        == 404
    )


def test_the_chain_check_over_the_api(world: World, entries) -> None:
    body = client_for(world.owner).get(url(world, "verify/")).json()
    assert body == {"entries": 3, "intact": True, "broken": None}
