"""Admins configure an inbox: routing, pre-chat form, business hours, origins; checked first."""

from __future__ import annotations

import pytest

from parley.accounts.models import AuditEvent
from tests.conftest import client_for


def url(world, inbox=None):
    return f"/api/v1/workspaces/{world.workspace.slug}/inboxes/{(inbox or world.inbox).pk}/"


def test_an_admin_sets_routing_prechat_hours_and_origins(world):
    response = client_for(world.admin).patch(
        url(world),
        {
            "routing": {"policy": "skills", "topic_skills": {"退款": ["refunds"]}},
            "prechat": {"enabled": True, "fields": ["name", "topic"], "topics": ["退款"]},
            "business_hours": {
                "enabled": True,
                "timezone": "Asia/Shanghai",
                "weekly": {"mon": [["09:00", "18:00"]]},
            },
            "allowed_origins": ["https://shop.example", "http://localhost:8000"],
            "greeting": "您好！",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    world.inbox.refresh_from_db()
    assert world.inbox.settings["routing"]["policy"] == "skills"
    assert world.inbox.settings["prechat"]["topics"] == ["退款"]
    assert world.inbox.settings["business_hours"]["timezone"] == "Asia/Shanghai"
    assert world.inbox.allowed_origins == ["https://shop.example", "http://localhost:8000"]
    assert AuditEvent.objects.filter(action="inbox.configured").exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"routing": {"policy": "coin_flip"}},
        {"prechat": {"fields": ["password"]}},
        {"business_hours": {"enabled": True, "timezone": "Mars/Olympus"}},
        {"allowed_origins": ["javascript:alert(1)"]},
        {"allowed_origins": ["https://shop.example/path"]},
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(world, bad):
    before = dict(world.inbox.settings), list(world.inbox.allowed_origins)
    response = client_for(world.admin).patch(url(world), bad, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    world.inbox.refresh_from_db()
    assert (world.inbox.settings, world.inbox.allowed_origins) == before


@pytest.mark.parametrize("role", ["supervisor", "agent"])
def test_only_admins_configure_inboxes(world, role):
    response = client_for(world.member(role)).patch(
        url(world), {"routing": {"policy": "least_busy"}}, format="json"
    )
    assert response.status_code == 403
    world.inbox.refresh_from_db()
    assert "routing" not in world.inbox.settings


def test_another_workspaces_inbox_is_not_found(world, other_world):
    response = client_for(world.owner).patch(
        url(world, other_world.inbox), {"greeting": "hi"}, format="json"
    )
    assert response.status_code == 404


def test_an_admin_names_the_inboxs_agents_and_teams_within_the_workspace(world, other_world):
    team = world.agent.teams.get()
    admin = client_for(world.admin)
    response = admin.patch(
        url(world), {"agents": [world.agent.pk], "teams": [team.pk]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["agents"] == [world.agent.pk]
    assert response.json()["teams"] == [team.pk]
    foreign = admin.patch(url(world), {"agents": [other_world.agent.pk]}, format="json")
    assert foreign.status_code == 400 and foreign.json()["fields"] == {"agents": "unknown"}
    assert list(world.inbox.agents.values_list("pk", flat=True)) == [world.agent.pk]


def test_the_workspace_default_capacity(world):
    base = f"/api/v1/workspaces/{world.workspace.slug}/routing/settings/"
    assert client_for(world.agent).get(base).json() == {"default_max_concurrent": 5}
    assert (
        client_for(world.supervisor)
        .patch(base, {"default_max_concurrent": 2}, format="json")
        .status_code
        == 403
    )
    response = client_for(world.admin).patch(base, {"default_max_concurrent": 2}, format="json")
    assert response.json() == {"default_max_concurrent": 2}
    assert AuditEvent.objects.filter(action="routing.configured").exists()


def test_every_section_reports_its_problems_at_once_by_path(world):
    response = client_for(world.admin).patch(
        url(world),
        {
            "routing": {"policy": "coin_flip", "sticky_wait_seconds": -5},
            "prechat": {"fields": ["password"]},
            "business_hours": {"enabled": True, "timezone": "Mars/Olympus"},
        },
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert {"routing.policy", "routing.sticky_wait_seconds", "prechat.fields"} <= set(fields)
    assert any(key.startswith("business_hours") for key in fields)
    assert all(isinstance(message, str) for message in fields.values())
