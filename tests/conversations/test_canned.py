"""Canned responses: scopes, visibility, who may manage which, tenant isolation."""

from __future__ import annotations

import pytest

from parley.accounts.models import AuditEvent
from parley.conversations.models import CannedResponse
from tests.conftest import client_for
from tests.factories import TeamFactory


def url(world, suffix=""):
    return f"/api/v1/workspaces/{world.workspace.slug}/canned-responses/{suffix}"


def create(client, world, **body):
    return client.post(
        url(world), {"shortcut": "hi", "title": "Hi", "body": "Hello", **body}, format="json"
    )


def test_each_member_sees_workspace_team_and_own_replies(world):
    support = world.agent.teams.get()
    other_team = TeamFactory(workspace=world.workspace)
    supervisor = client_for(world.supervisor)
    create(supervisor, world, shortcut="all", scope="workspace")
    create(supervisor, world, shortcut="support", scope="team", team=support.pk)
    create(supervisor, world, shortcut="others", scope="team", team=other_team.pk)
    create(client_for(world.agent), world, shortcut="mine")
    create(client_for(world.other_agent), world, shortcut="theirs")
    shortcuts = [c["shortcut"] for c in client_for(world.agent).get(url(world)).json()]
    assert shortcuts == ["all", "mine", "support"]


def test_search_by_shortcut_title_or_body(world):
    client = client_for(world.agent)
    create(client, world, shortcut="refund", title="退款", body="退款会在3-5个工作日内到账")
    create(client, world, shortcut="hello", title="Greeting", body="Hi {{contact.name}}")
    assert [c["shortcut"] for c in client.get(url(world) + "?q=退款").json()] == ["refund"]
    assert [c["shortcut"] for c in client.get(url(world) + "?q=greet").json()] == ["hello"]


def test_agents_manage_only_their_personal_replies(world):
    agent = client_for(world.agent)
    refused = create(agent, world, scope="workspace")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    mine = create(agent, world).json()
    updated = agent.patch(
        url(world, f"{mine['id']}/"),
        {"shortcut": "hi", "title": "Hi", "body": "Hello {{contact.name}}"},
        format="json",
    )
    assert updated.status_code == 200 and updated.json()["body"] == "Hello {{contact.name}}"
    shared = create(client_for(world.admin), world, shortcut="shared", scope="workspace").json()
    assert agent.delete(url(world, f"{shared['id']}/")).status_code == 403
    assert (
        agent.patch(
            url(world, f"{shared['id']}/"),
            {"shortcut": "x", "title": "x", "body": "x", "scope": "personal"},
            format="json",
        ).status_code
        == 403
    )
    assert CannedResponse.objects.get(pk=shared["id"]).shortcut == "shared"
    assert AuditEvent.objects.filter(action="canned.created").count() == 1


def test_someone_elses_personal_reply_is_not_found(world):
    theirs = create(client_for(world.other_agent), world).json()
    agent = client_for(world.agent)
    assert agent.delete(url(world, f"{theirs['id']}/")).status_code == 404
    assert CannedResponse.objects.filter(pk=theirs["id"]).exists()


def test_another_workspaces_replies_and_teams_are_out_of_reach(world, other_world):
    foreign = create(client_for(other_world.admin), other_world, scope="workspace").json()
    admin = client_for(world.admin)
    assert admin.get(url(world)).json() == []
    assert admin.delete(url(world, f"{foreign['id']}/")).status_code == 404
    foreign_team = TeamFactory(workspace=other_world.workspace)
    response = create(admin, world, scope="team", team=foreign_team.pk)
    assert response.status_code == 404


@pytest.mark.parametrize(
    "bad", [{"shortcut": "has space"}, {"body": ""}, {"scope": "galaxy"}, {"scope": "team"}]
)
def test_bad_input_is_a_400(world, bad):
    response = create(client_for(world.admin), world, **bad)
    assert response.status_code == 400
    assert not CannedResponse.objects.exists()


def test_a_patch_changes_only_the_fields_it_names(world):
    admin = client_for(world.admin)
    shared = create(admin, world, shortcut="shared", scope="workspace").json()
    response = admin.patch(url(world, f"{shared['id']}/"), {"body": "Updated"}, format="json")
    assert response.status_code == 200
    assert response.json()["scope"] == "workspace" and response.json()["shortcut"] == "shared"
    assert response.json()["body"] == "Updated"
    assert AuditEvent.objects.filter(action="canned.updated").count() == 1


def test_making_a_shared_reply_personal_is_audited(world):
    admin = client_for(world.admin)
    shared = create(admin, world, shortcut="shared", scope="workspace").json()
    admin.patch(url(world, f"{shared['id']}/"), {"scope": "personal"}, format="json")
    assert AuditEvent.objects.filter(action="canned.updated").count() == 1
