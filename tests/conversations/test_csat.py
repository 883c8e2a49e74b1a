"""CSAT: asked on resolve, one answer per conversation, editable for a window; answered in the
widget or by a signed link; results per agent, team and inbox for members."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone
from rest_framework.test import APIClient

from parley.accounts.models import Role
from parley.contacts.models import Contact
from parley.conversations import services
from parley.conversations.consumers.widget import welcome_visitor
from parley.conversations.models import Conversation, CsatResponse, Status
from parley.conversations.realtime import contact_group
from parley.conversations.services.csat import LINK_MAX_AGE, LINK_SALT, csat_link
from parley.errors import ApplicationError, ErrorCode
from tests.conftest import World, client_for
from tests.factories import ORIGIN, ConversationFactory, MemberFactory, TeamFactory


def resolve(conversation: Conversation, actor) -> Conversation:
    return services.conversation_set_status(
        conversation=conversation, status=Status.RESOLVED, actor=actor
    )


@pytest.fixture
def conversation(world: World) -> Conversation:
    team = TeamFactory(workspace=world.workspace, name="Billing")
    return ConversationFactory(
        inbox=world.inbox,
        contact=world.contact,
        status=Status.OPEN,
        assignee=world.agent,
        team=team,
    )


def age_answer(response: CsatResponse, by: timedelta) -> None:
    assert response.answered_at is not None
    CsatResponse.objects.filter(pk=response.pk).update(answered_at=response.answered_at - by)


# --- services ------------------------------------------------------------------------------------
def test_resolving_asks_the_contact_after_commit_and_records_who_handled_it(
    world, conversation, published
):
    with published.committing():
        resolve(conversation, world.agent)

    response = CsatResponse.objects.get(conversation=conversation)
    assert (response.assignee, response.team, response.inbox) == (
        world.agent,
        conversation.team,
        world.inbox,
    )
    assert response.rating is None and response.answered_at is None
    [frame] = published.frames("csat.request", group=contact_group(world.contact.pk))
    assert frame == {
        "type": "csat.request",
        "conversation": conversation.pk,
        "expires_at": response.expires_at.isoformat(),
    }
    assert published.groups_of("csat.request") == [[contact_group(world.contact.pk)]]


def test_nothing_is_asked_before_the_transaction_commits(world, conversation, published):
    resolve(conversation, world.agent)

    assert published.frames("csat.request") == []


def test_one_answer_per_conversation_a_second_submit_updates_it(world, conversation, published):
    resolve(conversation, world.agent)

    with published.committing():
        services.csat_submit(conversation=conversation, rating=2, comment="slow")
        services.csat_submit(conversation=conversation, rating=4, comment="  fine\x00 after all ")

    [response] = CsatResponse.objects.filter(conversation=conversation)
    assert (response.rating, response.comment) == (4, "fine after all")
    answered = published.frames("csat.answered")
    assert [f["csat"]["rating"] for f in answered] == [2, 4]
    assert contact_group(world.contact.pk) in published.groups_of("csat.answered")[0]


def test_after_the_edit_window_the_answer_is_refused_and_kept(world, conversation, settings):
    settings.PARLEY_CSAT_EDIT_WINDOW = 3600
    resolve(conversation, world.agent)
    response = services.csat_submit(conversation=conversation, rating=5, comment="great")
    age_answer(response, timedelta(hours=1, seconds=1))

    with pytest.raises(ApplicationError) as refused:
        services.csat_submit(conversation=conversation, rating=1, comment="changed my mind")

    assert refused.value.code == ErrorCode.CSAT_EDIT_WINDOW_CLOSED
    assert refused.value.http_status == 409
    response.refresh_from_db()
    assert (response.rating, response.comment) == (5, "great")


def test_the_edit_window_can_come_from_the_environment(world, conversation, monkeypatch):
    monkeypatch.setenv("PARLEY_CSAT_EDIT_WINDOW", "60")
    resolve(conversation, world.agent)
    response = services.csat_submit(conversation=conversation, rating=5)
    age_answer(response, timedelta(seconds=61))

    with pytest.raises(ApplicationError) as refused:
        services.csat_submit(conversation=conversation, rating=1)

    assert refused.value.code == ErrorCode.CSAT_EDIT_WINDOW_CLOSED


def test_an_unanswered_request_expires(world, conversation):
    resolve(conversation, world.agent)
    CsatResponse.objects.filter(conversation=conversation).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    with pytest.raises(ApplicationError) as refused:
        services.csat_submit(conversation=conversation, rating=3)

    assert refused.value.code == ErrorCode.CSAT_EXPIRED


def test_no_answer_before_the_conversation_is_resolved(world, conversation):
    with pytest.raises(ApplicationError) as refused:
        services.csat_submit(conversation=conversation, rating=3)

    assert refused.value.code == ErrorCode.CSAT_NOT_REQUESTED
    assert not CsatResponse.objects.exists()


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_a_rating_outside_1_to_5_is_refused(world, conversation, rating):
    resolve(conversation, world.agent)

    with pytest.raises(ApplicationError) as refused:
        services.csat_submit(conversation=conversation, rating=rating)

    assert refused.value.code == ErrorCode.INVALID


def test_a_comment_over_the_limit_is_refused(world, conversation):
    resolve(conversation, world.agent)

    with pytest.raises(ApplicationError):
        services.csat_submit(conversation=conversation, rating=3, comment="x" * 1001)

    assert CsatResponse.objects.get(conversation=conversation).rating is None


def test_reopen_then_resolve_asks_again_on_the_same_row(world, conversation, published):
    resolve(conversation, world.agent)
    first = services.csat_submit(conversation=conversation, rating=2, comment="meh")
    age_answer(first, timedelta(days=2))  # the first answer's window has closed
    services.conversation_set_status(
        conversation=conversation, status=Status.OPEN, actor=world.agent
    )
    services.conversation_assign(
        conversation=conversation, assignee=world.other_agent, actor=world.supervisor
    )

    with published.committing():
        resolve(conversation, world.supervisor)
    services.csat_submit(conversation=conversation, rating=5, comment="sorted now")

    [response] = CsatResponse.objects.filter(conversation=conversation)
    assert (response.rating, response.comment) == (5, "sorted now")
    assert response.assignee == world.other_agent  # who resolved it last
    assert len(published.frames("csat.request")) == 1


def test_the_signed_link_is_a_path_and_names_the_conversation(world, conversation):
    link = csat_link(conversation)

    assert link.startswith("/csat/")
    token = link.removeprefix("/csat/")
    assert signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE) == conversation.pk


# --- the widget ----------------------------------------------------------------------------------
def widget_visitor(world: World) -> tuple[APIClient, Contact]:
    opened = APIClient().post(
        "/api/widget/v1/sessions",
        {"inbox": world.inbox.public_key},
        format="json",
        headers={"Origin": ORIGIN},
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {opened.data['token']}", HTTP_ORIGIN=ORIGIN)
    return client, Contact.objects.get(pk=opened.data["contact"]["id"])


def test_the_widget_rates_its_conversation_and_can_change_it(world):
    client, contact = widget_visitor(world)
    conversation = ConversationFactory(inbox=world.inbox, contact=contact, status=Status.OPEN)
    resolve(conversation, world.supervisor)
    url = f"/api/widget/v1/conversations/{conversation.pk}/csat"

    first = client.post(url, {"rating": 3}, format="json")
    second = client.post(url, {"rating": 4, "comment": "<b>thanks</b>"}, format="json")

    assert first.status_code == 200 and second.status_code == 200
    assert second.data["rating"] == 4
    assert second.data["comment"] == "<b>thanks</b>"  # plain text, escaped where it is shown
    assert second.data["open"] is True
    assert client.get(url).data["rating"] == 4
    assert CsatResponse.objects.filter(conversation=conversation).count() == 1


def test_the_widget_gets_a_409_with_a_code_after_the_window(world, settings):
    client, contact = widget_visitor(world)
    conversation = ConversationFactory(inbox=world.inbox, contact=contact, status=Status.OPEN)
    resolve(conversation, world.supervisor)
    url = f"/api/widget/v1/conversations/{conversation.pk}/csat"
    client.post(url, {"rating": 5}, format="json")
    age_answer(CsatResponse.objects.get(), timedelta(hours=25))

    refused = client.post(url, {"rating": 1}, format="json")

    assert refused.status_code == 409
    assert refused.data["code"] == "csat_edit_window_closed"
    assert CsatResponse.objects.get().rating == 5


def test_widget_csat_needs_the_token_the_origin_and_the_visitors_own_conversation(world):
    client, contact = widget_visitor(world)
    mine = ConversationFactory(inbox=world.inbox, contact=contact, status=Status.OPEN)
    theirs = ConversationFactory(inbox=world.inbox, contact=world.contact, status=Status.OPEN)
    resolve(mine, world.supervisor)
    resolve(theirs, world.supervisor)
    token = client._credentials["HTTP_AUTHORIZATION"]  # type: ignore[attr-defined]

    no_token = APIClient().post(
        f"/api/widget/v1/conversations/{mine.pk}/csat", {"rating": 5}, headers={"Origin": ORIGIN}
    )
    bad_origin = APIClient()
    bad_origin.credentials(HTTP_AUTHORIZATION=token, HTTP_ORIGIN="https://evil.example")
    foreign_origin = bad_origin.post(
        f"/api/widget/v1/conversations/{mine.pk}/csat", {"rating": 5}, format="json"
    )
    other = client.post(f"/api/widget/v1/conversations/{theirs.pk}/csat", {"rating": 1})

    assert no_token.status_code == 401
    assert foreign_origin.status_code == 403
    assert other.status_code == 404
    assert not CsatResponse.objects.filter(rating__isnull=False).exists()


def test_an_offline_widget_learns_of_the_request_from_its_next_session(world):
    client, contact = widget_visitor(world)
    conversation = ConversationFactory(inbox=world.inbox, contact=contact, status=Status.OPEN)
    resolve(conversation, world.supervisor)
    token = client._credentials["HTTP_AUTHORIZATION"].removeprefix("Bearer ")  # type: ignore[attr-defined]

    again = APIClient().post(
        "/api/widget/v1/sessions",
        {"inbox": world.inbox.public_key, "token": token},
        format="json",
        headers={"Origin": ORIGIN},
    )

    [pending] = again.data["csat"]
    assert pending["conversation"] == conversation.pk
    assert pending["rating"] is None and pending["open"] is True


def test_the_next_welcome_lists_open_requests_only(world, conversation):
    resolve(conversation, world.agent)
    closed = ConversationFactory(inbox=world.inbox, contact=world.contact, status=Status.OPEN)
    resolve(closed, world.agent)
    age_answer(services.csat_submit(conversation=closed, rating=3), timedelta(days=2))

    welcome = welcome_visitor(contact=world.contact, inbox=world.inbox, resume={})

    assert [c["conversation"] for c in welcome.frame["csat"]] == [conversation.pk]


# --- the signed link -----------------------------------------------------------------------------
def test_the_link_page_shows_stars_and_saves_a_rating(world, conversation):
    resolve(conversation, world.agent)
    link = csat_link(conversation)
    client = APIClient(enforce_csrf_checks=False)

    page = client.get(link, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    saved = client.post(link, {"rating": "5", "comment": "很好"}, follow=True)

    assert page.status_code == 200
    assert "您对本次服务满意吗" in page.content.decode()
    assert page.content.decode().count('name="rating"') == 5
    assert saved.status_code == 200
    assert saved.redirect_chain[0][1] == 302  # a reload of the thank-you page sends nothing
    assert "Thank you for your feedback" in saved.content.decode()
    response = CsatResponse.objects.get(conversation=conversation)
    assert (response.rating, response.comment, response.source) == (5, "很好", "link")


def test_a_forged_link_is_refused_and_stores_nothing(world, conversation):
    resolve(conversation, world.agent)
    forged = signing.dumps(conversation.pk, salt="something else")

    shown = APIClient().get(f"/csat/{forged}")
    posted = APIClient().post(f"/csat/{forged}", {"rating": "1"})

    assert shown.status_code == 404 and posted.status_code == 404
    assert "This link is not valid" in shown.content.decode()
    assert CsatResponse.objects.get(conversation=conversation).rating is None


def test_an_expired_link_is_refused(world, conversation, monkeypatch):
    resolve(conversation, world.agent)
    real_time = time.time
    with monkeypatch.context() as past:
        # The link was made 30 days and a minute ago.
        past.setattr(time, "time", lambda: real_time() - LINK_MAX_AGE - 60)
        link = csat_link(conversation)

    posted = APIClient().post(link, {"rating": "4"})

    assert posted.status_code == 410
    assert "expired" in posted.content.decode()
    assert CsatResponse.objects.get(conversation=conversation).rating is None


# --- results -------------------------------------------------------------------------------------
def rated(world: World, assignee, rating: int, *, team=None, inbox=None) -> Conversation:
    conversation = ConversationFactory(
        inbox=inbox or world.inbox,
        contact=world.contact,
        status=Status.OPEN,
        assignee=assignee,
        team=team,
    )
    resolve(conversation, world.supervisor)
    services.csat_submit(conversation=conversation, rating=rating)
    return conversation


def results(member, **params):
    response = client_for(member).get(f"/api/v1/workspaces/{member.workspace.slug}/csat/", params)
    assert response.status_code == 200, response.data
    return response.data


def test_results_per_agent_with_averages_distribution_and_totals(world):
    rated(world, world.agent, 5)
    rated(world, world.agent, 4)
    rated(world, world.other_agent, 1)
    ConversationFactory(inbox=world.inbox, contact=world.contact)  # never resolved: not counted

    data = results(world.supervisor, group_by="agent")

    by_name = {row["key"]["name"]: row for row in data["results"]}
    assert by_name[world.agent.name]["responses"] == 2
    assert by_name[world.agent.name]["average"] == 4.5
    assert by_name[world.agent.name]["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1}
    assert by_name[world.other_agent.name]["key"]["id"] == world.other_agent.pk
    assert data["totals"] == {
        "responses": 3,
        "average": 3.33,
        "distribution": {"1": 1, "2": 0, "3": 0, "4": 1, "5": 1},
        "satisfied": 2,
        "satisfied_percent": 66.7,
    }


def test_results_per_team_and_per_inbox(world):
    billing = TeamFactory(workspace=world.workspace, name="Billing")
    rated(world, world.agent, 5, team=billing)
    rated(world, world.agent, 3)

    teams = results(world.admin, group_by="team")["results"]
    inboxes = results(world.admin, group_by="inbox")["results"]

    assert {(r["key"] and r["key"]["name"], r["average"]) for r in teams} == {
        ("Billing", 5.0),
        (None, 3.0),
    }
    assert [(r["key"]["id"], r["responses"]) for r in inboxes] == [(world.inbox.pk, 2)]


def test_an_agent_sees_only_their_own_results(world):
    rated(world, world.agent, 5)
    rated(world, world.other_agent, 1)

    data = results(world.agent, group_by="agent")

    assert [r["key"]["id"] for r in data["results"]] == [world.agent.pk]
    assert data["totals"]["responses"] == 1


def test_results_are_tenant_isolated(world, other_world):
    rated(other_world, other_world.agent, 1)
    rated(world, world.agent, 5)

    data = results(world.owner, group_by="inbox")
    outsider = client_for(other_world.owner).get(f"/api/v1/workspaces/{world.workspace.slug}/csat/")

    assert [r["key"]["id"] for r in data["results"]] == [world.inbox.pk]
    assert data["totals"]["distribution"]["1"] == 0
    assert outsider.status_code == 404


def test_results_count_conversations_resolved_in_the_period(world):
    old = rated(world, world.agent, 1)
    CsatResponse.objects.filter(conversation=old).update(
        resolved_at=timezone.now() - timedelta(days=40)
    )
    rated(world, world.agent, 5)
    today = timezone.now().date()

    recent = results(world.supervisor, period_start=str(today - timedelta(days=7)))
    everything = results(
        world.supervisor,
        period_start=str(today - timedelta(days=60)),
        period_end=str(today),
    )

    assert recent["totals"]["responses"] == 1
    assert everything["totals"]["responses"] == 2


@pytest.mark.parametrize("group_by", ["agent", "team", "inbox"])
def test_results_take_the_same_few_queries_however_many_groups(
    world, group_by, django_assert_num_queries
):
    for n, agent in enumerate([world.agent, world.other_agent, world.supervisor]):
        team = TeamFactory(workspace=world.workspace)
        rated(world, agent, n + 3, team=team)
    client = client_for(world.supervisor)

    # the membership, the grouped counts, the totals, the group names
    with django_assert_num_queries(4):
        response = client.get(
            f"/api/v1/workspaces/{world.workspace.slug}/csat/", {"group_by": group_by}
        )

    assert response.data["totals"]["responses"] == 3


@pytest.mark.parametrize(
    "params",
    [
        {"group_by": "contact"},
        {"period_start": "2026-13-01"},
        {"period_start": "2026-05-02", "period_end": "2026-05-01"},
    ],
)
def test_bad_results_filters_are_400(world, params):
    response = client_for(world.supervisor).get(
        f"/api/v1/workspaces/{world.workspace.slug}/csat/", params
    )

    assert response.status_code == 400
    assert response.data["code"] == "invalid"


def test_the_conversation_detail_shows_its_rating(world, conversation):
    url = f"/api/v1/workspaces/{world.workspace.slug}/conversations/{conversation.pk}/"
    before = client_for(world.supervisor).get(url).data["csat"]
    resolve(conversation, world.agent)
    services.csat_submit(conversation=conversation, rating=4, comment="quick")

    after = client_for(world.supervisor).get(url).data["csat"]

    assert before is None
    assert after == {"rating": 4, "comment": "quick"}


def test_members_role_agent_results_need_membership(world):
    stranger = MemberFactory(role=Role.SUPERVISOR)

    response = client_for(stranger).get(f"/api/v1/workspaces/{world.workspace.slug}/csat/")

    assert response.status_code == 404
