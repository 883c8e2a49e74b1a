"""Security headers on the pages Parley serves: a strict Content-Security-Policy, no framing,
no MIME sniffing."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import World


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/app/", "/app/inbox", "/demo/", "/healthz"])
def test_pages_forbid_inline_and_foreign_scripts_and_framing(db, client: Client, path: str):
    response = client.get(path)
    policy = directives(response)
    assert policy["script-src"] == "script-src 'self'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]
    assert policy["object-src"] == "object-src 'none'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert policy["base-uri"] == "base-uri 'self'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_help_center_and_ticket_form_have_the_policy(world: World, client: Client):
    for path in (f"/help/{world.workspace.slug}/", f"/support/{world.workspace.slug}/new"):
        response = client.get(path)
        assert "script-src 'self'" in response["Content-Security-Policy"], path


def test_a_view_with_its_own_policy_keeps_it(db, client: Client, settings):
    # Downloads set "default-src 'none'; sandbox"; the middleware must not loosen that.
    from django.http import HttpResponse

    from parley.ops.security_headers import ContentSecurityPolicyMiddleware

    def view(_request):
        response = HttpResponse("x")
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    response = ContentSecurityPolicyMiddleware(view)(client.get("/healthz").wsgi_request)
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
