"""Erlang B/C against published values.

Erlang B: the classic blocking tables (e.g. the Erlang B table in Freeman, *Telecommunication
System Engineering*, and the many reprints of it) give the load that N trunks carry at 1%
blocking: 1.361 E for 5, 4.461 E for 10, 84.06 E for 100.
Erlang C: the Call Centre Helper worked example ("Erlang C Formula – Made Simple"): 100 calls
in 30 minutes, 180 s handle time = 10 Erlangs; with 11 agents the probability of waiting is
0.6821, and 14 agents are needed for 80% answered in 20 s.
"""

from __future__ import annotations

import math

import pytest

from parley.analytics.mining.erlang import (
    ServiceTarget,
    agents_needed,
    average_speed_of_answer,
    erlang_b,
    erlang_c,
    service_level,
    staffing_plan,
    traffic,
)


@pytest.mark.parametrize(("servers", "load"), [(5, 1.361), (10, 4.461), (100, 84.06)])
def test_erlang_b_matches_the_one_percent_table(servers: int, load: float) -> None:
    assert erlang_b(load, servers) == pytest.approx(0.01, abs=0.0002)


def test_erlang_c_matches_the_worked_example() -> None:
    load = traffic(arrivals=100, handle_seconds=180, interval_seconds=1800)

    assert load == 10
    assert erlang_c(load, 11) == pytest.approx(0.6821, abs=0.0001)
    assert service_level(load, 11, handle_seconds=180, target_seconds=20) == pytest.approx(
        1 - 0.6821 * math.exp(-20 / 180), abs=0.0001
    )
    assert average_speed_of_answer(load, 11, handle_seconds=180) == pytest.approx(
        0.6821 * 180, abs=0.05
    )


def test_erlang_c_agrees_with_the_textbook_sum_for_small_systems() -> None:
    load, servers = 6.0, 10
    top = load**servers / math.factorial(servers) * servers / (servers - load)
    below = sum(load**k / math.factorial(k) for k in range(servers))

    assert erlang_c(load, servers) == pytest.approx(top / (below + top), rel=1e-12)


def test_agents_for_eighty_percent_in_twenty_seconds() -> None:
    target = ServiceTarget(level=0.8, answer_seconds=20)

    agents = agents_needed(arrivals=100, handle_seconds=180, interval_seconds=1800, target=target)

    assert agents == 14
    assert service_level(10, 13, handle_seconds=180, target_seconds=20) < 0.8
    assert service_level(10, 14, handle_seconds=180, target_seconds=20) >= 0.8


def test_large_loads_stay_finite() -> None:
    # 5,000 Erlangs: the textbook sum would need 5000! and overflow.
    waiting = erlang_c(5000.0, 5100)
    agents = agents_needed(
        arrivals=50_000, handle_seconds=360, interval_seconds=3600, target=ServiceTarget()
    )

    assert 0 < waiting < 1
    assert 5000 < agents < 5100


def test_overloaded_queues_always_wait() -> None:
    assert erlang_c(10, 10) == 1.0
    assert service_level(10, 9, handle_seconds=180, target_seconds=20) == 0.0
    assert math.isinf(average_speed_of_answer(10, 10, handle_seconds=180))


def test_chat_concurrency_divides_the_slots_between_agents() -> None:
    target = ServiceTarget(level=0.8, answer_seconds=20)

    chats = agents_needed(
        arrivals=100, handle_seconds=180, interval_seconds=1800, target=target, concurrency=3
    )

    assert chats == math.ceil(14 / 3)


def test_occupancy_cap_adds_agents() -> None:
    capped = ServiceTarget(level=0.8, answer_seconds=20, max_occupancy=0.6)
    agents = agents_needed(arrivals=100, handle_seconds=180, interval_seconds=1800, target=capped)

    assert agents == 17  # 10 Erlangs at no more than 60% occupancy


def test_staffing_plan_per_interval() -> None:
    plan = staffing_plan(
        [0, 100, 50],
        handle_seconds=180,
        interval_seconds=1800,
        target=ServiceTarget(level=0.8, answer_seconds=20),
    )

    assert plan[0] == 0 and plan[1] == 14 and 5 < plan[2] < 14


def test_bad_targets_are_refused() -> None:
    with pytest.raises(ValueError):
        ServiceTarget(level=1.5)
    with pytest.raises(ValueError):
        traffic(arrivals=-1, handle_seconds=1, interval_seconds=1)
