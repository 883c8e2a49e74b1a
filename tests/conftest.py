"""Shared fixtures: a workspace with its people and an inbox, and a second one to prove
isolation. Every test builds on these or on tests/factories.py."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from channels.layers import channel_layers
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from parley.accounts.models import Member, Role, Workspace
from parley.contacts.models import Contact
from parley.conversations import realtime
from parley.inboxes.models import Inbox
from tests.factories import (
    ContactFactory,
    InboxFactory,
    MemberFactory,
    TeamFactory,
    WorkspaceFactory,
)
from tests.mail import Mailbox, running_smtp_server


@pytest.fixture(autouse=True, scope="session")
def jobs_run_in_process() -> None:
    """Background jobs run where they are queued, in both modes: the production pass has a
    real Redis broker but no worker, and tests assert what the jobs do."""
    from parley.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # The production hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def plain_static_storage(settings) -> None:
    # Production's manifest storage needs `collectstatic` first; tests serve from the finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def no_background_training_between_tests(settings) -> None:
    """A knowledge-base change in a transactional test queues an intent-model training on the
    embedded runner's thread; with the product's 10 s delay it could fire during a later test.
    An hour keeps it out of the session; tests of the runner set their own delay."""
    settings.PARLEY_BOT_TRAIN_DELAY = 3600.0
    settings.PARLEY_BOT_TRAIN_MAX_WAIT = 7200.0


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Rate-limit counters live in the cache; each test starts with none.

    On Redis only this run's keys go: ``cache.clear()`` is FLUSHDB, which also wiped the keys
    (presence, routing flags) of any other run sharing the Redis database at that moment."""
    from django.conf import settings

    config = settings.CACHES["default"]
    prefix, redis_url = str(config.get("KEY_PREFIX", "")), str(config.get("LOCATION", ""))
    if not (prefix and str(config["BACKEND"]).endswith("RedisCache")):
        cache.clear()
        return
    import redis

    with redis.Redis.from_url(redis_url) as client:
        # Django's cache keys are "<prefix>:<version>:<key>"; the channel layer's share the
        # prefix but not the version segment, and are left alone.
        doomed = [
            key
            for key in client.scan_iter(match=f"{prefix}:*", count=1000)
            if key.split(b":", 2)[1].isdigit()
        ]
        if doomed:
            client.delete(*doomed)


@pytest.fixture(autouse=True)
def fresh_channel_layer() -> Iterator[None]:
    """Each async test runs on an event loop of its own, and Channels' Redis layer keeps asyncio
    locks bound to the loop that first used them: a layer carried into the next test's loop can
    fail there ("bound to a different event loop"). A process has one loop for life; a test run
    gets a new layer per test."""
    yield
    channel_layers.backends.clear()


@pytest.fixture
def throttle_rates(monkeypatch):
    """`throttle_rates(login="3/min")`: DRF reads its rates once, at import, so patch them."""

    def set_rates(**rates: str) -> None:
        merged = {**SimpleRateThrottle.THROTTLE_RATES, **rates}
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", merged)

    return set_rates


@dataclass
class World:
    workspace: Workspace
    owner: Member
    admin: Member
    supervisor: Member
    agent: Member
    other_agent: Member
    inbox: Inbox
    contact: Contact

    def member(self, role: str) -> Member:
        return {
            Role.OWNER: self.owner,
            Role.ADMIN: self.admin,
            Role.SUPERVISOR: self.supervisor,
            Role.AGENT: self.agent,
        }[Role(role)]


def build_world() -> World:
    workspace = WorkspaceFactory()
    members = {
        role: MemberFactory(workspace=workspace, role=role)
        for role in (Role.OWNER, Role.ADMIN, Role.SUPERVISOR, Role.AGENT)
    }
    other_agent = MemberFactory(workspace=workspace, role=Role.AGENT)
    inbox = InboxFactory(workspace=workspace)
    inbox.agents.add(members[Role.AGENT], other_agent)
    team = TeamFactory(workspace=workspace, name="Technical support")
    team.members.add(members[Role.AGENT])
    return World(
        workspace=workspace,
        owner=members[Role.OWNER],
        admin=members[Role.ADMIN],
        supervisor=members[Role.SUPERVISOR],
        agent=members[Role.AGENT],
        other_agent=other_agent,
        inbox=inbox,
        contact=ContactFactory(workspace=workspace),
    )


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def other_world(db: None) -> World:
    """A second tenant: nothing of it may ever show up for members of `world`."""
    return build_world()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def client_for(member: Member) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=member.user)
    return client


@pytest.fixture
def as_member():
    return client_for


@dataclass
class Published:
    """What services sent to channel-layer groups after commit, in order.

    Tests run inside a transaction that never commits, so `with published.committing():`
    runs the on-commit callbacks of the block as a real commit would, at its end.
    """

    sent: list[tuple[list[str], dict[str, Any]]]
    committing: Any

    def frames(self, frame_type: str, group: str | None = None) -> list[dict[str, Any]]:
        return [
            frame
            for groups, frame in self.sent
            if frame["type"] == frame_type and (group is None or group in groups)
        ]

    def groups_of(self, frame_type: str) -> list[list[str]]:
        return [groups for groups, frame in self.sent if frame["type"] == frame_type]


@pytest.fixture
def published(monkeypatch, django_capture_on_commit_callbacks) -> Published:
    record = Published(sent=[], committing=lambda: django_capture_on_commit_callbacks(execute=True))

    def capture(groups: list[str], frame: Any) -> None:
        record.sent.append((list(groups), dict(frame)))

    monkeypatch.setattr(realtime, "send_to_groups", capture)
    return record


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API keeps an event loop running in the main thread
    for as long as its session lasts, and Django's async_to_sync refuses to run beside one."""
    items.sort(
        key=lambda item: (
            item.get_closest_marker("e2e") is not None or item.nodeid.startswith("tests/e2e/")
        )
    )


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Mailbox]:
    """A local SMTP server with Django's SMTP backend and the notification settings aimed at it."""
    with running_smtp_server() as (mailbox, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        settings.DEFAULT_FROM_EMAIL = "Parley <support@parley.test>"
        settings.PARLEY_REPLY_DOMAIN = "reply.parley.test"
        settings.PARLEY_PUBLIC_URL = "https://help.parley.test"
        settings.PARLEY_EMAIL_NOTIFICATIONS = True
        yield mailbox


def audit_lock_queries() -> int:
    """Queries the audit chain's lock adds to a change that writes audit records: PostgreSQL
    takes an advisory lock (one query); SQLite's write transaction already serialises them."""
    from django.db import connection

    return 1 if connection.vendor == "postgresql" else 0
