"""Scorecards: supervisors define them; a change of criteria is a new version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from parley.accounts.models import Member
from parley.accounts.services import audit_record
from parley.errors import ApplicationError, ErrorCode
from parley.quality.models import Criterion, Scorecard
from parley.quality.services.common import clean_text, require_supervising

MAX_CRITERIA = 30
MAX_WEIGHT = 100
MAX_SCORE = 10


@dataclass(frozen=True)
class CriterionInput:
    label: str
    description: str = ""
    weight: int = 1
    max_score: int = 1
    critical: bool = False


def _clean_criteria(criteria: list[CriterionInput]) -> list[CriterionInput]:
    if not 1 <= len(criteria) <= MAX_CRITERIA:
        raise ApplicationError(
            ErrorCode.INVALID,
            f"A scorecard has 1 to {MAX_CRITERIA} criteria.",
            fields={"criteria": f"1 to {MAX_CRITERIA}"},
        )
    cleaned = []
    for index, c in enumerate(criteria):
        if not 1 <= c.weight <= MAX_WEIGHT:
            raise ApplicationError(
                ErrorCode.INVALID,
                f"A weight is from 1 to {MAX_WEIGHT}.",
                fields={"criteria": {str(index): {"weight": f"1 to {MAX_WEIGHT}"}}},
            )
        if not 1 <= c.max_score <= MAX_SCORE:
            raise ApplicationError(
                ErrorCode.INVALID,
                f"The highest score is from 1 (pass/fail) to {MAX_SCORE}.",
                fields={"criteria": {str(index): {"max_score": f"1 to {MAX_SCORE}"}}},
            )
        cleaned.append(
            CriterionInput(
                label=clean_text(c.label, field="label", max_length=120),
                description=clean_text(
                    c.description, field="description", max_length=500, required=False
                ),
                weight=c.weight,
                max_score=c.max_score,
                critical=c.critical,
            )
        )
    return cleaned


def _write_criteria(scorecard: Scorecard, criteria: list[CriterionInput]) -> None:
    Criterion.objects.bulk_create(
        [
            Criterion(
                scorecard=scorecard,
                position=position,
                label=c.label,
                description=c.description,
                weight=c.weight,
                max_score=c.max_score,
                critical=c.critical,
            )
            for position, c in enumerate(criteria)
        ]
    )


def _name_taken(name: str) -> ApplicationError:
    return ApplicationError(
        ErrorCode.INVALID, f"A scorecard named {name!r} exists.", fields={"name": "already used"}
    )


@transaction.atomic
def scorecard_create(
    *, actor: Member, name: str, criteria: list[CriterionInput], active: bool = True
) -> Scorecard:
    require_supervising(actor, "define scorecards")
    name = clean_text(name, field="name", max_length=120)
    cleaned = _clean_criteria(criteria)
    try:
        with transaction.atomic():
            scorecard = Scorecard.objects.create(
                workspace_id=actor.workspace_id, name=name, active=active
            )
    except IntegrityError as exc:
        raise _name_taken(name) from exc
    _write_criteria(scorecard, cleaned)
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="quality.scorecard_created",
        target=scorecard,
        data={"name": name, "criteria": len(cleaned)},
    )
    return scorecard


@transaction.atomic
def scorecard_update(
    *,
    actor: Member,
    scorecard: Scorecard,
    name: str | None = None,
    active: bool | None = None,
    criteria: list[CriterionInput] | None = None,
) -> Scorecard:
    """Rename, (de)activate, or replace the criteria (a new version; past reviews keep theirs)."""
    require_supervising(actor, "edit scorecards")
    changes: dict[str, Any] = {}
    if name is not None:
        scorecard.name = clean_text(name, field="name", max_length=120)
        changes["name"] = scorecard.name
    if active is not None:
        scorecard.active = active
        changes["active"] = active
    if criteria is not None:
        cleaned = _clean_criteria(criteria)
        scorecard.criteria.all().delete()
        _write_criteria(scorecard, cleaned)
        scorecard.version += 1
        changes["version"] = scorecard.version
    try:
        with transaction.atomic():
            scorecard.save()
    except IntegrityError as exc:
        raise _name_taken(scorecard.name) from exc
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="quality.scorecard_updated",
        target=scorecard,
        data=changes,
    )
    return scorecard
