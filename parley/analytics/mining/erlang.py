"""Erlang C: how many agents an interval needs for a service-level target.

Calls (or chats) arrive at random (Poisson), wait in one queue, and are served by ``agents`` in
an exponentially distributed handle time (M/M/c). With offered traffic A = arrivals × handle
time / interval length, in Erlangs:

* Erlang B, the blocking probability, by its recursion B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)).
  It never forms Aⁿ or n!, so it stays exact for loads of thousands of Erlangs where the
  textbook sum overflows;
* Erlang C, the probability of waiting, from B: C = N·B / (N − A·(1 − B)) for N > A;
* service level: the share answered within ``target_seconds``,
  SL = 1 − C·exp(−(N − A)·t / handle time);
* average speed of answer: ASA = C·handle time / (N − A).

Chat: an agent holds ``concurrency`` chats at once, so a chat slot is the server; the slots
needed come from Erlang C with the handle time of one chat and the agents are that many slots
divided by the concurrency, rounded up. (It treats slots as independent, which is optimistic
when one agent's chats slow each other down; give the chat handle time as observed at that
concurrency.)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


def traffic(*, arrivals: float, handle_seconds: float, interval_seconds: float) -> float:
    """Offered load in Erlangs: the average number of contacts in service at once."""
    if arrivals < 0 or handle_seconds <= 0 or interval_seconds <= 0:
        raise ValueError("arrivals must be ≥ 0, handle and interval times > 0")
    return arrivals * handle_seconds / interval_seconds


def erlang_b(load: float, servers: int) -> float:
    """Probability that an arrival finds all ``servers`` busy in a loss system (Erlang B)."""
    if load < 0 or servers < 0:
        raise ValueError("load and servers must be ≥ 0")
    blocking = 1.0
    for n in range(1, servers + 1):
        blocking = load * blocking / (n + load * blocking)
    return blocking


def erlang_c(load: float, servers: int) -> float:
    """Probability that an arrival has to wait (Erlang C); 1 when the queue cannot keep up."""
    if servers <= load:
        return 1.0
    blocking = erlang_b(load, servers)
    return servers * blocking / (servers - load * (1 - blocking))


def service_level(
    load: float, servers: int, *, handle_seconds: float, target_seconds: float
) -> float:
    """Share of contacts answered within ``target_seconds``."""
    if servers <= load:
        return 0.0
    waiting = erlang_c(load, servers)
    return max(0.0, 1 - waiting * math.exp(-(servers - load) * target_seconds / handle_seconds))


def average_speed_of_answer(load: float, servers: int, *, handle_seconds: float) -> float:
    """Mean wait in seconds over all contacts (infinite when the queue cannot keep up)."""
    if servers <= load:
        return math.inf
    return erlang_c(load, servers) * handle_seconds / (servers - load)


@dataclass(frozen=True)
class ServiceTarget:
    """E.g. 80% answered within 20 s: ``ServiceTarget(level=0.8, answer_seconds=20)``."""

    level: float = 0.8
    answer_seconds: float = 20.0
    max_occupancy: float = 1.0  # e.g. 0.85 to leave agents breathing room

    def __post_init__(self) -> None:
        if not 0 < self.level < 1 or self.answer_seconds < 0 or not 0 < self.max_occupancy <= 1:
            raise ValueError("level in (0, 1), answer_seconds ≥ 0, max_occupancy in (0, 1]")


def servers_needed(load: float, *, handle_seconds: float, target: ServiceTarget) -> int:
    """The fewest servers meeting ``target`` (0 when nothing arrives)."""
    if load <= 0:
        return 0
    servers = max(math.floor(load) + 1, math.ceil(load / target.max_occupancy))
    while (
        service_level(
            load, servers, handle_seconds=handle_seconds, target_seconds=target.answer_seconds
        )
        < target.level
    ):
        servers += 1
    return servers


def agents_needed(
    *,
    arrivals: float,
    handle_seconds: float,
    interval_seconds: float,
    target: ServiceTarget,
    concurrency: int = 1,
) -> int:
    """Agents an interval with ``arrivals`` contacts needs; ``concurrency`` > 1 for chat."""
    if concurrency < 1:
        raise ValueError("concurrency must be ≥ 1")
    load = traffic(
        arrivals=arrivals, handle_seconds=handle_seconds, interval_seconds=interval_seconds
    )
    slots = servers_needed(load, handle_seconds=handle_seconds, target=target)
    return math.ceil(slots / concurrency)


def staffing_plan(
    arrivals: Iterable[float],
    *,
    handle_seconds: float,
    interval_seconds: float,
    target: ServiceTarget,
    concurrency: int = 1,
) -> list[int]:
    """Agents needed for each interval of a forecast (pass the forecast's mean, not a
    quantile: Erlang C already accounts for the randomness of arrivals within an interval)."""
    return [
        agents_needed(
            arrivals=value,
            handle_seconds=handle_seconds,
            interval_seconds=interval_seconds,
            target=target,
            concurrency=concurrency,
        )
        for value in arrivals
    ]
