"""Synonyms: a term and the words customers use for it; search treats them as one."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from parley.accounts.models import Member
from parley.accounts.services import audit_record
from parley.bot.models import Synonym
from parley.bot.services.common import clean_line, clean_lines, kb_changed, require_editor
from parley.errors import ApplicationError, ErrorCode

TERM_MAX = 80
EQUIVALENTS_MAX = 30


def _clean(term: str, equivalents: list[str]) -> tuple[str, list[str]]:
    term = clean_line(term, field="term", max_length=TERM_MAX)
    others = [
        e
        for e in clean_lines(
            equivalents,
            field="equivalents",
            max_length=TERM_MAX,
            max_items=EQUIVALENTS_MAX,
            required=True,
        )
        if e.casefold() != term.casefold()
    ]
    if not others:
        raise ApplicationError(
            ErrorCode.INVALID,
            "A synonym needs at least one word besides the term.",
            fields={"equivalents": "at least one other word"},
        )
    return term, others


def _save(synonym: Synonym) -> None:
    try:
        with transaction.atomic():
            synonym.save()
    except IntegrityError as exc:
        raise ApplicationError(
            ErrorCode.INVALID,
            f"The term {synonym.term!r} already has synonyms.",
            fields={"term": "already used"},
        ) from exc


@transaction.atomic
def synonym_create(*, actor: Member, term: str, equivalents: list[str]) -> Synonym:
    require_editor(actor)
    term, others = _clean(term, equivalents)
    synonym = Synonym(workspace_id=actor.workspace_id, term=term, equivalents=others)
    _save(synonym)
    kb_changed(workspace_id=actor.workspace_id)
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="kb.synonym_created",
        target=synonym,
        data={"term": term, "equivalents": others},
    )
    return synonym


@transaction.atomic
def synonym_update(
    *, actor: Member, synonym: Synonym, term: str, equivalents: list[str]
) -> Synonym:
    require_editor(actor)
    synonym.term, synonym.equivalents = _clean(term, equivalents)
    _save(synonym)
    kb_changed(workspace_id=synonym.workspace_id)
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="kb.synonym_updated",
        target=synonym,
        data={"term": synonym.term, "equivalents": synonym.equivalents},
    )
    return synonym


@transaction.atomic
def synonym_delete(*, actor: Member, synonym: Synonym) -> None:
    require_editor(actor)
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="kb.synonym_deleted",
        target=synonym,
        data={"term": synonym.term},
    )
    kb_changed(workspace_id=synonym.workspace_id)
    synonym.delete()
