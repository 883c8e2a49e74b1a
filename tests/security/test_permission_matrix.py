"""Generated from parley/accounts/permissions_matrix.py: every member API endpoint × every role.

An allowed role must get past authorization (any answer but 403; a 400 for the empty body is
fine), a refused role must get 403 (404 where the rule hides the resource), and in both cases a
refused request changes nothing stored. A route in the URL configuration that the matrix lacks
fails here, and so does a matrix row with no route.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver

from parley.accounts.models import Role
from parley.accounts.permissions_matrix import MATRIX, ROLES, Rule, markdown_table
from parley.accounts.services import api_token_issue
from parley.bot.services.articles import article_create
from parley.bot.services.synonyms import synonym_create
from parley.conversations.canned import CannedInput, canned_create
from parley.conversations.models import CannedScope
from parley.tickets.models import CreatedVia
from parley.tickets.services.create import ticket_create
from parley.tickets.services.definitions import custom_field_create
from parley.urls import workspace_api
from tests.conftest import World, client_for
from tests.factories import ConversationFactory

MISSING = 10**8  # an id nothing has: the routes whose objects are not built here


def walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            found += walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            found.append((prefix + str(p.pattern), getattr(p.callback, "view_class", None)))
    return found


def routed() -> set[tuple[str, str]]:
    return {
        (method.upper(), route)
        for route, view in walk(workspace_api)
        for method in ("get", "post", "put", "patch", "delete")
        if hasattr(view, method)
    }


def test_every_endpoint_has_a_row_and_every_row_an_endpoint():
    in_matrix = {(r.method, r.route) for r in MATRIX}
    assert routed() - in_matrix == set(), "endpoints without a permission rule"
    assert in_matrix - routed() == set(), "permission rules without an endpoint"
    assert len(in_matrix) == len(MATRIX), "a rule is listed twice"


def test_the_documented_table_is_the_generated_one():
    doc = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
    assert markdown_table() in doc.read_text(encoding="utf-8")


def build_ids(world: World) -> dict[str, int]:
    conversation = ConversationFactory(inbox=world.inbox, contact=world.contact)
    article = article_create(actor=world.owner, title="Returns", body="<p>30 days</p>", locale="en")
    synonym = synonym_create(actor=world.owner, term="refund", equivalents=["money back"])
    field = custom_field_create(actor=world.owner, key="order", label="Order", kind="text")
    ticket = ticket_create(
        inbox=world.inbox,
        contact=world.contact,
        subject="Broken",
        description="It broke",
        created_via=CreatedVia.CONSOLE,
        actor=world.owner,
    )
    return {
        "conversation_id": conversation.pk,
        "contact_id": world.contact.pk,
        "member_id": world.agent.pk,
        "inbox_id": world.inbox.pk,
        "ticket_id": ticket.pk,
        "field_id": field.pk,
        "article_id": article.pk,
        "synonym_id": synonym.pk,
    }


def url_for(world: World, rule: Rule, ids: dict[str, int]) -> str:
    path = re.sub(r"<int:(\w+)>", lambda m: str(ids.get(m.group(1), MISSING)), rule.route)
    return f"/api/v1/workspaces/{world.workspace.slug}/{path}"


def stored_state() -> dict[str, int]:
    """Row counts of every table: a refused request must not add or remove a row."""
    from django.apps import apps

    return {m._meta.label: m._default_manager.count() for m in apps.get_models() if m._meta.managed}


class RolledBack(Exception):
    """Raised to undo one role's request before the next role tries."""


@pytest.mark.parametrize("rule", MATRIX, ids=lambda r: f"{r.method} {r.route}")
def test_role_matrix(world: World, rule: Rule):
    ids = build_ids(world)
    # Each role's own token and personal quick reply: the rows are about one's own.
    tokens = {role: api_token_issue(member=world.member(Role(role)), name="mine") for role in ROLES}
    canned = {
        role: canned_create(
            member=world.member(Role(role)),
            data=CannedInput(scope=CannedScope.PERSONAL, shortcut="hi", title="Hi", body="Hello"),
        )
        for role in ROLES
    }
    wrong: list[str] = []
    for role in ROLES:
        url = url_for(
            world, rule, {**ids, "token_id": tokens[role].token.pk, "canned_id": canned[role].pk}
        )
        before = stored_state()
        try:
            with transaction.atomic():
                response = client_for(world.member(Role(role))).generic(
                    rule.method, url, data="{}", content_type="application/json"
                )
                after = stored_state()
                raise RolledBack
        except RolledBack:
            pass
        got = f"{role}: {response.status_code} {response.content[:120]!r}"
        if response.status_code >= 500:
            wrong.append(got)
        elif role in rule.allowed and response.status_code == 403:
            wrong.append("refused but allowed: " + got)
        elif role not in rule.allowed and (
            response.status_code != (404 if rule.hidden else 403) or after != before
        ):
            wrong.append("let through but refused: " + got)
    assert wrong == [], wrong
