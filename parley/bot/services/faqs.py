"""FAQs: a question, the other ways customers ask it and the answer; the intent model's
training data (selectors.faq_training_examples)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from parley.accounts.models import Member
from parley.accounts.services import audit_record
from parley.bot.models import Article, Faq
from parley.bot.services.common import (
    clean_line,
    clean_lines,
    clean_locale,
    kb_changed,
    require_editor,
)
from parley.bot.services.intent_training import intent_training_request
from parley.bot.services.sanitize import clean_html, plain_text
from parley.errors import ApplicationError, ErrorCode

QUESTION_MAX = 300
PARAPHRASES_MAX = 100
ANSWER_MAX = 20_000
LABEL_MAX = 80
# An intent label is a word-like name (refund_status, 退款进度); "faq:" is kept for the default.
_LABEL = re.compile(r"^[\w.-]+$")


@dataclass
class FaqInput:
    question: str
    answer: str
    locale: str
    paraphrases: list[str] = field(default_factory=list)
    intent: str = ""
    skill: str = ""
    article: Article | None = None
    published: bool = False


def _clean_label(value: str, name: str) -> str:
    text = clean_line(value, field=name, max_length=LABEL_MAX, required=False)
    if text and (not _LABEL.match(text) or text.startswith("faq:")):
        raise ApplicationError(
            ErrorCode.INVALID,
            f"{name} is one word: letters, digits, _ . or -.",
            fields={name: "letters, digits, _ . or -"},
        )
    return text


def _cleaned(actor: Member, data: FaqInput) -> dict[str, Any]:
    if len(data.answer) > ANSWER_MAX:
        raise ApplicationError(
            ErrorCode.BODY_TOO_LONG,
            f"An answer is at most {ANSWER_MAX} characters.",
            fields={"answer": f"at most {ANSWER_MAX} characters"},
        )
    answer = clean_html(data.answer)
    answer_text = plain_text(answer)
    if not answer_text:
        raise ApplicationError(
            ErrorCode.INVALID, "An answer is required.", fields={"answer": "empty"}
        )
    if data.article is not None and data.article.workspace_id != actor.workspace_id:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such article.")
    question = clean_line(data.question, field="question", max_length=QUESTION_MAX)
    paraphrases = [
        p
        for p in clean_lines(
            data.paraphrases,
            field="paraphrases",
            max_length=QUESTION_MAX,
            max_items=PARAPHRASES_MAX,
        )
        if p.casefold() != question.casefold()
    ]
    return {
        "question": question,
        "paraphrases": paraphrases,
        "answer": answer,
        "answer_text": answer_text,
        "intent": _clean_label(data.intent, "intent"),
        "skill": _clean_label(data.skill, "skill"),
        "article": data.article,
        "locale": clean_locale(data.locale),
        "published": data.published,
    }


@transaction.atomic
def faq_create(*, actor: Member, data: FaqInput) -> Faq:
    require_editor(actor)
    faq = Faq.objects.create(workspace_id=actor.workspace_id, **_cleaned(actor, data))
    kb_changed(workspace_id=actor.workspace_id)
    intent_training_request(workspace_id=actor.workspace_id)
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="kb.faq_created",
        target=faq,
        data={"question": faq.question, "published": faq.published},
    )
    return faq


@transaction.atomic
def faq_update(*, actor: Member, faq: Faq, data: FaqInput) -> Faq:
    """Replaces the FAQ's fields with ``data`` (the API fills omitted fields from the FAQ)."""
    require_editor(actor)
    values = _cleaned(actor, data)
    changed = sorted(name for name, value in values.items() if getattr(faq, name) != value)
    if not changed:
        return faq
    for name, value in values.items():
        setattr(faq, name, value)
    faq.save()
    kb_changed(workspace_id=faq.workspace_id)
    intent_training_request(workspace_id=faq.workspace_id)
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="kb.faq_updated",
        target=faq,
        data={"fields": changed},
    )
    return faq


@transaction.atomic
def faq_delete(*, actor: Member, faq: Faq) -> None:
    require_editor(actor)
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="kb.faq_deleted",
        target=faq,
        data={"question": faq.question},
    )
    kb_changed(workspace_id=faq.workspace_id)
    intent_training_request(workspace_id=faq.workspace_id)
    faq.delete()
