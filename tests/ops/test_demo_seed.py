"""The embedded demo workspace, as DESIGN.md describes it, seeded idempotently."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from parley.accounts.models import Member, Team, User, Workspace
from parley.inboxes.models import Inbox
from parley.ops.demo import demo_seed


@pytest.mark.django_db
def test_the_demo_seed_is_complete_and_idempotent(settings, capsys):
    settings.PARLEY_DEMO = True
    call_command("demo", port=8000)
    call_command("demo", port=9000)
    output = capsys.readouterr().out
    for email in ("admin@demo.parley.test", "agent1@demo.parley.test", "agent2@demo.parley.test"):
        assert email in output
        assert authenticate(username=email, password="parley-demo") is not None
    assert Workspace.objects.filter(slug="demo").count() == 1
    assert User.objects.count() == 3 and Member.objects.count() == 3
    assert Member.objects.get(user__email="admin@demo.parley.test").role == "admin"
    assert Team.objects.count() == 2
    inbox = Inbox.objects.get(public_key="demo")
    # The server's own origin for both ports it ran on, each once.
    assert inbox.allowed_origins == [
        "http://127.0.0.1:8000",
        "http://localhost:8000",
        "http://127.0.0.1:9000",
        "http://localhost:9000",
    ]
    assert inbox.agents.count() == 3


@pytest.mark.django_db
def test_the_demo_seed_refuses_production(settings):
    settings.PARLEY_DEMO = False
    with pytest.raises(ImproperlyConfigured):
        demo_seed(port=8000)
    assert not Workspace.objects.exists()


def test_the_demo_page_says_where_the_widget_appears(client):
    response = client.get("/demo/")
    assert response.status_code == 200
    assert b'data-inbox="demo"' in response.content
