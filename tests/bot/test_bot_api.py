"""The bot's REST API: inbox settings and the generation endpoint (admins), analytics
(supervisors), a conversation's bot summary, and the widget's choice, handoff and rating."""

import pytest
from rest_framework.test import APIClient

from parley.accounts.models import AuditEvent
from parley.bot.conversation.configure import generation_api_key
from parley.bot.models import BotGenerationConfig, BotReply
from parley.conversations.models import Status
from parley.inboxes.widget_tokens import issue_token
from tests.bot.bot_world import bot_on, knowledge_base, last_bot, say
from tests.conftest import client_for
from tests.factories import ORIGIN

pytestmark = pytest.mark.django_db


def url(world, path):
    return f"/api/v1/workspaces/{world.workspace.slug}/bot/{path}"


def widget_client(world):
    client = APIClient()
    token = issue_token(contact_id=world.contact.pk, inbox_id=world.inbox.pk)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ORIGIN=ORIGIN)
    return client


# --- settings -----------------------------------------------------------------------------


def test_an_admin_turns_the_bot_on_for_an_inbox(world):
    response = client_for(world.admin).patch(
        url(world, f"inboxes/{world.inbox.pk}/settings/"),
        {"enabled": True, "max_low_confidence_turns": 3, "greeting": {"en": "Hi there"}},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["enabled"] is True
    world.inbox.refresh_from_db()
    assert world.inbox.settings["bot"]["max_low_confidence_turns"] == 3
    assert world.inbox.settings["bot"]["greeting"]["en"] == "Hi there"
    assert AuditEvent.objects.filter(action="bot.settings_changed").count() == 1
    listed = client_for(world.supervisor).get(url(world, "inboxes/")).json()
    assert listed[0]["bot"]["enabled"] is True


def test_a_change_keeps_the_settings_it_does_not_name(world):
    bot_on(world, max_low_confidence_turns=4)

    response = client_for(world.owner).patch(
        url(world, f"inboxes/{world.inbox.pk}/settings/"), {"enabled": False}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["max_low_confidence_turns"] == 4
    assert response.json()["enabled"] is False


def test_bad_settings_are_refused_and_nothing_changes(world):
    bot_on(world)
    response = client_for(world.admin).patch(
        url(world, f"inboxes/{world.inbox.pk}/settings/"),
        {"enabled": False, "answer_confidence": 7},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "bot.answer_confidence" in response.json()["fields"]
    world.inbox.refresh_from_db()
    assert world.inbox.settings["bot"]["enabled"] is True


def test_agents_and_supervisors_may_not_change_the_bot(world):
    for member in (world.agent, world.supervisor):
        response = client_for(member).patch(
            url(world, f"inboxes/{world.inbox.pk}/settings/"), {"enabled": True}, format="json"
        )
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
    world.inbox.refresh_from_db()
    assert "bot" not in world.inbox.settings
    assert client_for(world.agent).get(url(world, "inboxes/")).status_code == 403


def test_another_workspaces_inbox_is_not_found(world, other_world):
    response = client_for(world.admin).patch(
        url(world, f"inboxes/{other_world.inbox.pk}/settings/"), {"enabled": True}, format="json"
    )

    assert response.status_code == 404
    other_world.inbox.refresh_from_db()
    assert "bot" not in other_world.inbox.settings


# --- the generation endpoint --------------------------------------------------------------


def test_the_api_key_is_write_only(world, settings):
    settings.PARLEY_BOT_GENERATION_ALLOWED_HOSTS = ["127.0.0.1"]
    admin = client_for(world.admin)

    saved = admin.patch(
        url(world, "generation/"),
        {
            "enabled": True,
            "base_url": "http://127.0.0.1:9/v1",
            "model": "small",
            "api_key": "sk-secret-123",
        },
        format="json",
    )
    read = admin.get(url(world, "generation/"))

    assert saved.status_code == 200, saved.content
    for response in (saved, read):
        assert "sk-secret-123" not in response.content.decode()
        assert response.json()["has_api_key"] is True
    stored = BotGenerationConfig.objects.get()
    assert "sk-secret-123" not in stored.api_key  # encrypted at rest
    assert generation_api_key(stored) == "sk-secret-123"
    audit = AuditEvent.objects.get(action="bot.generation_changed")
    assert "sk-secret-123" not in str(audit.data)

    # Saving without a key keeps it; an empty key removes it.
    admin.patch(url(world, "generation/"), {"enabled": False}, format="json")
    assert generation_api_key(BotGenerationConfig.objects.get()) == "sk-secret-123"
    admin.patch(url(world, "generation/"), {"enabled": False, "api_key": ""}, format="json")
    assert BotGenerationConfig.objects.get().api_key == ""


@pytest.mark.parametrize(
    "base_url",
    [
        "http://127.0.0.1:8000",
        "http://localhost/v1",
        "http://10.1.2.3",
        "http://169.254.169.254",
        "ftp://x.example",
    ],
)
def test_endpoints_inside_the_network_are_refused(world, base_url):
    response = client_for(world.admin).patch(
        url(world, "generation/"),
        {"enabled": True, "base_url": base_url, "model": "m", "api_key": "k"},
        format="json",
    )

    assert response.status_code == 400
    assert "base_url" in response.json()["fields"]
    assert not BotGenerationConfig.objects.exists()


def test_only_admins_see_or_change_the_generation_endpoint(world):
    for member in (world.agent, world.supervisor):
        client = client_for(member)
        assert client.get(url(world, "generation/")).status_code == 403
        changed = client.patch(url(world, "generation/"), {"enabled": False}, format="json")
        assert changed.status_code == 403


# --- analytics and the conversation summary -----------------------------------------------


def test_agents_may_not_read_bot_analytics(world):
    assert client_for(world.agent).get(url(world, "analytics/")).status_code == 403
    assert client_for(world.supervisor).get(url(world, "analytics/")).status_code == 200


def test_a_conversation_of_another_workspace_has_no_bot_summary(world, other_world):
    knowledge_base(other_world, train=False)
    bot_on(other_world)
    theirs = say(other_world, "转人工")

    response = client_for(world.admin).get(url(world, f"conversations/{theirs.pk}/"))

    assert response.status_code == 404


# --- the widget ---------------------------------------------------------------------------


@pytest.fixture
def bot_world(world):
    world.contact.locale = "zh-CN"
    world.contact.save(update_fields=["locale"])
    knowledge_base(world)
    bot_on(world)
    return world


def test_a_visitor_rates_an_answer_once_and_may_change_it(bot_world):
    conversation = say(bot_world, "收货地址写错了怎么办")
    answer = conversation.messages.filter(sender_type="bot").order_by("-seq")[0]
    client = widget_client(bot_world)
    path = f"/api/widget/v1/bot/replies/{answer.pk}/rating"

    first = client.post(path, {"rating": "unhelpful"}, format="json")
    second = client.post(path, {"rating": "helpful"}, format="json")

    assert first.status_code == 200 and second.status_code == 200
    reply = BotReply.objects.get(message=answer)
    assert reply.rating == "helpful"
    assert BotReply.objects.exclude(rating="").count() == 1


def test_ratings_of_greetings_bad_values_and_other_visitors_are_refused(bot_world, other_world):
    conversation = say(bot_world, "收货地址写错了怎么办")
    greeting = conversation.messages.filter(sender_type="bot").order_by("seq")[0]
    answer = conversation.messages.filter(sender_type="bot").order_by("-seq")[0]
    client = widget_client(bot_world)

    assert (
        client.post(
            f"/api/widget/v1/bot/replies/{greeting.pk}/rating", {"rating": "helpful"}, format="json"
        ).status_code
        == 404
    )
    bad = client.post(
        f"/api/widget/v1/bot/replies/{answer.pk}/rating", {"rating": "meh"}, format="json"
    )
    assert bad.status_code == 400
    stranger = widget_client(other_world)
    assert (
        stranger.post(
            f"/api/widget/v1/bot/replies/{answer.pk}/rating", {"rating": "helpful"}, format="json"
        ).status_code
        == 404
    )
    assert BotReply.objects.get(message=answer).rating == ""


def test_the_widget_button_hands_over_and_the_choice_endpoint_answers(bot_world):
    conversation = say(bot_world, "退款 地址")
    choice = last_bot(conversation)["choices"][0]
    client = widget_client(bot_world)

    picked = client.post(
        f"/api/widget/v1/conversations/{conversation.pk}/bot/choice",
        {"faq": choice["faq"]},
        format="json",
    )
    handed = client.post(f"/api/widget/v1/conversations/{conversation.pk}/bot/handoff")
    again = client.post(f"/api/widget/v1/conversations/{conversation.pk}/bot/handoff")

    assert picked.status_code == 204
    assert handed.status_code == 204
    assert again.status_code == 409  # no longer with the bot
    conversation.refresh_from_db()
    assert conversation.status == Status.QUEUED
    assert conversation.topic == "change_address"


def test_a_visitor_cannot_hand_over_someone_elses_conversation(bot_world, other_world):
    conversation = say(bot_world, "你好")

    response = widget_client(other_world).post(
        f"/api/widget/v1/conversations/{conversation.pk}/bot/handoff"
    )

    assert response.status_code == 404
    conversation.refresh_from_db()
    assert conversation.status == Status.BOT


def test_the_bot_buttons_spend_the_contacts_message_budget(bot_world, settings):
    settings.PARLEY_RATE_CONTACT_MESSAGES = "2/min"
    conversation = say(bot_world, "退款 地址")  # 1
    client = widget_client(bot_world)
    choice = last_bot(conversation)["choices"][0]

    picked = client.post(
        f"/api/widget/v1/conversations/{conversation.pk}/bot/choice",
        {"faq": choice["faq"]},
        format="json",
    )  # 2
    refused = client.post(f"/api/widget/v1/conversations/{conversation.pk}/bot/handoff")

    assert picked.status_code == 204
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    conversation.refresh_from_db()
    assert conversation.status == Status.BOT
