"""API tokens: stored hashed, shown once (tests/accounts/test_auth_api.py), with an optional
expiry, and never written to the logs."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from parley.accounts.models import ApiToken


def issue(world, **extra):
    client = APIClient()
    client.force_authenticate(world.agent.user)
    response = client.post(
        f"/api/v1/workspaces/{world.workspace.slug}/tokens/",
        {"name": "crm", **extra},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_token_with_an_expiry_stops_working_after_it(world):
    created = issue(world, expires_in_days=30)
    stored = ApiToken.objects.get(pk=created["id"])
    assert stored.expires_at is not None
    assert timedelta(days=29) < stored.expires_at - timezone.now() <= timedelta(days=30)
    integration = APIClient()
    integration.credentials(HTTP_AUTHORIZATION=f"Token {created['key']}")
    url = f"/api/v1/workspaces/{world.workspace.slug}/members/"
    assert integration.get(url).status_code == 200

    ApiToken.objects.filter(pk=stored.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    refused = integration.get(url)
    assert refused.status_code == 401 and refused.json()["code"] == "not_authenticated"


def test_an_expiry_out_of_range_is_refused(world):
    client = APIClient()
    client.force_authenticate(world.agent.user)
    response = client.post(
        f"/api/v1/workspaces/{world.workspace.slug}/tokens/",
        {"name": "crm", "expires_in_days": 0},
        format="json",
    )
    assert response.status_code == 400 and "expires_in_days" in response.json()["fields"]
    assert not ApiToken.objects.exists()


def test_a_token_never_reaches_the_logs(world, caplog):
    caplog.set_level(logging.DEBUG)
    key = issue(world)["key"]
    integration = APIClient()
    integration.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    integration.get(f"/api/v1/workspaces/{world.workspace.slug}/members/")
    integration.get(f"/api/v1/workspaces/{world.workspace.slug}/no-such-thing/")
    integration.credentials(HTTP_AUTHORIZATION=f"Token {key}x")
    integration.get(f"/api/v1/workspaces/{world.workspace.slug}/members/")

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert key not in logged and key[8:] not in logged
