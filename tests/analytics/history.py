"""A generated history of several agents and teams, and the KPIs computed from it directly in
Python: what the grouped queries must agree with."""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from parley.accounts.models import Member, Team
from parley.conversations.models import Conversation, CsatResponse
from parley.quality.models import Review
from parley.quality.services import ScoreInput, review_create
from tests.conftest import World
from tests.factories import MemberFactory, TeamFactory
from tests.quality.builders import handled_conversation, make_scorecard, rate


@dataclass
class History:
    agents: list[Member]
    teams: list[Team]
    conversations: list[Conversation] = field(default_factory=list)
    ratings: list[CsatResponse] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)


def generate(
    world: World, *, start: datetime, days: int, seed: int = 7, agents: int = 3
) -> History:
    """Conversations from a week before ``start`` to a week after the period, so some fall
    outside it; about half answered in time, some answered before assignment, some never;
    two thirds resolved; CSAT on some resolved ones; reviews of some."""
    rng = random.Random(seed)
    team_a = world.agent.teams.get()
    team_b = TeamFactory(workspace=world.workspace, name="Complaints")
    people = [world.agent, world.other_agent] + [
        MemberFactory(workspace=world.workspace) for _ in range(agents - 2)
    ]
    history = History(agents=people, teams=[team_a, team_b])
    scorecard = make_scorecard(world.admin, name=f"History {seed}")
    criteria = list(scorecard.criteria.all())
    for _ in range(60):
        agent = rng.choice(people)
        assigned_at = start + timedelta(seconds=rng.randint(-7 * 86400, (days + 7) * 86400))
        first = rng.choice(
            [None, timedelta(seconds=-30)] + [timedelta(seconds=rng.randint(5, 900))] * 4
        )
        resolved = timedelta(seconds=rng.randint(60, 7200)) if rng.random() < 0.66 else None
        conversation = handled_conversation(
            inbox=world.inbox,
            agent=agent,
            team=rng.choice([team_a, team_b, None]),
            assigned_at=assigned_at,
            first_response_after=first,
            resolved_after=resolved,
        )
        history.conversations.append(conversation)
        if resolved is not None and rng.random() < 0.6:
            history.ratings.append(rate(conversation, rng.randint(1, 5)))
        if resolved is not None and rng.random() < 0.4:
            review = review_create(
                actor=world.supervisor,
                conversation=conversation,
                scorecard=scorecard,
                scores=[
                    ScoreInput(criterion=c.pk, score=rng.randint(0, c.max_score)) for c in criteria
                ],
            )
            made_at = conversation.resolved_at + timedelta(hours=rng.randint(1, 48))  # type: ignore[operator]
            Review.objects.filter(pk=review.pk).update(created_at=made_at)
            review.refresh_from_db()
            history.reviews.append(review)
    return history


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 1) if values else None


def _durations(pairs: list[tuple[datetime | None, datetime | None]]) -> list[float]:
    """Seconds from each start to its end, where the end exists and is not before the start."""
    return [
        (end - start).total_seconds()
        for start, end in pairs
        if start is not None and end is not None and end >= start
    ]


def expected_kpis(
    history: History, *, start: datetime, end: datetime, by: str
) -> dict[int, dict[str, object]]:
    """Every figure, per member or team id, computed one conversation at a time."""

    def key(c: Conversation | CsatResponse) -> int | None:
        return c.assignee_id if by == "member" else c.team_id

    out: dict[int, dict[str, object]] = {}
    groups = {key(c) for c in history.conversations} | {key(r) for r in history.ratings}
    groups |= {r.agent_id if by == "member" else r.conversation.team_id for r in history.reviews}
    for group in groups - {None}:
        assert group is not None
        cohort = [
            c
            for c in history.conversations
            if key(c) == group and c.assigned_at is not None and start <= c.assigned_at < end
        ]
        firsts = _durations([(c.assigned_at, c.first_response_at) for c in cohort])
        handled = _durations([(c.assigned_at, c.resolved_at) for c in cohort])
        ratings = [
            r.rating
            for r in history.ratings
            if key(r) == group and start <= r.resolved_at < end and r.rating is not None
        ]
        scores = [
            r.score
            for r in history.reviews
            if (r.agent_id if by == "member" else r.conversation.team_id) == group
            and start <= r.created_at < end
        ]
        out[group] = {
            "handled": len(cohort),
            "resolved": sum(1 for c in cohort if c.resolved_at is not None),
            "first_median": _median(firsts),
            "first_mean": _mean(firsts),
            "handling_median": _median(handled),
            "handling_mean": _mean(handled),
            "csat_average": round(statistics.fmean(ratings), 2) if ratings else None,
            "csat_responses": len(ratings),
            "csat_satisfied": sum(1 for r in ratings if r >= 4),
            "qa_average": round(statistics.fmean(scores), 2) if scores else None,
            "qa_reviews": len(scores),
        }
    return out
