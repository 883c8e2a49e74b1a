"""The Sentiment API: who may read it and switch models, what it returns from the rollups and
the stored sentiment, tenant isolation, and bad input refused with nothing changed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from parley.accounts.models import AuditEvent
from parley.analytics.models import SentimentModelVersion
from parley.analytics.rollups import rollups_fill
from parley.analytics.sentiment.versions import sentiment_model_train
from parley.conversations.models import Conversation
from parley.conversations.services import contact_message_send
from tests.analytics.sentiment.conftest import NEGATIVE, NEUTRAL_OR_BETTER
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db


def _url(world: World, tail: str = "") -> str:
    return f"/api/v1/workspaces/{world.workspace.slug}/analytics/sentiment/{tail}"


@pytest.mark.parametrize(
    ("role", "status"), [("owner", 200), ("admin", 200), ("supervisor", 200), ("agent", 403)]
)
@pytest.mark.parametrize("tail", ["", "negative/", "models/"])
def test_supervisors_and_up_read_sentiment(world: World, role: str, status: int, tail: str) -> None:
    response = client_for(world.member(role)).get(_url(world, tail))
    assert response.status_code == status
    if status == 403:
        assert response.json()["code"] == "permission_denied"


def test_the_overview_reads_rollups_and_stored_sentiment(
    world: World, customer_writes: Callable[..., Conversation], score_now: Callable[[], int]
) -> None:
    conversation = customer_writes(NEGATIVE[0])
    for text in NEGATIVE[1:3] + NEUTRAL_OR_BETTER:
        customer_writes(text, conversation.pk)
    score_now()
    rollups_fill(now=timezone.now())

    body = client_for(world.supervisor).get(_url(world)).json()

    today = [d for d in body["trend"] if d["scored"]]
    assert len(today) == 1
    assert (today[0]["scored"], today[0]["negative"]) == (5, 3)
    assert today[0]["negative_share"] == 0.6
    assert body["shares"]["total"] == 1
    assert sum(body["shares"]["counts"].values()) == 1
    assert set(body["satisfaction"]) == {"by_label", "by_band", "by_week"}


def test_negative_open_conversations_of_this_workspace_only(
    world: World,
    other_world: World,
    customer_writes: Callable[..., Conversation],
    score_now: Callable[[], int],
) -> None:
    mine = customer_writes(NEGATIVE[0])
    customer_writes(NEGATIVE[1], mine.pk)
    contact_message_send(
        contact=other_world.contact,
        inbox=other_world.inbox,
        conversation_id=None,
        body=NEGATIVE[2],
        client_id=None,
    )
    score_now()
    client = client_for(world.supervisor)

    rows = client.get(_url(world, "negative/")).json()["results"]
    assert [r["conversation"] for r in rows] == [mine.pk]
    assert rows[0]["contact"]["id"] == world.contact.pk
    assert rows[0]["turned_negative_at"] is not None
    # Another tenant's inbox as a filter finds nothing of theirs.
    other = client.get(_url(world, "negative/"), {"inbox": other_world.inbox.pk}).json()
    assert other["results"] == []
    overview = client.get(_url(world), {"inbox": other_world.inbox.pk}).json()
    assert overview["shares"]["total"] == 0


@pytest.mark.parametrize(
    "params",
    [{"from": "yesterday"}, {"from": "2026-11-10", "to": "2026-11-01"}, {"inbox": "x"}],
)
def test_bad_filters_are_refused(world: World, params: dict[str, str]) -> None:
    response = client_for(world.supervisor).get(_url(world), params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_admins_switch_the_active_model_and_it_is_audited(world: World, tmp_path) -> None:
    reviews = tmp_path / "reviews.csv"
    reviews.write_text(
        "label,review\n"
        + "".join(f"1,味道很好，送得也快 {i}\n0,太难吃了，送得还慢 {i}\n" for i in range(10)),
        encoding="utf-8",
    )
    first = sentiment_model_train(workspace=world.workspace)
    second = sentiment_model_train(workspace=world.workspace, paths=[reviews])
    assert (first.version, second.version) == (1, 2)
    assert list(
        SentimentModelVersion.objects.filter(workspace=world.workspace, active=True).values_list(
            "version", flat=True
        )
    ) == [2]

    listed = client_for(world.supervisor).get(_url(world, "models/")).json()["results"]
    assert [(v["version"], v["active"]) for v in listed] == [(2, True), (1, False)]
    assert listed[0]["sources"] == ["seed", "reviews.csv"]
    assert "artifact" not in listed[0]

    refused = client_for(world.supervisor).post(_url(world, "models/1/activate/"))
    assert refused.status_code == 403
    missing = client_for(world.admin).post(_url(world, "models/9/activate/"))
    assert missing.status_code == 404
    assert SentimentModelVersion.objects.get(workspace=world.workspace, active=True).version == 2

    response = client_for(world.admin).post(_url(world, "models/1/activate/"))
    assert response.status_code == 200
    assert response.json()["active"] is True
    assert SentimentModelVersion.objects.get(workspace=world.workspace, active=True).version == 1
    entry = AuditEvent.objects.filter(action="sentiment_model.activated").get()
    assert entry.actor_id == world.admin.pk
    assert entry.data == {"version": 1}


def test_another_workspaces_model_cannot_be_activated(world: World, other_world: World) -> None:
    sentiment_model_train(workspace=other_world.workspace)
    response = client_for(world.admin).post(_url(world, "models/1/activate/"))
    assert response.status_code == 404
    assert not SentimentModelVersion.objects.filter(workspace=world.workspace).exists()
