"""The retention job on generated history with files on disk: what it removes, what it keeps
(statistics), that it is batched, idempotent, reported and audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from parley.accounts.models import AuditEvent
from parley.compliance.models import PrivacySettings, RetentionAction, RetentionRun
from parley.compliance.retention import retention_run, retention_run_all
from parley.compliance.tasks import apply_retention
from parley.conversations.models import Attachment, CsatResponse, Message, MessageKind
from parley.ops.schedule import PERIODIC_JOBS
from parley.tickets.models import CreatedVia
from parley.tickets.services import ticket_create
from tests.compliance.history import Story, conversation_with_history, statistics
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


def policy(world: World, **values) -> PrivacySettings:
    return PrivacySettings.objects.create(workspace=world.workspace, **values)


@dataclass
class History:
    old: list[Story]
    recent: Story
    going_on: Story


def history(world: World) -> History:
    old = [
        conversation_with_history(
            inbox=world.inbox, contact=world.contact, agent=world.supervisor, age_days=40
        )
        for _ in range(3)
    ]
    recent = conversation_with_history(
        inbox=world.inbox, contact=world.contact, agent=world.supervisor, age_days=5
    )
    # Old but still going on: never touched, however old.
    going_on = conversation_with_history(
        inbox=world.inbox, contact=world.contact, agent=world.supervisor, age_days=90,
        resolve=False,
    )  # fmt: skip
    return History(old=old, recent=recent, going_on=going_on)


def test_anonymise_blanks_old_conversations_keeps_their_shape_and_the_statistics(world: World):
    stories = history(world)
    policy(world, conversation_days=30, retention_action=RetentionAction.ANONYMISE)
    old_ids = [s.conversation.pk for s in stories.old]
    shape = list(
        Message.objects.filter(conversation_id__in=old_ids).values_list("pk", "seq", "kind")
    )
    before = statistics(world.workspace.pk)
    assert all(s.file_path.exists() for s in stories.old)

    run = retention_run(workspace=world.workspace, batch_size=2)

    assert run is not None
    assert (run.conversations, run.attachments, run.files) == (3, 3, 3)
    assert run.messages == len(shape)
    old_messages = Message.objects.filter(conversation_id__in=old_ids)
    assert list(old_messages.values_list("pk", "seq", "kind")) == shape
    texts = old_messages.exclude(kind=MessageKind.EVENT)
    assert set(texts.values_list("body", flat=True)) == {""}
    assert set(texts.values_list("search_words", flat=True)) == {""}
    assert all(m.data.get("redacted") == "retention" for m in old_messages)
    assert not Attachment.objects.filter(message__conversation_id__in=old_ids).exists()
    assert not any(s.file_path.exists() for s in stories.old)
    assert set(
        CsatResponse.objects.filter(conversation_id__in=old_ids).values_list("comment", flat=True)
    ) == {""}
    # Recent and still-open conversations keep everything.
    for story in (stories.recent, stories.going_on):
        assert story.file_path.exists()
        assert "13812345678" in Message.objects.filter(conversation=story.conversation)[0].body
    assert statistics(world.workspace.pk) == before
    entry = AuditEvent.objects.get(action="privacy.retention_applied")
    assert entry.data["conversations"] == 3 and entry.target_id == str(run.pk)


def test_delete_removes_old_messages_and_keeps_the_conversation_rows_and_statistics(world: World):
    stories = history(world)
    policy(world, conversation_days=30, retention_action=RetentionAction.DELETE)
    old_ids = [s.conversation.pk for s in stories.old]
    count = Message.objects.filter(conversation_id__in=old_ids).count()
    before = statistics(world.workspace.pk)

    run = retention_run(workspace=world.workspace)

    assert run is not None and run.messages == count and run.conversations == 3
    assert not Message.objects.filter(conversation_id__in=old_ids).exists()
    assert not any(s.file_path.exists() for s in stories.old)
    assert Message.objects.filter(conversation=stories.recent.conversation).exists()
    assert statistics(world.workspace.pk) == before


def test_a_second_run_finds_nothing_left_and_says_so(world: World):
    history(world)
    policy(world, conversation_days=30, attachment_days=30)
    first = retention_run(workspace=world.workspace)
    events = AuditEvent.objects.filter(action="privacy.retention_applied").count()

    second = retention_run(workspace=world.workspace)

    assert first is not None and first.conversations == 3
    assert second is not None
    assert (second.conversations, second.messages, second.attachments, second.files) == (0,) * 4
    assert RetentionRun.objects.filter(workspace=world.workspace).count() == 2
    # Nothing removed, nothing to audit.
    assert AuditEvent.objects.filter(action="privacy.retention_applied").count() == events


def test_attachments_have_their_own_period(world: World):
    stories = history(world)
    policy(world, attachment_days=60)  # conversations kept

    run = retention_run(workspace=world.workspace)

    assert run is not None and (run.conversations, run.attachments, run.files) == (0, 1, 1)
    assert not stories.going_on.file_path.exists()  # 90 days old
    assert all(s.file_path.exists() for s in stories.old)  # 40 days
    assert "13812345678" in Message.objects.filter(conversation=stories.old[0].conversation)[0].body


def test_ticket_subjects_and_fields_go_with_the_content(world: World):
    ticket = ticket_create(
        inbox=world.inbox,
        contact=world.contact,
        subject="Refund for 13812345678",
        description="Please refund",
        created_via=CreatedVia.CONSOLE,
        actor=world.supervisor,
    )
    from parley.conversations.services import conversation_set_status

    conversation_set_status(
        conversation=ticket.conversation, status="resolved", actor=world.supervisor
    )
    ticket.conversation.__class__.objects.filter(pk=ticket.pk).update(
        last_activity_at=timezone.now() - timedelta(days=400)
    )
    policy(world, conversation_days=365)

    retention_run(workspace=world.workspace)

    ticket.refresh_from_db()
    assert ticket.subject == "" and ticket.number >= 1


def test_workspaces_without_a_policy_keep_everything(world: World, other_world: World):
    stories = history(world)
    PrivacySettings.objects.create(workspace=other_world.workspace, conversation_days=1)

    runs = retention_run_all()

    assert [r.workspace_id for r in runs] == [other_world.workspace.pk]
    assert all(s.file_path.exists() for s in stories.old)
    assert retention_run(workspace=world.workspace) is None


def test_the_job_is_scheduled_and_runs_every_workspace(world: World):
    history(world)
    policy(world, conversation_days=30)
    job = next(j for j in PERIODIC_JOBS if j.task == "parley.compliance.tasks.apply_retention")
    assert job.every <= timedelta(days=1)

    assert apply_retention.apply().get() == 1

    assert RetentionRun.objects.get(workspace=world.workspace).conversations == 3
