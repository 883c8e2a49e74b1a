"""Reviews: supervisors score resolved conversations; agents see their own reviews only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from parley.accounts.models import AuditEvent
from parley.quality.models import QueueItem, QueueStatus, Review, Scorecard
from parley.quality.services import CriterionInput, scorecard_update
from tests.conftest import World, client_for
from tests.quality.builders import handled_conversation, make_scorecard

REVIEWS = "/api/v1/workspaces/{slug}/quality/reviews/"


def scores(scorecard: Scorecard, *values: int) -> list[dict[str, Any]]:
    return [
        {"criterion": c.pk, "score": v, "comment": f"c{i}"}
        for i, (c, v) in enumerate(zip(scorecard.criteria.all(), values, strict=True))
    ]


@pytest.fixture
def resolved(world: World):
    return handled_conversation(
        inbox=world.inbox,
        agent=world.agent,
        assigned_at=timezone.now() - timedelta(hours=2),
        first_response_after=timedelta(minutes=1),
        resolved_after=timedelta(minutes=30),
    )


def post_review(world: World, member, conversation, scorecard, *values: int, **extra: Any):
    return client_for(member).post(
        REVIEWS.format(slug=world.workspace.slug),
        {
            "conversation": conversation.pk,
            "scorecard": scorecard.pk,
            "scores": scores(scorecard, *values),
            **extra,
        },
        format="json",
    )


def test_a_supervisor_scores_a_resolved_conversation(world: World, resolved) -> None:
    scorecard = make_scorecard(world.admin)
    # when
    response = post_review(world, world.supervisor, resolved, scorecard, 1, 2, 1, comment="Good")
    # then: 100 × (1 + 3 × 2/4 + 1) / 5
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["score"] == 70.0 and body["critical_failed"] is False
    assert body["agent"]["id"] == world.agent.pk
    assert body["reviewer"]["id"] == world.supervisor.pk
    assert body["conversation"]["id"] == resolved.pk
    assert body["scorecard"] == {"id": scorecard.pk, "name": "Chat quality", "version": 1}
    assert [(c["label"], c["score"], c["comment"]) for c in body["criteria"]] == [
        ("Greeting", 1, "c0"),
        ("Accuracy", 2, "c1"),
        ("No data leak", 1, "c2"),
    ]
    event = AuditEvent.objects.get(action="quality.review_created")
    assert event.actor == world.supervisor and event.data["score"] == 70.0


def test_a_failed_critical_criterion_makes_the_review_zero(world: World, resolved) -> None:
    scorecard = make_scorecard(world.admin)
    body = post_review(world, world.supervisor, resolved, scorecard, 1, 4, 0).json()
    assert body["score"] == 0.0 and body["critical_failed"] is True


def test_editing_the_scorecard_does_not_change_past_reviews(world: World, resolved) -> None:
    scorecard = make_scorecard(world.admin)
    review_id = post_review(world, world.supervisor, resolved, scorecard, 1, 2, 1).json()["id"]
    # when: the scorecard's criteria are replaced (version 2)
    scorecard_update(
        actor=world.admin,
        scorecard=scorecard,
        name="Renamed",
        criteria=[CriterionInput(label="Only this", weight=9, max_score=2)],
    )
    # then: the review still shows and is scored against what it was made with
    client = client_for(world.supervisor)
    url = f"{REVIEWS.format(slug=world.workspace.slug)}{review_id}/"
    body = client.get(url).json()
    assert body["scorecard"]["version"] == 1 and body["scorecard"]["name"] == "Chat quality"
    assert [c["label"] for c in body["criteria"]] == ["Greeting", "Accuracy", "No data leak"]
    old_ids = [c["id"] for c in body["criteria"]]
    # and rescoring it uses the snapshot's criteria
    changed = client.patch(
        url,
        {"scores": [{"criterion": i, "score": s} for i, s in zip(old_ids, [1, 4, 1], strict=True)]},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["score"] == 100.0
    assert changed.json()["scorecard"]["version"] == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [((1, 5, 1), "scores"), ((1, 2), "scores"), ((1, -1, 1), "scores")],
)
def test_bad_scores_are_refused_and_nothing_is_stored(
    world: World, resolved, values: tuple[int, ...], field: str
) -> None:
    scorecard = make_scorecard(world.admin)
    criteria = list(scorecard.criteria.all())
    payload = [{"criterion": c.pk, "score": v} for c, v in zip(criteria, values, strict=False)]
    response = client_for(world.supervisor).post(
        REVIEWS.format(slug=world.workspace.slug),
        {"conversation": resolved.pk, "scorecard": scorecard.pk, "scores": payload},
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert field in response.json()["fields"]
    assert not Review.objects.exists()


def test_a_criterion_scored_twice_is_refused(world: World, resolved) -> None:
    scorecard = make_scorecard(world.admin)
    first = scorecard.criteria.first()
    assert first is not None
    payload = [{"criterion": first.pk, "score": 1}] * 3
    response = client_for(world.supervisor).post(
        REVIEWS.format(slug=world.workspace.slug),
        {"conversation": resolved.pk, "scorecard": scorecard.pk, "scores": payload},
        format="json",
    )
    assert response.status_code == 400 and not Review.objects.exists()


def test_an_open_conversation_cannot_be_reviewed(world: World) -> None:
    scorecard = make_scorecard(world.admin)
    open_one = handled_conversation(
        inbox=world.inbox, agent=world.agent, assigned_at=timezone.now()
    )
    response = post_review(world, world.supervisor, open_one, scorecard, 1, 1, 1)
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_a_conversation_is_reviewed_once_per_scorecard(world: World, resolved) -> None:
    scorecard = make_scorecard(world.admin)
    post_review(world, world.supervisor, resolved, scorecard, 1, 1, 1)
    again = post_review(world, world.admin, resolved, scorecard, 0, 0, 0)
    assert again.status_code == 409
    assert Review.objects.get().score == pytest.approx(100 * (1 + 3 * 0.25 + 1) / 5, abs=0.01)


def test_an_inactive_scorecard_is_not_used(world: World, resolved) -> None:
    scorecard = make_scorecard(world.admin)
    scorecard_update(actor=world.admin, scorecard=scorecard, active=False)
    response = post_review(world, world.supervisor, resolved, scorecard, 1, 1, 1)
    assert response.status_code == 400 and response.json()["fields"] == {"scorecard": "inactive"}


def test_an_agent_cannot_review(world: World) -> None:
    scorecard = make_scorecard(world.admin)
    mine = handled_conversation(
        inbox=world.inbox,
        agent=world.other_agent,
        assigned_at=timezone.now() - timedelta(hours=1),
        resolved_after=timedelta(minutes=5),
    )
    response = post_review(world, world.agent, mine, scorecard, 1, 1, 1)
    assert response.status_code == 403 and not Review.objects.exists()


def test_nobody_reviews_their_own_work(world: World) -> None:
    scorecard = make_scorecard(world.admin)
    own = handled_conversation(
        inbox=world.inbox,
        agent=world.supervisor,
        assigned_at=timezone.now() - timedelta(hours=1),
        resolved_after=timedelta(minutes=5),
    )
    response = post_review(world, world.supervisor, own, scorecard, 1, 1, 1)
    assert response.status_code == 403


def test_agents_see_only_their_own_reviews(world: World, resolved) -> None:
    scorecard = make_scorecard(world.admin)
    other = handled_conversation(
        inbox=world.inbox,
        agent=world.other_agent,
        assigned_at=timezone.now() - timedelta(hours=1),
        resolved_after=timedelta(minutes=5),
    )
    mine_id = post_review(world, world.supervisor, resolved, scorecard, 1, 1, 1).json()["id"]
    theirs_id = post_review(world, world.supervisor, other, scorecard, 1, 1, 1).json()["id"]
    url = REVIEWS.format(slug=world.workspace.slug)
    # when / then
    agent = client_for(world.agent)
    assert [r["id"] for r in agent.get(url).json()["results"]] == [mine_id]
    assert [
        r["id"] for r in agent.get(url, {"agent": world.other_agent.pk}).json()["results"]
    ] == []
    assert agent.get(f"{url}{theirs_id}/").status_code == 404
    assert agent.get(f"{url}{mine_id}/").json()["conversation"]["id"] == resolved.pk
    assert (
        agent.patch(f"{url}{mine_id}/", {"comment": "I disagree"}, format="json").status_code == 403
    )
    # and supervisors see both
    listed = client_for(world.supervisor).get(url).json()["results"]
    assert sorted(r["id"] for r in listed) == sorted([mine_id, theirs_id])
    assert [
        r["id"] for r in client_for(world.admin).get(url, {"agent": "me"}).json()["results"]
    ] == []


def test_reviews_stay_in_their_workspace(world: World, resolved, other_world: World) -> None:
    scorecard = make_scorecard(world.admin)
    review_id = post_review(world, world.supervisor, resolved, scorecard, 1, 1, 1).json()["id"]
    outsider = client_for(other_world.supervisor)
    url = REVIEWS.format(slug=other_world.workspace.slug)
    assert outsider.get(url).json()["results"] == []
    assert outsider.get(f"{url}{review_id}/").status_code == 404
    # nor can they review our conversation with our scorecard, or with theirs
    theirs = make_scorecard(other_world.admin)
    cross = outsider.post(
        url,
        {"conversation": resolved.pk, "scorecard": theirs.pk, "scores": scores(theirs, 1, 1, 1)},
        format="json",
    )
    assert cross.status_code == 404
    assert Review.objects.count() == 1


def test_completing_a_review_marks_its_queue_item_done(world: World, resolved) -> None:
    scorecard = make_scorecard(world.admin)
    item = QueueItem.objects.create(
        workspace=world.workspace,
        conversation=resolved,
        agent=world.agent,
        week_start=timezone.now().date(),
    )
    review_id = post_review(world, world.supervisor, resolved, scorecard, 1, 1, 1).json()["id"]
    item.refresh_from_db()
    assert item.status == QueueStatus.DONE and item.review_id == review_id
    assert item.completed_at is not None


def test_listing_reviews_takes_a_fixed_number_of_queries(
    world: World, django_assert_num_queries
) -> None:
    scorecard = make_scorecard(world.admin)
    for n in range(6):
        conversation = handled_conversation(
            inbox=world.inbox,
            agent=world.agent if n % 2 else world.other_agent,
            assigned_at=timezone.now() - timedelta(hours=3),
            resolved_after=timedelta(minutes=n + 1),
        )
        post_review(world, world.supervisor, conversation, scorecard, 1, 1, 1)
    client = client_for(world.supervisor)
    url = REVIEWS.format(slug=world.workspace.slug)
    # membership lookup, then one query for the page (everything joined)
    with django_assert_num_queries(2):
        response = client.get(url)
    assert len(response.json()["results"]) == 6
