"""The project is consistent: system checks pass and the migrations match the models."""

from __future__ import annotations

import pytest
from django.core.management import call_command


def test_system_checks_pass():
    call_command("check", fail_level="WARNING")


@pytest.mark.django_db
def test_migrations_match_the_models():
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)


def test_the_openapi_schema_is_valid_and_complete(tmp_path):
    # --fail-on-warn: every view's input and output is described, no name collides.
    call_command("spectacular", validate=True, fail_on_warn=True, file=str(tmp_path / "schema.yml"))
    schema = (tmp_path / "schema.yml").read_text()
    assert "/api/widget/v1/sessions" in schema and "apiToken" in schema


def test_the_schema_and_its_browsable_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    # Swagger UI comes from the installed sidecar package, never from a CDN.
    assert b"cdn" not in docs.content.lower()


def test_front_end_chunks_with_a_content_hash_are_cached_for_good():
    from parley.ops.static import VITE_HASHED

    assert VITE_HASHED.search("/static/widget/app-Bx3kd9aQ.js")
    assert VITE_HASHED.search("/static/console/assets/index-CkP2x8sA.css")
    assert not VITE_HASHED.search("/static/widget/widget.js")  # the loader must stay fresh
