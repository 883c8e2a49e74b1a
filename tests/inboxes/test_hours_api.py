"""Business hours as the widget and the team see them: the session answer, the auto-reply to a
message left outside hours, the selectors, and the admin form that edits them."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from parley.conversations.models import Conversation
from parley.conversations.presence import mark_present
from parley.inboxes import selectors
from parley.inboxes.admin import InboxAdminForm
from parley.inboxes.models import Inbox
from tests.factories import ORIGIN

SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY_EVENING = datetime(2026, 3, 6, 19, 0, tzinfo=SHANGHAI)
MONDAY_MORNING = datetime(2026, 3, 9, 10, 0, tzinfo=SHANGHAI)
BUSINESS_HOURS = {
    "enabled": True,
    "timezone": "Asia/Shanghai",
    "weekly": {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
}


@pytest.fixture
def inbox(world) -> Inbox:
    world.inbox.settings = {"business_hours": BUSINESS_HOURS}
    world.inbox.save()
    return world.inbox


def frozen(moment: datetime):
    return patch("django.utils.timezone.now", return_value=moment)


def open_session(inbox: Inbox, headers: dict[str, str] | None = None, **body: str) -> dict:
    response = APIClient().post(
        "/api/widget/v1/sessions",
        {"inbox": inbox.public_key, **body},
        format="json",
        headers={"Origin": ORIGIN, **(headers or {})},
    )
    assert response.status_code == 201
    return response.json()["inbox"]


def session_token(inbox: Inbox) -> str:
    response = APIClient().post(
        "/api/widget/v1/sessions",
        {"inbox": inbox.public_key},
        format="json",
        headers={"Origin": ORIGIN},
    )
    return response.json()["token"]


def leave(token: str, headers: dict[str, str] | None = None, **body: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ORIGIN=ORIGIN)
    form = {"name": "Zhang San", "email": "zs@example.cn", "body": "请回电", **body}
    return client.post("/api/widget/v1/leave-message", form, format="json", headers=headers)


# --- the session answer ----------------------------------------------------------------------


def test_outside_hours_the_session_says_closed_and_when_it_opens(inbox):
    with frozen(FRIDAY_EVENING):
        answer = open_session(inbox)
    assert answer["open"] is False and answer["online"] is False
    assert answer["next_opening"] == "2026-03-09T09:00:00+08:00"
    assert answer["closed_reply"] == "We're away now. We'll be back Monday 09:00 (Asia/Shanghai)."


def test_the_reply_is_in_the_language_the_visitor_asks_for(inbox):
    with frozen(FRIDAY_EVENING):
        by_header = open_session(inbox, headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
        by_field = open_session(inbox, headers={"Accept-Language": "zh-CN"}, locale="en")
    assert by_header["closed_reply"] == (
        "我们现在不在线，将于 周一 09:00（北京时间/Asia/Shanghai）回复您。"
    )
    assert by_field["closed_reply"].startswith("We're away now.")


def test_a_closed_inbox_is_offline_even_with_an_agent_present(world, inbox):
    mark_present([world.agent.pk])
    with frozen(FRIDAY_EVENING):
        answer = open_session(inbox)
        assert selectors.inbox_is_online(inbox=inbox) is False
    assert (answer["open"], answer["online"]) == (False, False)


def test_within_hours_online_still_needs_someone_present(world, inbox):
    with frozen(MONDAY_MORNING):
        nobody = open_session(inbox)
        mark_present([world.agent.pk])
        somebody = open_session(inbox)
    assert (nobody["open"], nobody["online"]) == (True, False)
    assert nobody["next_opening"] is None and nobody["closed_reply"] == ""
    assert (somebody["open"], somebody["online"]) == (True, True)


def test_an_inbox_without_hours_is_always_open(world):
    mark_present([world.agent.pk])
    with frozen(FRIDAY_EVENING):
        answer = open_session(world.inbox)
    assert answer["open"] is True and answer["online"] is True
    assert answer["next_opening"] is None and answer["closed_reply"] == ""


def test_hours_stored_wrong_count_as_always_open_and_are_logged(world, caplog):
    world.inbox.settings = {"business_hours": {"enabled": True, "timezone": "Mars/Base"}}
    world.inbox.save()
    with (
        caplog.at_level(logging.WARNING, logger="parley.inboxes.selectors"),
        frozen(FRIDAY_EVENING),
    ):
        answer = open_session(world.inbox)
    assert answer["open"] is True
    assert "invalid business hours" in caplog.text and "business_hours.timezone" in caplog.text


# --- selectors -------------------------------------------------------------------------------


def test_inbox_is_open_at_a_given_instant_or_now(inbox):
    assert selectors.inbox_is_open(inbox=inbox, at=MONDAY_MORNING) is True
    assert selectors.inbox_is_open(inbox=inbox, at=FRIDAY_EVENING) is False
    with frozen(FRIDAY_EVENING):
        assert selectors.inbox_is_open(inbox=inbox) is False


def test_inbox_closed_reply_is_none_while_open(inbox):
    assert selectors.inbox_closed_reply(inbox=inbox, locale="en", at=MONDAY_MORNING) is None
    assert selectors.inbox_closed_reply(inbox=inbox, locale="en", at=FRIDAY_EVENING) == (
        "We're away now. We'll be back Monday 09:00 (Asia/Shanghai)."
    )


# --- leaving a message outside hours ---------------------------------------------------------


def test_a_message_left_outside_hours_gets_a_public_reply_saying_when(inbox):
    with frozen(FRIDAY_EVENING):
        token = session_token(inbox)
        response = leave(token, headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 201
    conversation = Conversation.objects.get(pk=response.json()["conversation"]["id"])
    timeline = list(
        conversation.messages.exclude(kind="event")
        .order_by("seq")
        .values_list("sender_type", "kind", "body", "private")
    )
    reply = "我们现在不在线，将于 周一 09:00（北京时间/Asia/Shanghai）回复您。"
    assert timeline == [
        ("contact", "text", "请回电", False),
        ("system", "text", reply, False),
    ]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ORIGIN=ORIGIN)
    seen = client.get(f"/api/widget/v1/conversations/{conversation.pk}/messages").json()
    texts = [m["body"] for m in seen["results"] if m["kind"] == "text"]
    assert texts[-1].startswith("我们现在不在线")


def test_the_inboxs_own_auto_reply_is_used(inbox):
    inbox.settings["business_hours"] = {
        **BUSINESS_HOURS,
        "auto_reply": {"en": "Got it. We answer from {next_opening}."},
    }
    inbox.save()
    with frozen(FRIDAY_EVENING):
        session = APIClient().post(
            "/api/widget/v1/sessions",
            {"inbox": inbox.public_key},
            format="json",
            headers={"Origin": ORIGIN},
        )
        assert session.json()["inbox"]["closed_reply"] == (
            "Got it. We answer from Monday 09:00 (Asia/Shanghai)."
        )
        response = leave(session.json()["token"], locale="en")
    conversation = Conversation.objects.get(pk=response.json()["conversation"]["id"])
    last = conversation.messages.exclude(kind="event").order_by("seq").last()
    assert last is not None and last.body == "Got it. We answer from Monday 09:00 (Asia/Shanghai)."


def test_a_message_left_within_hours_gets_no_auto_reply(inbox):
    with frozen(MONDAY_MORNING):
        token = session_token(inbox)
        response = leave(token)
    conversation = Conversation.objects.get(pk=response.json()["conversation"]["id"])
    assert not conversation.messages.filter(sender_type="system", kind="text").exists()


def test_leaving_the_same_message_twice_replies_once(inbox):
    client_id = str(uuid.uuid4())
    with frozen(FRIDAY_EVENING):
        token = session_token(inbox)
        first = leave(token, client_id=client_id)
        retry = leave(token, client_id=client_id)
    assert (first.status_code, retry.status_code) == (201, 200)
    conversation = Conversation.objects.get()
    assert conversation.messages.filter(sender_type="system", kind="text").count() == 1


# --- the admin form --------------------------------------------------------------------------


def admin_form(inbox: Inbox, **hours: str) -> InboxAdminForm:
    data = {
        "workspace": inbox.workspace_id,
        "name": inbox.name,
        "kind": inbox.kind,
        "public_key": inbox.public_key,
        "allowed_origins": '["https://shop.example"]',
        "greeting": "",
        "settings": '{"prechat": {"enabled": true}}',
        "hours_enabled": "on",
        "hours_timezone": "Asia/Shanghai",
        **{f"hours_{k}": v for k, v in hours.items()},
    }
    return InboxAdminForm(data=data, instance=inbox)


def test_the_admin_form_stores_readable_lines_as_checked_settings(world):
    form = admin_form(
        world.inbox,
        mon="09:00-12:00, 13:00-18:00",
        fri="09:00 - 18:00",
        holidays="2026-10-01 National Day\n\n2026-10-02",
        special_days="2026-09-27 09:00-18:00",
        auto_reply_zh="我们将于 {next_opening}回复您。",
    )
    assert form.is_valid(), form.errors
    inbox = form.save()
    inbox.refresh_from_db()
    stored = inbox.settings["business_hours"]
    assert inbox.settings["prechat"] == {"enabled": True}  # other settings are kept
    assert stored["timezone"] == "Asia/Shanghai" and stored["enabled"] is True
    assert stored["weekly"]["mon"] == [["09:00", "12:00"], ["13:00", "18:00"]]
    assert stored["weekly"]["fri"] == [["09:00", "18:00"]] and stored["weekly"]["sat"] == []
    assert stored["holidays"] == [
        {"date": "2026-10-01", "name": "National Day"},
        {"date": "2026-10-02", "name": ""},
    ]
    assert stored["special_days"] == [{"date": "2026-09-27", "intervals": [["09:00", "18:00"]]}]
    assert stored["auto_reply"] == {"zh-CN": "我们将于 {next_opening}回复您。"}
    assert selectors.inbox_is_open(inbox=inbox, at=datetime(2026, 9, 27, 10, tzinfo=SHANGHAI))


def test_the_admin_form_shows_stored_hours_as_lines(inbox):
    inbox.settings["business_hours"] = {
        **BUSINESS_HOURS,
        "holidays": [{"date": "2026-10-01", "name": "National Day"}],
    }
    form = InboxAdminForm(instance=inbox)
    assert form.initial["hours_mon"] == "09:00-18:00"
    assert form.initial["hours_sat"] == ""
    assert form.initial["hours_timezone"] == "Asia/Shanghai"
    assert form.initial["hours_holidays"] == "2026-10-01 National Day"


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"mon": "09:00-12:00, 11:00-13:00"}, "hours_mon", "overlap"),
        ({"tue": "nine to five"}, "hours_tue", "not a range"),
        ({"wed": "22:00-06:00"}, "hours_wed", "may not cross midnight"),
        ({"holidays": "1 October"}, "hours_holidays", "not a date"),
        ({"special_days": "2026-09-27 9-18"}, "hours_special_days", "not a time"),
        ({"timezone": ""}, "hours_timezone", "required"),
    ],
)
def test_the_admin_form_refuses_bad_hours_at_the_field(world, fields, field, says):
    form = admin_form(world.inbox, **fields)
    assert not form.is_valid()
    assert says in str(form.errors[field])


def test_turning_hours_off_with_nothing_set_leaves_no_section(world):
    form = admin_form(world.inbox, enabled="", timezone="")
    assert form.is_valid(), form.errors
    assert "business_hours" not in form.save().settings


def test_the_admin_change_page_renders_the_hours(inbox, client, django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@example.test", password="x")
    client.force_login(admin)
    page = client.get(f"/admin/inboxes/inbox/{inbox.pk}/change/")
    assert page.status_code == 200
    assert b"Business hours" in page.content and b'value="09:00-18:00"' in page.content
    listing = client.get("/admin/inboxes/inbox/")
    assert b"Open now" in listing.content
