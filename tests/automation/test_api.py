"""The automation API: validation with field errors, roles, reorder, the rule log, macros and
applying one, and tenant isolation."""

from __future__ import annotations

from typing import Any

import pytest

from parley.accounts.models import AuditEvent
from parley.automation.models import Macro, Rule, RuleRun
from parley.conversations.models import Priority
from parley.conversations.services import contact_message_send
from tests.conftest import World, client_for
from tests.factories import ConversationFactory, TeamFactory

pytestmark = pytest.mark.django_db


def url(world: World, path: str) -> str:
    return f"/api/v1/workspaces/{world.workspace.slug}/{path}"


def rule_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "VIP",
        "event": "message_created",
        "match": "all",
        "conditions": [{"field": "message", "op": "contains_any", "value": ["vip"]}],
        "actions": [{"type": "set_priority", "priority": "urgent"}],
    }
    body.update(overrides)
    return body


def test_an_admin_creates_a_rule_that_then_runs(world: World) -> None:
    admin = client_for(world.admin)

    created = admin.post(url(world, "automation/rules/"), rule_body(), format="json")

    assert created.status_code == 201
    assert created.json()["conditions"][0]["value"] == ["vip"]
    assert AuditEvent.objects.filter(action="automation.rule_created").count() == 1
    result = contact_message_send(
        contact=world.contact,
        inbox=world.inbox,
        conversation_id=None,
        body="I am VIP",
        client_id=None,
    )
    result.conversation.refresh_from_db()
    assert result.conversation.priority == Priority.URGENT
    log = admin.get(url(world, f"automation/rules/{created.json()['id']}/runs/"))
    assert log.status_code == 200
    assert log.json()[0]["conversation"] == result.conversation.pk
    assert log.json()[0]["results"][0]["outcome"] == "applied"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"conditions": [{"field": "weather", "op": "is", "value": 1}]}, "conditions[0].field"),
        (
            {"conditions": [{"field": "message", "op": "contains_any", "value": []}]},
            "conditions[0].value",
        ),
        (
            {"conditions": [{"field": "priority", "op": "is", "value": "huge"}]},
            "conditions[0].value",
        ),
        (
            {"conditions": [{"field": "contact_attribute", "op": "equals", "value": "x"}]},
            "conditions[0].key",
        ),
        ({"actions": []}, "actions"),
        ({"actions": [{"type": "explode"}]}, "actions[0].type"),
        ({"actions": [{"type": "assign_team", "team": "one"}]}, "actions[0].team"),
        ({"actions": [{"type": "set_status", "status": "open"}]}, "actions[0].type"),  # macros only
        ({"name": "   "}, "name"),
    ],
)
def test_bad_rules_are_refused_with_field_errors(
    world: World, overrides: dict[str, Any], field: str
) -> None:
    response = client_for(world.admin).post(
        url(world, "automation/rules/"), rule_body(**overrides), format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["fields"]
    assert not Rule.objects.exists()


def test_a_bad_update_leaves_the_rule_as_it_was(world: World) -> None:
    admin = client_for(world.admin)
    rule_id = admin.post(url(world, "automation/rules/"), rule_body(), format="json").json()["id"]

    response = admin.patch(
        url(world, f"automation/rules/{rule_id}/"),
        {"name": "Renamed", "actions": [{"type": "set_priority", "priority": "nope"}]},
        format="json",
    )

    assert response.status_code == 400
    rule = Rule.objects.get(pk=rule_id)
    assert rule.name == "VIP"
    assert rule.actions == [{"type": "set_priority", "priority": "urgent"}]


def test_patch_toggles_active(world: World) -> None:
    admin = client_for(world.admin)
    rule_id = admin.post(url(world, "automation/rules/"), rule_body(), format="json").json()["id"]

    response = admin.patch(
        url(world, f"automation/rules/{rule_id}/"), {"active": False}, format="json"
    )

    assert response.status_code == 200
    assert Rule.objects.get(pk=rule_id).active is False


@pytest.mark.parametrize("role", ["supervisor", "agent"])
def test_only_owners_and_admins_manage_rules(world: World, role: str) -> None:
    client = client_for(world.member(role))

    assert client.get(url(world, "automation/rules/")).status_code == 403
    assert (
        client.post(url(world, "automation/rules/"), rule_body(), format="json").status_code == 403
    )
    assert not Rule.objects.exists()


def test_reorder(world: World) -> None:
    admin = client_for(world.admin)
    a = admin.post(url(world, "automation/rules/"), rule_body(name="a"), format="json").json()["id"]
    b = admin.post(url(world, "automation/rules/"), rule_body(name="b"), format="json").json()["id"]

    moved = admin.post(url(world, "automation/rules/reorder/"), {"order": [b, a]}, format="json")
    partial = admin.post(url(world, "automation/rules/reorder/"), {"order": [a]}, format="json")

    assert moved.status_code == 200
    assert [r["name"] for r in admin.get(url(world, "automation/rules/")).json()] == ["b", "a"]
    assert partial.status_code == 400
    assert [r["name"] for r in admin.get(url(world, "automation/rules/")).json()] == ["b", "a"]


def test_rules_cannot_reference_another_workspace(world: World, other_world: World) -> None:
    their_team = TeamFactory(workspace=other_world.workspace)
    admin = client_for(world.admin)

    by_team = admin.post(
        url(world, "automation/rules/"),
        rule_body(actions=[{"type": "assign_team", "team": their_team.pk}]),
        format="json",
    )
    by_agent = admin.post(
        url(world, "automation/rules/"),
        rule_body(actions=[{"type": "assign_agent", "member": other_world.agent.pk}]),
        format="json",
    )
    by_inbox = admin.post(
        url(world, "automation/rules/"),
        rule_body(conditions=[{"field": "inbox", "op": "is", "value": [other_world.inbox.pk]}]),
        format="json",
    )

    assert by_team.json()["fields"] == {"actions[0].team": "no such team"}
    assert by_agent.json()["fields"] == {"actions[0].member": "no such member"}
    assert by_inbox.json()["fields"] == {"conditions[0].value": "no such inbox"}
    assert not Rule.objects.exists()


def test_another_workspaces_rules_and_macros_are_not_found(
    world: World, other_world: World
) -> None:
    theirs = (
        client_for(other_world.admin)
        .post(url(other_world, "automation/rules/"), rule_body(), format="json")
        .json()["id"]
    )
    macro = (
        client_for(other_world.admin)
        .post(
            url(other_world, "automation/macros/"),
            {"name": "m", "scope": "shared", "actions": [{"type": "add_note", "text": "x"}]},
            format="json",
        )
        .json()["id"]
    )
    admin = client_for(world.admin)

    assert admin.get(url(world, f"automation/rules/{theirs}/")).status_code == 404
    assert admin.delete(url(world, f"automation/rules/{theirs}/")).status_code == 404
    assert admin.get(url(world, "automation/rules/")).json() == []
    assert admin.get(url(world, "automation/macros/")).json() == []
    assert (
        admin.patch(
            url(world, f"automation/macros/{macro}/"), {"name": "x"}, format="json"
        ).status_code
        == 404
    )
    # Nor through the other workspace's URL: not a member there.
    assert admin.get(url(other_world, "automation/rules/")).status_code in (403, 404)
    assert RuleRun.objects.count() == 0
    assert Macro.objects.get(pk=macro).name == "m"


def test_macros_roles_visibility_and_apply(world: World) -> None:
    agent = client_for(world.agent)
    supervisor = client_for(world.supervisor)
    shared = supervisor.post(
        url(world, "automation/macros/"),
        {
            "name": "Urgent",
            "scope": "shared",
            "actions": [{"type": "set_priority", "priority": "urgent"}],
        },
        format="json",
    )
    refused = agent.post(
        url(world, "automation/macros/"),
        {"name": "Mine", "scope": "shared", "actions": [{"type": "add_note", "text": "x"}]},
        format="json",
    )
    personal = agent.post(
        url(world, "automation/macros/"),
        {"name": "Mine", "scope": "personal", "actions": [{"type": "add_note", "text": "x"}]},
        format="json",
    )

    assert shared.status_code == 201
    assert refused.status_code == 403
    assert personal.status_code == 201
    assert {m["name"] for m in agent.get(url(world, "automation/macros/")).json()} == {
        "Urgent",
        "Mine",
    }
    assert {m["name"] for m in supervisor.get(url(world, "automation/macros/")).json()} == {
        "Urgent"
    }
    # Agents apply shared ones, but neither edit nor delete them; nor others' personal ones.
    assert (
        agent.patch(
            url(world, f"automation/macros/{shared.json()['id']}/"), {"name": "x"}, format="json"
        ).status_code
        == 403
    )
    assert (
        supervisor.delete(url(world, f"automation/macros/{personal.json()['id']}/")).status_code
        == 404
    )

    conversation = ConversationFactory(inbox=world.inbox, contact=world.contact)
    applied = agent.post(
        url(world, f"conversations/{conversation.pk}/macros/{shared.json()['id']}/apply/")
    )

    assert applied.status_code == 200
    assert applied.json()["results"] == [
        {"type": "set_priority", "outcome": "applied", "detail": "urgent"}
    ]
    conversation.refresh_from_db()
    assert conversation.priority == Priority.URGENT


def test_applying_to_a_conversation_of_another_workspace_is_not_found(
    world: World, other_world: World
) -> None:
    macro = (
        client_for(world.supervisor)
        .post(
            url(world, "automation/macros/"),
            {
                "name": "m",
                "scope": "shared",
                "actions": [{"type": "set_priority", "priority": "low"}],
            },
            format="json",
        )
        .json()["id"]
    )
    theirs = ConversationFactory(inbox=other_world.inbox, contact=other_world.contact)

    response = client_for(world.supervisor).post(
        url(world, f"conversations/{theirs.pk}/macros/{macro}/apply/")
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.priority == Priority.NORMAL
