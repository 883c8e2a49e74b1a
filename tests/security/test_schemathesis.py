"""A bounded schemathesis run against /api/schema/ through the WSGI app: generated requests to
every operation must never get a 5xx, in both CI passes (SQLite and PostgreSQL).

Two runs: without credentials (the widget, auth and public endpoints see the generated bodies;
member endpoints stop at 401/403), and as the owner of a workspace through an API token, so every
member endpoint's parameters and bodies are generated too (ids are mostly unknown: 404). Three
examples per operation and run keep it bounded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from parley.accounts.models import Role
from parley.accounts.services import api_token_issue
from tests.factories import MemberFactory, WorkspaceFactory

pytestmark = [pytest.mark.django_db]

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
# The owner's run leaves out the coverage phase (the boundary values the first run already sends
# to every operation): with it, the run took minutes.
owner_schema = schemathesis.openapi.from_wsgi(
    "/api/schema/",
    get_wsgi_application(),
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}}),
)


@pytest.fixture(autouse=True)
def keep_test_connection() -> Iterator[None]:
    """Calling the WSGI app directly fires request_started/finished, whose
    close_old_connections drops a connection left outside autocommit — the test's own
    transaction. On PostgreSQL every later request then failed with "the connection is
    closed" (SQLite's in-memory test database is never closed). Django's test client
    disconnects the same handler; so do we."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_no_5xx(case):
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.status_code)


@pytest.fixture
def owner_token() -> tuple[str, str]:
    """(workspace slug, API token key) of a workspace's owner."""
    workspace = WorkspaceFactory()
    owner = MemberFactory(workspace=workspace, role=Role.OWNER)
    return workspace.slug, api_token_issue(member=owner, name="schemathesis").key


@owner_schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_no_5xx_to_the_owner(case, owner_token):
    slug, key = owner_token
    if case.path_parameters and "workspace" in case.path_parameters:
        case.path_parameters["workspace"] = slug
    response = case.call(headers={"Authorization": f"Token {key}"})
    assert response.status_code < 500, (case.method, case.path, response.status_code)
