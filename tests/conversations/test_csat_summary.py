"""CSAT results carry the satisfied share (ratings 4–5), per agent, team and inbox."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from parley.conversations.selectors import csat_summary
from tests.conftest import World, client_for
from tests.quality.builders import handled_conversation, rate


def rated(world: World, agent, rating: int, team=None) -> None:
    conversation = handled_conversation(
        inbox=world.inbox,
        agent=agent,
        team=team,
        assigned_at=timezone.now() - timedelta(hours=2),
        resolved_after=timedelta(minutes=10),
    )
    rate(conversation, rating)


def test_results_give_the_satisfied_count_and_share(world: World) -> None:
    for rating in (5, 4, 2):
        rated(world, world.agent, rating)
    rated(world, world.other_agent, 1)
    response = client_for(world.supervisor).get(
        f"/api/v1/workspaces/{world.workspace.slug}/csat/", {"group_by": "agent"}
    )
    body = response.json()
    mine = next(r for r in body["results"] if r["key"]["id"] == world.agent.pk)
    assert mine["satisfied"] == 2 and mine["satisfied_percent"] == 66.7
    assert body["totals"]["satisfied"] == 2 and body["totals"]["satisfied_percent"] == 50.0


def test_summary_per_team_and_inbox_in_one_query(world: World, django_assert_num_queries) -> None:
    team = world.agent.teams.get()
    rated(world, world.agent, 5, team=team)
    rated(world, world.agent, 3, team=team)
    rated(world, world.other_agent, 4)
    now = timezone.now()
    with django_assert_num_queries(1):
        teams = csat_summary(
            workspace_id=world.workspace.pk, start=now - timedelta(days=1), end=now, group_by="team"
        )
    assert set(teams) == {team.pk}
    assert teams[team.pk].average == 4.0 and teams[team.pk].satisfied == 1
    inboxes = csat_summary(
        workspace_id=world.workspace.pk, start=now - timedelta(days=1), end=now, group_by="inbox"
    )
    assert inboxes[world.inbox.pk].responses == 3
