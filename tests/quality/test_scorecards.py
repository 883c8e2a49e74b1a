"""Scorecards: supervisors define them, edits are versioned, agents only read."""

from __future__ import annotations

import pytest

from parley.accounts.models import AuditEvent
from parley.quality.models import Criterion, Scorecard
from tests.conftest import World, client_for

URL = "/api/v1/workspaces/{slug}/quality/scorecards/"

BODY = {
    "name": "Chat quality",
    "criteria": [
        {"label": "Greeting", "weight": 1},
        {"label": "Accuracy", "description": "Right answer", "weight": 3, "max_score": 4},
        {"label": "No data leak", "weight": 1, "critical": True},
    ],
}


@pytest.mark.parametrize("role", ["owner", "admin", "supervisor"])
def test_supervisors_and_admins_create_scorecards(world: World, role: str) -> None:
    # when
    response = client_for(world.member(role)).post(
        URL.format(slug=world.workspace.slug), BODY, format="json"
    )
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "Chat quality" and body["active"] is True and body["version"] == 1
    assert [(c["label"], c["weight"], c["max_score"], c["critical"]) for c in body["criteria"]] == [
        ("Greeting", 1, 1, False),
        ("Accuracy", 3, 4, False),
        ("No data leak", 1, 1, True),
    ]
    event = AuditEvent.objects.get(action="quality.scorecard_created")
    assert event.actor == world.member(role) and event.target_id == str(body["id"])


def test_an_agent_cannot_create_a_scorecard_but_reads_them(world: World) -> None:
    client_for(world.admin).post(URL.format(slug=world.workspace.slug), BODY, format="json")
    agent = client_for(world.agent)
    # when
    refused = agent.post(
        URL.format(slug=world.workspace.slug), {**BODY, "name": "x"}, format="json"
    )
    listed = agent.get(URL.format(slug=world.workspace.slug))
    # then
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert Scorecard.objects.count() == 1
    assert [s["name"] for s in listed.json()] == ["Chat quality"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"criteria": []}, "criteria"),
        ({"criteria": [{"label": "x", "weight": 0}]}, "criteria"),
        ({"criteria": [{"label": "x", "max_score": 11}]}, "criteria"),
        ({"criteria": [{"label": "   "}]}, "label"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_scorecards_are_refused_and_nothing_is_stored(
    world: World, change: dict, field: str
) -> None:
    response = client_for(world.supervisor).post(
        URL.format(slug=world.workspace.slug), {**BODY, **change}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in str(response.json()["fields"])
    assert not Scorecard.objects.exists() and not Criterion.objects.exists()


def test_a_second_scorecard_of_the_same_name_is_refused(world: World) -> None:
    client = client_for(world.supervisor)
    client.post(URL.format(slug=world.workspace.slug), BODY, format="json")
    again = client.post(URL.format(slug=world.workspace.slug), BODY, format="json")
    assert again.status_code == 400 and again.json()["fields"] == {"name": "already used"}


def test_editing_criteria_makes_a_new_version(world: World) -> None:
    client = client_for(world.supervisor)
    created = client.post(URL.format(slug=world.workspace.slug), BODY, format="json").json()
    # when
    response = client.patch(
        f"{URL.format(slug=world.workspace.slug)}{created['id']}/",
        {"criteria": [{"label": "Empathy", "weight": 2, "max_score": 5}], "active": False},
        format="json",
    )
    # then
    body = response.json()
    assert response.status_code == 200
    assert body["version"] == 2 and body["active"] is False
    assert [c["label"] for c in body["criteria"]] == ["Empathy"]
    assert AuditEvent.objects.filter(action="quality.scorecard_updated").count() == 1


def test_renaming_keeps_the_version(world: World) -> None:
    client = client_for(world.supervisor)
    created = client.post(URL.format(slug=world.workspace.slug), BODY, format="json").json()
    body = client.patch(
        f"{URL.format(slug=world.workspace.slug)}{created['id']}/", {"name": "Chats"}, format="json"
    ).json()
    assert body["name"] == "Chats" and body["version"] == 1 and len(body["criteria"]) == 3


def test_an_agent_cannot_edit_a_scorecard(world: World) -> None:
    created = (
        client_for(world.admin)
        .post(URL.format(slug=world.workspace.slug), BODY, format="json")
        .json()
    )
    response = client_for(world.agent).patch(
        f"{URL.format(slug=world.workspace.slug)}{created['id']}/", {"name": "x"}, format="json"
    )
    assert response.status_code == 403
    assert Scorecard.objects.get().name == "Chat quality"


def test_another_workspace_never_sees_or_edits_a_scorecard(
    world: World, other_world: World
) -> None:
    created = (
        client_for(world.admin)
        .post(URL.format(slug=world.workspace.slug), BODY, format="json")
        .json()
    )
    outsider = client_for(other_world.admin)
    assert outsider.get(URL.format(slug=other_world.workspace.slug)).json() == []
    detail = f"{URL.format(slug=other_world.workspace.slug)}{created['id']}/"
    assert outsider.get(detail).status_code == 404
    assert outsider.patch(detail, {"name": "mine"}, format="json").status_code == 404
    # and their own slug in the URL of ours does not help
    assert outsider.get(URL.format(slug=world.workspace.slug)).status_code in (403, 404)
    assert Scorecard.objects.get().name == "Chat quality"


def test_listing_scorecards_takes_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries
) -> None:
    client = client_for(world.admin)
    for n in range(5):
        client.post(URL.format(slug=world.workspace.slug), {**BODY, "name": f"S{n}"}, format="json")
    with django_assert_max_num_queries(6):
        response = client.get(URL.format(slug=world.workspace.slug))
    assert len(response.json()) == 5
