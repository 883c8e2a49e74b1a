"""Each routing policy's choice, over plain facts (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from parley.routing.choose import choose, least_busy, round_robin
from parley.routing.policy import Policy, RoutingSettings, parse_routing_settings
from parley.routing.selectors import Agent

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def agent(pk, *, load=0, capacity=3, skills=None, online=True, connected=True, last=None):
    return Agent(
        member=SimpleNamespace(pk=pk),  # type: ignore[arg-type]
        availability="online" if online else "away",
        connected=connected,
        load=load,
        capacity=capacity,
        skills=skills or {},
        last_assigned_at=last,
    )


def pk_of(chosen: Agent | None) -> int | None:
    return chosen.member.pk if chosen is not None else None


def pick(policy, agents, **kwargs):
    settings = RoutingSettings(
        policy=policy, topic_skills={"refund": ["refunds"]}, sticky_wait_seconds=120
    )
    choice = choose(
        settings=settings,
        agents=agents,
        topic=kwargs.pop("topic", ""),
        queued_at=kwargs.pop("queued_at", NOW),
        now=NOW,
        **kwargs,
    )
    return choice.agent.member.pk if choice.agent else None


def test_manual_never_picks():
    assert pick(Policy.MANUAL, [agent(1)]) is None


def test_least_busy_by_share_of_capacity_then_longest_idle_then_id():
    assert pk_of(least_busy([agent(1, load=2, capacity=3), agent(2, load=1, capacity=3)])) == 2
    assert pk_of(least_busy([agent(1, load=1, capacity=2), agent(2, load=1, capacity=4)])) == 2
    earlier, later = NOW - timedelta(hours=1), NOW - timedelta(minutes=1)
    assert pk_of(least_busy([agent(1, last=later), agent(2, last=earlier)])) == 2
    assert pk_of(least_busy([agent(2), agent(1)])) == 1


def test_nobody_is_picked_who_is_full_away_or_disconnected():
    agents = [agent(1, load=3, capacity=3), agent(2, online=False), agent(3, connected=False)]
    for policy in (Policy.LEAST_BUSY, Policy.ROUND_ROBIN, Policy.SKILLS, Policy.STICKY):
        assert pick(policy, agents) is None


def test_round_robin_goes_round():
    agents = [agent(3), agent(1), agent(2)]
    assert pk_of(round_robin(agents, None)) == 1
    assert pk_of(round_robin(agents, 1)) == 2
    assert pk_of(round_robin(agents, 3)) == 1
    agents[2] = agent(2, load=3, capacity=3)  # full: skipped
    assert pk_of(round_robin(agents, 1)) == 3


def test_skills_pick_the_most_skilled_free_agent():
    agents = [agent(1), agent(2, skills={"refunds": 1}), agent(3, skills={"refunds": 3})]
    assert pick(Policy.SKILLS, agents, topic="refund") == 3
    assert pick(Policy.SKILLS, agents, topic="") == 1  # no skill needed: least busy, then id


def test_skills_wait_for_a_busy_skilled_agent_but_not_for_an_absent_one():
    busy_skilled = [agent(1), agent(2, skills={"refunds": 2}, load=3, capacity=3)]
    assert pick(Policy.SKILLS, busy_skilled, topic="refund") is None
    absent_skilled = [agent(1), agent(2, skills={"refunds": 2}, connected=False)]
    assert pick(Policy.SKILLS, absent_skilled, topic="refund") == 1


def test_sticky_prefers_the_previous_agent_within_the_wait():
    agents = [agent(1), agent(2, load=3, capacity=3)]
    assert pick(Policy.STICKY, [agent(1), agent(2)], previous_agent_id=2) == 2
    assert pick(Policy.STICKY, agents, previous_agent_id=2) is None  # wait for them
    long_ago = NOW - timedelta(seconds=121)
    assert pick(Policy.STICKY, agents, previous_agent_id=2, queued_at=long_ago) == 1
    assert pick(Policy.STICKY, [agent(1), agent(2, connected=False)], previous_agent_id=2) == 1


def test_settings_are_checked():
    import pytest

    from parley.errors import ApplicationError

    assert parse_routing_settings({}).policy == Policy.MANUAL
    assert parse_routing_settings({"policy": "skills", "topic_skills": {"a": ["b"]}}).skills_for(
        "a"
    ) == ["b"]
    for bad in (
        {"policy": "random"},
        {"topic_skills": {"a": "b"}},
        {"sticky_wait_seconds": -1},
        {"queue_timeout_seconds": True},
    ):
        with pytest.raises(ApplicationError):
            parse_routing_settings(bad)
