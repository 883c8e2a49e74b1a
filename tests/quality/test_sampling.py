"""The weekly sample: previous ISO week, per agent, only resolved, idempotent, reproducible,
in the workspace's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from parley.accounts.models import AuditEvent
from parley.quality.models import QualitySettings, QueueItem, QueueStatus, SampleRun
from parley.quality.services import review_sample_all, review_sample_week
from parley.quality.services.sampling import pick_sample, previous_week
from tests.conftest import World, client_for
from tests.factories import MemberFactory
from tests.quality.builders import handled_conversation

# Wednesday 2026-11-18, 10:00 UTC: the previous ISO week is Mon 9 – Sun 15 November (W46).
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
LAST_WEEK = datetime(2026, 11, 11, 9, 0, tzinfo=UTC)


def resolved_in(world: World, agent, *, resolved_at: datetime):
    return handled_conversation(
        inbox=world.inbox,
        agent=agent,
        assigned_at=resolved_at - timedelta(minutes=20),
        resolved_after=timedelta(minutes=20),
    )


def queued(world: World) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for item in QueueItem.objects.filter(workspace=world.workspace):
        assert item.agent_id is not None
        out.setdefault(item.agent_id, set()).add(item.conversation_id)
    return out


def test_previous_week_is_the_iso_week_before_in_the_zone() -> None:
    week = previous_week(now=NOW, timezone_name="UTC")
    assert week.start_day == date(2026, 11, 9) and week.label == "2026-W46"
    assert week.end - week.start == timedelta(days=7)
    # Monday 00:30 in Shanghai is still Sunday in UTC: the zone decides which week has ended.
    monday_shanghai = datetime(2026, 11, 16, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert previous_week(now=monday_shanghai, timezone_name="Asia/Shanghai").label == "2026-W46"
    assert previous_week(now=monday_shanghai, timezone_name="UTC").label == "2026-W45"


def test_each_agent_gets_a_sample_of_their_resolved_conversations(world: World) -> None:
    # given: agent resolved 5, other_agent 2 last week
    mine = [
        resolved_in(world, world.agent, resolved_at=LAST_WEEK + timedelta(hours=n))
        for n in range(5)
    ]
    theirs = [
        resolved_in(world, world.other_agent, resolved_at=LAST_WEEK + timedelta(days=n))
        for n in range(2)
    ]
    # when
    picked = review_sample_week(workspace=world.workspace, now=NOW)
    # then: 3 (the default) of the agent's, both of the other's
    sample = queued(world)
    assert picked == 5
    assert len(sample[world.agent.pk]) == 3 and sample[world.agent.pk] <= {c.pk for c in mine}
    assert sample[world.other_agent.pk] == {c.pk for c in theirs}
    assert set(QueueItem.objects.values_list("status", flat=True)) == {QueueStatus.PENDING}
    assert set(QueueItem.objects.values_list("week_start", flat=True)) == {date(2026, 11, 9)}
    assert AuditEvent.objects.get(action="quality.sample_drawn").data["week"] == "2026-W46"


def test_only_resolved_conversations_of_the_previous_week_are_sampled(world: World) -> None:
    in_week = resolved_in(world, world.agent, resolved_at=LAST_WEEK)
    resolved_in(world, world.agent, resolved_at=datetime(2026, 11, 8, 23, 59, tzinfo=UTC))
    resolved_in(world, world.agent, resolved_at=datetime(2026, 11, 16, 0, 1, tzinfo=UTC))
    handled_conversation(inbox=world.inbox, agent=world.agent, assigned_at=LAST_WEEK)  # still open
    handled_conversation(  # nobody handled it
        inbox=world.inbox,
        agent=None,
        assigned_at=LAST_WEEK,
        resolved_after=timedelta(minutes=1),
    )
    review_sample_week(workspace=world.workspace, now=NOW)
    assert queued(world) == {world.agent.pk: {in_week.pk}}


def test_a_second_run_picks_nothing_new(world: World) -> None:
    for n in range(6):
        resolved_in(world, world.agent, resolved_at=LAST_WEEK + timedelta(hours=n))
    assert review_sample_week(workspace=world.workspace, now=NOW) == 3
    # when: the job runs again in the same week (hourly), even after more history appears
    resolved_in(world, world.other_agent, resolved_at=LAST_WEEK)
    again = review_sample_week(workspace=world.workspace, now=NOW + timedelta(hours=1))
    # then
    assert again == 0
    assert QueueItem.objects.count() == 3 and SampleRun.objects.count() == 1


def test_the_sample_is_reproducible(world: World) -> None:
    for n in range(10):
        resolved_in(world, world.agent, resolved_at=LAST_WEEK + timedelta(hours=n))
    review_sample_week(workspace=world.workspace, now=NOW)
    first = queued(world)
    # when: drawn again from scratch
    QueueItem.objects.all().delete()
    SampleRun.objects.all().delete()
    review_sample_week(workspace=world.workspace, now=NOW)
    # then
    assert queued(world) == first


def test_pick_sample_depends_on_the_seed_not_on_the_order() -> None:
    candidates = list(range(100, 140))
    a = pick_sample(candidates=candidates, size=3, seed="1:2026-W46:7")
    assert a == pick_sample(candidates=list(reversed(candidates)), size=3, seed="1:2026-W46:7")
    seeds = {
        tuple(pick_sample(candidates=candidates, size=3, seed=f"1:2026-W{w}:7"))
        for w in range(40, 50)
    }
    assert len(seeds) > 1  # another week, another sample
    assert pick_sample(candidates=[5, 4], size=3, seed="x") == [4, 5]


def test_the_sample_size_is_a_workspace_setting(world: World) -> None:
    QualitySettings.objects.create(workspace=world.workspace, sample_size=1)
    for n in range(4):
        resolved_in(world, world.agent, resolved_at=LAST_WEEK + timedelta(hours=n))
    assert review_sample_week(workspace=world.workspace, now=NOW) == 1


def test_the_week_is_taken_in_the_workspace_time_zone(world: World) -> None:
    # given: a workspace in Shanghai (UTC+8); its W46 runs from Sun 8 Nov 16:00 UTC
    world.workspace.timezone = "Asia/Shanghai"
    world.workspace.save()
    early = resolved_in(world, world.agent, resolved_at=datetime(2026, 11, 8, 17, 0, tzinfo=UTC))
    resolved_in(world, world.agent, resolved_at=datetime(2026, 11, 15, 17, 0, tzinfo=UTC))
    # when
    review_sample_week(workspace=world.workspace, now=NOW)
    # then: Mon 9 Nov 01:00 Shanghai is in, Mon 16 Nov 01:00 Shanghai is not
    assert queued(world) == {world.agent.pk: {early.pk}}


def test_the_job_draws_every_workspace_once(world: World, other_world: World) -> None:
    resolved_in(world, world.agent, resolved_at=LAST_WEEK)
    resolved_in(other_world, other_world.agent, resolved_at=LAST_WEEK)
    assert review_sample_all(now=NOW) == 2
    assert review_sample_all(now=NOW) == 0
    # and each item stays in its own workspace
    for item in QueueItem.objects.select_related("conversation"):
        assert item.conversation.workspace_id == item.workspace_id


@pytest.mark.django_db(transaction=True)
def test_the_periodic_job_is_listed_and_runs(world: World, capsys) -> None:
    # Committed data: the job runner closes old connections, as it does between real runs.
    call_command("jobs", "list")
    assert "quality-weekly-sample" in capsys.readouterr().out
    resolved_in(world, world.agent, resolved_at=datetime.now(UTC) - timedelta(days=7))
    call_command("jobs", "run", "quality-weekly-sample")
    assert "ran quality-weekly-sample" in capsys.readouterr().out
    assert SampleRun.objects.filter(workspace=world.workspace).exists()


QUEUE = "/api/v1/workspaces/{slug}/quality/queue/"


def test_the_queue_shows_pending_items_to_supervisors_only(world: World) -> None:
    for n in range(2):
        resolved_in(world, world.agent, resolved_at=LAST_WEEK + timedelta(hours=n))
    review_sample_week(workspace=world.workspace, now=NOW)
    url = QUEUE.format(slug=world.workspace.slug)
    listed = client_for(world.supervisor).get(url, {"status": "pending"}).json()["results"]
    assert len(listed) == 2 and {i["agent"]["id"] for i in listed} == {world.agent.pk}
    assert listed[0]["week_start"] == "2026-11-09"
    assert client_for(world.agent).get(url).status_code == 403


def test_a_supervisor_skips_a_queue_item(world: World) -> None:
    resolved_in(world, world.agent, resolved_at=LAST_WEEK)
    review_sample_week(workspace=world.workspace, now=NOW)
    item = QueueItem.objects.get()
    url = f"{QUEUE.format(slug=world.workspace.slug)}{item.pk}/skip/"
    assert client_for(world.agent).post(url).status_code == 403
    response = client_for(world.supervisor).post(url)
    assert response.status_code == 200 and response.json()["status"] == "skipped"
    assert client_for(world.supervisor).post(url).status_code == 409
    pending = client_for(world.supervisor).get(
        QUEUE.format(slug=world.workspace.slug), {"status": "pending"}
    )
    assert pending.json()["results"] == []


def test_the_queue_stays_in_its_workspace(world: World, other_world: World) -> None:
    resolved_in(world, world.agent, resolved_at=LAST_WEEK)
    review_sample_week(workspace=world.workspace, now=NOW)
    item = QueueItem.objects.get()
    outsider = client_for(other_world.supervisor)
    assert outsider.get(QUEUE.format(slug=other_world.workspace.slug)).json()["results"] == []
    skip = f"{QUEUE.format(slug=other_world.workspace.slug)}{item.pk}/skip/"
    assert outsider.post(skip).status_code == 404


def test_listing_the_queue_takes_a_fixed_number_of_queries(
    world: World, django_assert_num_queries
) -> None:
    extra = MemberFactory(workspace=world.workspace)
    for agent in (world.agent, world.other_agent, extra):
        for n in range(3):
            resolved_in(world, agent, resolved_at=LAST_WEEK + timedelta(hours=n))
    review_sample_week(workspace=world.workspace, now=NOW)
    client = client_for(world.supervisor)
    with django_assert_num_queries(2):
        response = client.get(QUEUE.format(slug=world.workspace.slug))
    assert len(response.json()["results"]) == 9


SETTINGS = "/api/v1/workspaces/{slug}/quality/settings/"


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("supervisor", 200), ("agent", 403)])
def test_who_changes_the_sample_size(world: World, role: str, status: int) -> None:
    url = SETTINGS.format(slug=world.workspace.slug)
    assert client_for(world.agent).get(url).json() == {"sample_size": 3}
    response = client_for(world.member(role)).patch(url, {"sample_size": 5}, format="json")
    assert response.status_code == status
    expected = 5 if status == 200 else 3
    assert client_for(world.agent).get(url).json() == {"sample_size": expected}


def test_a_bad_sample_size_is_refused(world: World) -> None:
    url = SETTINGS.format(slug=world.workspace.slug)
    response = client_for(world.admin).patch(url, {"sample_size": 99}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert not QualitySettings.objects.exists()
