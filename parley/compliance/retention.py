"""The retention job: per workspace, remove conversations' content and attachments older than
the workspace's periods (docs/privacy.md, "Retention").

- A conversation counts from its last activity, and only once resolved: a conversation still
  going on is never touched, however old. ``delete`` removes its messages; ``anonymise`` keeps
  them without their content (parley/compliance/content.py). The conversation row stays.
- An attachment counts from its upload; past its period it is deleted (row, file, thumbnail):
  a file cannot be anonymised.

Idempotent (a second run finds nothing left to do), batched (one transaction per batch of
conversations or attachments, so a long backlog never holds a long lock), and reported: each
run of a workspace with a policy writes a RetentionRun with its counts, and an audit entry when
it removed anything. Statistics (reporting events, rollups, CSAT ratings) are not touched.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from parley.accounts.models import Member, Role, Workspace
from parley.accounts.services import audit_record
from parley.compliance.content import Removed, attachments_delete, conversations_strip
from parley.compliance.models import PrivacySettings, RetentionAction, RetentionRun
from parley.conversations.models import Attachment, Conversation, Message, Status
from parley.errors import ApplicationError, ErrorCode

BATCH = 200


def _conversation_batch(
    *, workspace_id: int, before: datetime, delete: bool, size: int
) -> list[int]:
    with_content = Message.objects.filter(conversation=OuterRef("pk"))
    if not delete:
        with_content = with_content.exclude(data__has_key="redacted")
    return list(
        Conversation.objects.filter(
            workspace_id=workspace_id, status=Status.RESOLVED, last_activity_at__lt=before
        )
        .filter(Exists(with_content))
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )


def retention_run(
    *, workspace: Workspace, now: datetime | None = None, batch_size: int = BATCH
) -> RetentionRun | None:
    """Apply the workspace's policy once. None when it has no policy (nothing is kept for it)."""
    settings = PrivacySettings.objects.filter(workspace=workspace).first()
    if settings is None or (
        settings.conversation_days is None and settings.attachment_days is None
    ):
        return None
    now = now or timezone.now()
    run = RetentionRun.objects.create(
        workspace=workspace,
        started_at=now,
        action=settings.retention_action,
        conversation_days=settings.conversation_days,
        attachment_days=settings.attachment_days,
    )
    total = Removed()
    conversations = 0
    if settings.conversation_days is not None:
        delete = settings.retention_action == RetentionAction.DELETE
        before = now - timedelta(days=settings.conversation_days)
        while True:
            with transaction.atomic():
                ids = _conversation_batch(
                    workspace_id=workspace.pk, before=before, delete=delete, size=batch_size
                )
                if not ids:
                    break
                total.add(
                    conversations_strip(
                        conversation_ids=ids,
                        delete_messages=delete,
                        reason="retention",
                        forget_addresses=False,
                    )
                )
                conversations += len(ids)
    if settings.attachment_days is not None:
        before = now - timedelta(days=settings.attachment_days)
        while True:
            with transaction.atomic():
                batch = list(
                    Attachment.objects.filter(workspace=workspace, created_at__lt=before)
                    .order_by("pk")
                    .values_list("pk", flat=True)[:batch_size]
                )
                if not batch:
                    break
                total.add(attachments_delete(Attachment.objects.filter(pk__in=batch)))
    run.finished_at = timezone.now()
    run.conversations = conversations
    run.messages = total.messages
    run.attachments = total.attachments
    run.files = total.files
    run.save(update_fields=["finished_at", "conversations", "messages", "attachments", "files"])
    if conversations or total.attachments:
        audit_record(
            workspace=workspace,
            actor=None,
            action="privacy.retention_applied",
            target=run,
            data={
                "action": run.action,
                "conversations": conversations,
                "messages": total.messages,
                "attachments": total.attachments,
                "files": total.files,
            },
        )
    return run


def retention_run_all(*, now: datetime | None = None) -> list[RetentionRun]:
    """Every workspace with a policy, one after the other (the periodic job)."""
    runs = []
    workspace_ids = (
        PrivacySettings.objects.filter(conversation_days__isnull=False)
        .values_list("workspace_id", flat=True)
        .union(
            PrivacySettings.objects.filter(attachment_days__isnull=False).values_list(
                "workspace_id", flat=True
            )
        )
    )
    for workspace in Workspace.objects.filter(pk__in=list(workspace_ids)).order_by("pk"):
        run = retention_run(workspace=workspace, now=now)
        if run is not None:
            runs.append(run)
    return runs


def retention_run_now(*, actor: Member) -> RetentionRun:
    """An admin runs the policy now; refused (400) when the workspace has none."""
    if actor.role not in (Role.OWNER, Role.ADMIN):
        raise ApplicationError(ErrorCode.PERMISSION_DENIED, "Only admins run retention.")
    run = retention_run(workspace=actor.workspace)
    if run is None:
        raise ApplicationError(
            ErrorCode.INVALID,
            "This workspace keeps everything: set a retention period first.",
            fields={"conversation_days": "not set", "attachment_days": "not set"},
        )
    return run
