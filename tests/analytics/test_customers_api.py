"""The at-risk list, a customer's profile and the follow-up mark over the API: roles, tenant
isolation, masking, bad input (4xx, nothing changed) and the audit record."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parley.accounts.models import AuditEvent
from parley.analytics.customers.models import ChurnModel, ContactProfile
from parley.contacts.models import Contact
from tests.conftest import World, client_for
from tests.factories import ContactFactory, ConversationFactory, InboxFactory

BASE = "/api/v1/workspaces/{slug}/analytics/"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def reason(feature: str, weight: float) -> dict[str, object]:
    text = {"en": f"{feature} en", "zh": f"{feature} zh"}
    return {"feature": feature, "value": 3, "typical": 0.4, "weight": weight, **text}


def profile(world: World, contact: Contact, risk: float | None, **extra: object) -> ContactProfile:
    level = "" if risk is None else "high" if risk >= 0.5 else "medium" if risk >= 0.25 else "low"
    return ContactProfile.objects.create(
        workspace=world.workspace,
        contact=contact,
        computed_at=NOW,
        risk=risk,
        risk_level=level,
        reasons=[reason("sla_breaches_90d", 1.2)] if risk else [],
        model_version=1 if risk is not None else None,
        channels=extra.pop("channels", ["widget"]),
        recency_days=12.0,
        **extra,
    )


@pytest.fixture
def scored(world: World) -> dict[str, ContactProfile]:
    ChurnModel.objects.create(
        workspace=world.workspace,
        version=1,
        created_at=NOW,
        horizon_days=60,
        active_days=90,
        cutoffs=["2026-09-21"],
        train_rows=400,
        train_positives=90,
        validation={"cutoff": "2026-09-21", "rows": 120, "positives": 30, "auc": 0.81},
        params={},
        active=True,
    )
    return {
        "high": profile(world, world.contact, 0.8),
        "medium": profile(
            world, ContactFactory(workspace=world.workspace), 0.3, channels=["email", "widget"]
        ),
        "low": profile(world, ContactFactory(workspace=world.workspace), 0.1),
        "unscored": profile(world, ContactFactory(workspace=world.workspace), None),
    }


def test_supervisors_see_the_riskiest_first_with_reasons_and_the_model(
    world: World, scored: dict[str, ContactProfile]
) -> None:
    response = client_for(world.supervisor).get(
        BASE.format(slug=world.workspace.slug) + "customers/"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["model"]["version"] == 1 and body["model"]["validation"]["auc"] == 0.81
    assert body["count"] == 2  # high and medium by default; low and unscored are left out
    first, second = body["results"]
    assert first["contact"]["id"] == world.contact.pk and first["risk"] == 0.8
    assert first["risk_level"] == "high" and first["reasons"][0]["feature"] == "sla_breaches_90d"
    assert first["contact"]["email"] == world.contact.email  # supervisors may view PII
    assert second["risk_level"] == "medium"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"level": "low"}, ["low"]),
        ({"level": "high,low"}, ["high", "low"]),
        ({"channel": "email"}, ["medium"]),
        ({"level": "high,medium,low", "limit": "1", "offset": "1"}, ["medium"]),
    ],
)
def test_filters(
    world: World, scored: dict[str, ContactProfile], query: dict[str, str], expected: list[str]
) -> None:
    url = BASE.format(slug=world.workspace.slug) + "customers/"
    body = client_for(world.supervisor).get(url, query).json()
    assert [r["contact"]["id"] for r in body["results"]] == [
        scored[name].contact_id for name in expected
    ]


@pytest.mark.parametrize(
    "query",
    [
        {"level": "extreme"},
        {"level": ","},
        {"followed_up": "maybe"},
        {"channel": "fax"},
        {"limit": "0"},
        {"limit": "many"},
        {"offset": "-1"},
    ],
)
def test_bad_filters_are_refused(
    world: World, scored: dict[str, ContactProfile], query: dict[str, str]
) -> None:
    url = BASE.format(slug=world.workspace.slug) + "customers/"
    response = client_for(world.supervisor).get(url, query)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_agents_may_not_read_the_list(world: World, scored: dict[str, ContactProfile]) -> None:
    url = BASE.format(slug=world.workspace.slug)
    for path in ("customers/", "churn/models/"):
        response = client_for(world.agent).get(url + path)
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_an_agent_sees_the_profile_of_a_contact_in_their_inbox_with_the_email_masked(
    world: World, scored: dict[str, ContactProfile]
) -> None:
    ConversationFactory(inbox=world.inbox, contact=world.contact)
    url = BASE.format(slug=world.workspace.slug) + f"customers/{world.contact.pk}/"
    body = client_for(world.agent).get(url).json()
    assert body["profile"]["risk_level"] == "high"
    local, domain = world.contact.email.split("@")
    assert body["contact"]["email"] == f"{local[0]}***@{domain}"
    # … but not of a contact who only wrote to an inbox they do not work in.
    elsewhere = ContactFactory(workspace=world.workspace)
    ConversationFactory(inbox=InboxFactory(workspace=world.workspace), contact=elsewhere)
    url = BASE.format(slug=world.workspace.slug) + f"customers/{elsewhere.pk}/"
    assert client_for(world.agent).get(url).status_code == 404
    # A supervisor sees it, without a profile yet.
    body = client_for(world.supervisor).get(url).json()
    assert body["profile"] is None and body["contact"]["email"] == elsewhere.email


def test_follow_up_is_recorded_audited_and_filtered(
    world: World, scored: dict[str, ContactProfile]
) -> None:
    base = BASE.format(slug=world.workspace.slug)
    client = client_for(world.supervisor)
    response = client.post(
        base + f"customers/{world.contact.pk}/follow-up/", {"note": "Called, refund sent"}
    )
    assert response.status_code == 200
    assert response.json()["followed_up"]["note"] == "Called, refund sent"
    stored = ContactProfile.objects.get(contact=world.contact)
    assert stored.followed_up_by == world.supervisor and stored.followed_up_at is not None
    audit = AuditEvent.objects.get(action="customer.followed_up")
    assert audit.actor == world.supervisor and audit.target_id == str(world.contact.pk)
    # The default list shows who is still to follow up; "yes" shows the followed-up ones.
    ids = [r["contact"]["id"] for r in client.get(base + "customers/").json()["results"]]
    assert world.contact.pk not in ids
    done = client.get(base + "customers/", {"followed_up": "yes"}).json()["results"]
    assert [r["contact"]["id"] for r in done] == [world.contact.pk]
    # Clearing it is audited too.
    client.post(base + f"customers/{world.contact.pk}/follow-up/", {"done": False}, format="json")
    stored.refresh_from_db()
    assert stored.followed_up_at is None and stored.follow_up_note == ""
    assert AuditEvent.objects.filter(action="customer.follow_up_cleared").count() == 1


@pytest.mark.parametrize(
    ("member", "body", "status"),
    [
        ("agent", {"note": "hi"}, 403),
        ("supervisor", {"note": "x" * 501}, 400),
        ("supervisor", {"done": "perhaps"}, 400),
    ],
)
def test_a_refused_follow_up_changes_nothing(
    world: World, scored: dict[str, ContactProfile], member: str, body: dict, status: int
) -> None:
    url = BASE.format(slug=world.workspace.slug) + f"customers/{world.contact.pk}/follow-up/"
    response = client_for(getattr(world, member)).post(url, body, format="json")
    assert response.status_code == status
    stored = ContactProfile.objects.get(contact=world.contact)
    assert stored.followed_up_at is None and stored.follow_up_note == ""
    assert not AuditEvent.objects.filter(action__startswith="customer.").exists()


def test_another_workspace_sees_none_of_it(
    world: World, other_world: World, scored: dict[str, ContactProfile]
) -> None:
    theirs = client_for(other_world.supervisor)
    base = BASE.format(slug=other_world.workspace.slug)
    body = theirs.get(base + "customers/", {"level": "high,medium,low"}).json()
    assert body == {"model": None, "count": 0, "results": []}
    assert theirs.get(base + f"customers/{world.contact.pk}/").status_code == 404
    response = theirs.post(base + f"customers/{world.contact.pk}/follow-up/", {})
    assert response.status_code == 404
    assert ContactProfile.objects.get(contact=world.contact).followed_up_at is None
    assert theirs.get(base + "churn/models/").json() == {"models": []}
    # Nor through our workspace's URL.
    ours = BASE.format(slug=world.workspace.slug) + "customers/"
    assert theirs.get(ours).status_code in (403, 404)


def test_the_model_history_lists_versions(world: World, scored: dict[str, ContactProfile]) -> None:
    url = BASE.format(slug=world.workspace.slug) + "churn/models/"
    body = client_for(world.admin).get(url).json()
    assert [(m["version"], m["active"]) for m in body["models"]] == [(1, True)]


def test_the_list_takes_a_fixed_number_of_queries(
    world: World, scored: dict[str, ContactProfile], django_assert_max_num_queries
) -> None:
    for _ in range(5):
        profile(world, ContactFactory(workspace=world.workspace), 0.9)
    client = client_for(world.supervisor)
    url = BASE.format(slug=world.workspace.slug) + "customers/"
    client.get(url)  # warm up (session, membership caches)
    with django_assert_max_num_queries(12):
        body = client.get(url).json()
    assert body["count"] == 7


def test_erasing_a_contact_s_text_keeps_the_figures(
    world: World, scored: dict[str, ContactProfile]
) -> None:
    from parley.analytics.customers.services import profile_erase_text

    ContactProfile.objects.filter(contact=world.contact).update(
        keywords=["退款"], topics=[["refund", 2]], follow_up_note="Called Mrs Li"
    )
    assert profile_erase_text(contact_id=world.contact.pk) == 1
    stored = ContactProfile.objects.get(contact=world.contact)
    assert (stored.keywords, stored.topics, stored.follow_up_note) == ([], [], "")
    assert stored.risk == 0.8 and stored.recency_days == 12.0
