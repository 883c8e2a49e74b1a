"""The workspace's quality settings."""

from __future__ import annotations

from django.db import transaction

from parley.accounts.models import Member
from parley.accounts.services import audit_record
from parley.errors import ApplicationError, ErrorCode
from parley.quality.models import QualitySettings
from parley.quality.selectors import quality_settings
from parley.quality.services.common import require_supervising

MAX_SAMPLE_SIZE = 50


@transaction.atomic
def quality_settings_update(*, actor: Member, sample_size: int) -> QualitySettings:
    require_supervising(actor, "change quality settings")
    if not 0 <= sample_size <= MAX_SAMPLE_SIZE:
        raise ApplicationError(
            ErrorCode.INVALID,
            f"The sample size is from 0 to {MAX_SAMPLE_SIZE} per agent and week.",
            fields={"sample_size": f"0 to {MAX_SAMPLE_SIZE}"},
        )
    current = quality_settings(workspace_id=actor.workspace_id)
    before = current.sample_size
    current.sample_size = sample_size
    current.save()
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="quality.settings_updated",
        target=current,
        data={"sample_size": [before, sample_size]},
    )
    return current
