"""A handoff puts the bot's intent where routing reads it: the skills policy gives the
conversation to an agent with the FAQ's skill."""

import pytest

from parley.conversations.models import Status
from parley.conversations.presence import mark_present
from parley.routing.models import AgentSkill
from tests.bot.bot_world import bot_on, knowledge_base, say

pytestmark = pytest.mark.django_db


@pytest.fixture
def say_committed(django_capture_on_commit_callbacks):
    """Routing runs after commit: each message's callbacks run as it commits."""

    def say_it(world, body, conversation=None):
        with django_capture_on_commit_callbacks(execute=True):
            said = say(world, body, conversation)
        said.refresh_from_db()
        return said

    return say_it


@pytest.fixture
def skills_world(world):
    world.contact.locale = "zh-CN"
    world.contact.save(update_fields=["locale"])
    knowledge_base(world)  # the address FAQs ask for "logistics"
    bot_on(world)
    world.inbox.settings = {**world.inbox.settings, "routing": {"policy": "skills"}}
    world.inbox.save(update_fields=["settings"])
    AgentSkill.objects.create(member=world.other_agent, skill="logistics", level=3)
    mark_present([world.agent.pk, world.other_agent.pk])
    return world


def test_a_handoff_after_an_address_answer_goes_to_the_logistics_agent(skills_world, say_committed):
    conversation = say_committed(skills_world, "收货地址写错了怎么办")
    assert conversation.status == Status.BOT
    assert conversation.assignee is None  # the bot's conversations are never routed

    conversation = say_committed(skills_world, "转人工", conversation)

    assert conversation.status == Status.OPEN
    assert conversation.assignee == skills_world.other_agent
    assert conversation.topic == "change_address"


def test_a_topic_the_inbox_maps_wins_over_the_faq_skill(skills_world, say_committed):
    skills_world.inbox.settings = {
        **skills_world.inbox.settings,
        "routing": {"policy": "skills", "topic_skills": {"change_address": ["vip"]}},
    }
    skills_world.inbox.save(update_fields=["settings"])
    AgentSkill.objects.create(member=skills_world.agent, skill="vip", level=1)

    conversation = say_committed(skills_world, "收货地址写错了怎么办")
    conversation = say_committed(skills_world, "转人工", conversation)

    assert conversation.assignee == skills_world.agent


def test_a_handoff_without_an_intent_goes_to_whoever_is_least_busy(skills_world, say_committed):
    conversation = say_committed(skills_world, "转人工")

    assert conversation.status == Status.OPEN
    assert conversation.topic == ""
    assert conversation.assignee in (skills_world.agent, skills_world.other_agent)
