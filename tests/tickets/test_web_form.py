"""The public web form: a person opens a ticket; bots, hurried scripts and floods do not."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.test import Client

from parley.conversations.models import Message, SenderType
from parley.tickets.models import CreatedVia, Ticket
from parley.tickets.webform import form_started_token
from tests.conftest import World


def url(world: World) -> str:
    return f"/support/{world.workspace.slug}/new"


def filled(world: World, **changes: Any) -> dict[str, Any]:
    data = {
        "name": "王小明",
        "email": "Xiaoming@Example.test",
        "subject": "订单没有收到",
        "description": "我的订单 1234 三天了还没到。",
        "website": "",
        "started": form_started_token(workspace_id=world.workspace.pk, at=time.time() - 30),
    }
    data.update(changes)
    return data


def test_the_form_is_served_in_english_and_chinese(world: World, client: Client) -> None:
    english = client.get(url(world))
    chinese = client.get(url(world), HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert english.status_code == 200
    assert "Contact support" in english.content.decode()
    assert 'name="csrfmiddlewaretoken"' in english.content.decode()
    assert "联系客服" in chinese.content.decode()
    assert 'lang="zh-CN"' in chinese.content.decode()


def test_a_person_opens_a_ticket_and_sees_its_number(world: World, client: Client) -> None:
    response = client.post(url(world), filled(world))

    assert response.status_code == 201
    ticket = Ticket.objects.select_related("conversation__contact").get()
    assert ticket.created_via == CreatedVia.WEB_FORM
    assert ticket.subject == "订单没有收到"
    assert ticket.conversation.inbox == world.inbox
    assert ticket.requester.email == "xiaoming@example.test"
    assert ticket.requester.name == "王小明"
    first = Message.objects.filter(conversation_id=ticket.pk, sender_type=SenderType.CONTACT)
    assert [m.body for m in first] == ["我的订单 1234 三天了还没到。"]
    number = re.search(r'id="ticket-number">#(\d+)<', response.content.decode())
    assert number is not None and int(number.group(1)) == ticket.number


def test_the_requester_is_written_to_in_the_forms_language(world: World, client: Client) -> None:
    client.post(url(world) + "?lang=zh-hans", filled(world))

    assert Ticket.objects.get().requester.locale == "zh-CN"


def test_a_known_email_is_the_same_requester(world: World, client: Client) -> None:
    client.post(url(world), filled(world, email=world.contact.email))

    assert Ticket.objects.get().requester == world.contact


def test_a_filled_honeypot_is_thanked_and_stores_nothing(world: World, client: Client) -> None:
    response = client.post(url(world), filled(world, website="http://spam.example"))

    assert response.status_code == 200
    assert not Ticket.objects.exists()
    assert "ticket-number" not in response.content.decode()


def test_a_form_sent_too_fast_is_refused(world: World, client: Client) -> None:
    started = form_started_token(workspace_id=world.workspace.pk)

    response = client.post(url(world), filled(world, started=started))

    assert response.status_code == 400
    assert "That was quick" in response.content.decode()
    assert not Ticket.objects.exists()
    # The person's text is kept for the second try.
    assert "订单没有收到" in response.content.decode()


@pytest.mark.parametrize("started", ["forged", "other-workspace", "stale"])
def test_a_forged_foreign_or_stale_start_time_is_refused(
    world: World, other_world: World, client: Client, started: str
) -> None:
    token = {
        "forged": "eyJ3IjoxLCJ0IjowfQ:1:bad",
        "other-workspace": form_started_token(
            workspace_id=other_world.workspace.pk, at=time.time() - 30
        ),
        "stale": form_started_token(
            workspace_id=world.workspace.pk, at=time.time() - 2 * 24 * 3600
        ),
    }[started]

    response = client.post(url(world), filled(world, started=token))

    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_invalid_fields_are_marked(world: World, client: Client) -> None:
    response = client.post(url(world), filled(world, email="not-an-address", subject=""))

    assert response.status_code == 400
    assert not Ticket.objects.exists()
    assert response.content.decode().count('class="error"') >= 3


def test_requests_from_one_address_are_rate_limited(
    world: World, client: Client, settings: Any
) -> None:
    settings.PARLEY_RATE_TICKET_WEB_FORM = "2/hour"

    codes = [client.post(url(world), filled(world)).status_code for _ in range(3)]
    from_elsewhere = client.post(url(world), filled(world), REMOTE_ADDR="203.0.113.9")

    assert codes == [201, 201, 429]
    assert from_elsewhere.status_code == 201
    assert Ticket.objects.count() == 3


def test_a_post_without_the_csrf_token_is_refused(world: World) -> None:
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(url(world), filled(world))

    assert response.status_code == 403
    assert not Ticket.objects.exists()


def test_with_the_csrf_token_from_the_page_it_works(world: World) -> None:
    strict = Client(enforce_csrf_checks=True)
    page = strict.get(url(world)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None

    response = strict.post(url(world), {**filled(world), "csrfmiddlewaretoken": token.group(1)})

    assert response.status_code == 201


def test_an_unknown_workspace_is_a_404(db: None, client: Client) -> None:
    assert client.get("/support/no-such-place/new").status_code == 404
