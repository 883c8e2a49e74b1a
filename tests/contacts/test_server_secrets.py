"""The server's own secrets at rest: the TOTP secret, an inbox's identity-verification secret
and an alert rule's webhook signing secret are Fernet tokens in the database, every flow that
reads them still works, `rotate_keys` re-encrypts them, and the data migrations encrypt rows
written in clear (and their reverse decrypts them)."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pyotp
import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from parley.accounts.auth import totp
from parley.accounts.models import TwoFactorDevice
from parley.analytics.alerts import RuleInput, alert_rule_create, alerts_evaluate
from parley.analytics.models import AlertRule
from parley.bot.conversation.configure import generation_api_key
from parley.bot.models import BotGenerationConfig
from parley.contacts import encryption
from parley.contacts.encrypted_columns import column_encrypt_clear
from parley.contacts.key_rotation import server_secrets_rotate_keys
from parley.errors import ApplicationError
from parley.inboxes.identity import identity_secret_rotate, identity_verify
from parley.inboxes.models import Inbox
from tests.accounts.conftest import Browser, enrol
from tests.analytics.test_alerts import Receiver, created
from tests.conftest import World, client_for
from tests.factories import InboxFactory
from tests.inboxes.test_widget_api import open_session

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()

# (model, column): the three secrets this file is about.
COLUMNS: tuple[tuple[Any, str], ...] = (
    (TwoFactorDevice, "secret"),
    (Inbox, "identity_secret"),
    (AlertRule, "webhook_secret"),
)


@pytest.fixture(autouse=True)
def keys(settings: Any) -> None:
    settings.PARLEY_ENCRYPTION_KEYS = [OLD_KEY]


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.PARLEY_OUTBOUND_ALLOWLIST = ["127.0.0.1"]
    r = Receiver()
    thread = threading.Thread(target=r.server.serve_forever, daemon=True)
    thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


def raw(model: Any, column: str, pk: int) -> str:
    """The column as the database holds it (what a dump or an SQL injection would see)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(column)} FROM {table} WHERE {quote(model._meta.pk.column)} = %s",
            [pk],
        )
        return str(cursor.fetchone()[0])


def write_raw(model: Any, column: str, pk: int, value: str) -> None:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {quote(column)} = %s WHERE {quote(model._meta.pk.column)} = %s",
            [value, pk],
        )


def assert_sealed(stored: str, clear: str) -> None:
    assert clear not in stored
    assert encryption.looks_encrypted(stored)
    assert encryption.decrypt(stored) == clear


def site_hash(secret: str, identifier: str) -> str:
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


def signed(secret: str, headers: dict[str, str], body: bytes) -> bool:
    expected = hmac.new(
        secret.encode(), headers["x-parley-timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(headers["x-parley-signature"], "sha256=" + expected)


# --- at rest, and every reader still works ---------------------------------------------------


@pytest.mark.django_db
def test_two_factor_secret_is_a_token_in_the_database_and_login_with_a_code_works(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    web = Browser()
    assert web.login_password(world.agent.user.email).status_code == 200
    app, recovery = enrol(web)
    device = TwoFactorDevice.objects.get(user=world.agent.user)

    assert_sealed(raw(TwoFactorDevice, "secret", device.pk), app.secret)
    assert device.secret == app.secret

    later = time.time() + 30  # a step the enrolment's code did not use
    monkeypatch.setattr(totp, "clock", lambda: later)
    by_code = Browser()
    assert by_code.login_password(world.agent.user.email).json()["two_factor_required"]
    assert by_code.login_code(app.at(later)).status_code == 200
    wrong = Browser()
    wrong.login_password(world.agent.user.email)
    assert wrong.login_code(pyotp.TOTP(pyotp.random_base32()).at(later)).status_code == 400
    by_recovery = Browser()
    by_recovery.login_password(world.agent.user.email)
    assert by_recovery.login_code(recovery[0]).status_code == 200


@pytest.mark.django_db
def test_identity_secret_is_a_token_and_signed_identifiers_still_verify(world: World) -> None:
    url = f"/api/v1/workspaces/{world.workspace.slug}/inboxes/{world.inbox.pk}/identity-secret/"
    first = client_for(world.admin).post(url).json()["identity_secret"]

    assert_sealed(raw(Inbox, "identity_secret", world.inbox.pk), first)
    ok = open_session(world.inbox, identifier="u-1", identifier_hash=site_hash(first, "u-1"))
    assert ok.status_code == 201
    forged = open_session(world.inbox, identifier="u-1", identifier_hash=site_hash("x", "u-1"))
    assert (forged.status_code, forged.json()["code"]) == (403, "identity_unverified")

    # regenerating: the new secret is shown once, stored sealed, and the old one stops working
    second = client_for(world.admin).post(url).json()["identity_secret"]
    assert second != first
    assert_sealed(raw(Inbox, "identity_secret", world.inbox.pk), second)
    world.inbox.refresh_from_db()
    assert identity_verify(
        inbox=world.inbox, identifier="u-1", claimed_hash=site_hash(second, "u-1")
    )
    with pytest.raises(ApplicationError):
        identity_verify(inbox=world.inbox, identifier="u-1", claimed_hash=site_hash(first, "u-1"))


@pytest.mark.django_db
def test_webhook_secret_is_a_token_and_deliveries_are_still_signed(
    world: World, receiver: Receiver
) -> None:
    base = f"/api/v1/workspaces/{world.workspace.slug}/analytics/alert-rules/"
    body = {
        "name": "Rush",
        "metric": "volume",
        "comparison": "gt",
        "threshold": 5,
        "window_minutes": 15,
        "webhook_url": receiver.url,
    }
    response = client_for(world.supervisor).post(base, body, format="json")
    assert response.status_code == 201
    secret = response.json()["webhook_secret"]
    rule_id = response.json()["id"]

    assert_sealed(raw(AlertRule, "webhook_secret", rule_id), secret)
    listed = client_for(world.supervisor).get(base).json()["rules"]
    assert [r["webhook_secret"] for r in listed] == [secret]  # the admin still sees it

    created(world, 9)
    assert alerts_evaluate(now=timezone.now()) == 1
    ((headers, payload),) = receiver.requests
    assert signed(secret, headers, payload)
    assert not signed(raw(AlertRule, "webhook_secret", rule_id), headers, payload)


# --- rotation ---------------------------------------------------------------------------------


def three_secrets(world: World) -> list[tuple[Any, str, int, str]]:
    """A TOTP device, two inboxes with identity secrets and an alert rule, under OLD_KEY."""
    device = TwoFactorDevice.objects.create(user=world.agent.user, secret=pyotp.random_base32())
    second_inbox = InboxFactory(workspace=world.workspace)
    inboxes = [
        (inbox, identity_secret_rotate(inbox=inbox, actor=world.admin))
        for inbox in (world.inbox, second_inbox)
    ]
    rule = alert_rule_create(
        actor=world.supervisor,
        data=RuleInput(name="Rush", metric="volume", comparison="gt", threshold=5),
    )
    bot = BotGenerationConfig.objects.create(
        workspace=world.workspace, api_key=encryption.encrypt("sk-generation-key")
    )
    return [
        (TwoFactorDevice, "secret", device.pk, device.secret),
        *[(Inbox, "identity_secret", inbox.pk, secret) for inbox, secret in inboxes],
        (AlertRule, "webhook_secret", rule.pk, rule.webhook_secret),
        (BotGenerationConfig, "api_key", bot.pk, "sk-generation-key"),
    ]


@pytest.mark.django_db
def test_rotation_re_encrypts_every_secret_with_the_new_key_in_batches(
    world: World, settings: Any
) -> None:
    secrets = three_secrets(world)
    before = [raw(model, column, pk) for model, column, pk, _ in secrets]
    settings.PARLEY_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    out = StringIO()
    call_command("rotate_keys", "--batch-size", "1", stdout=out)

    assert (
        "secrets read: 5 (two-factor 1, identity 2, webhook 1, bot key 1), "
        "values re-encrypted: 5, encrypted from clear: 0"
    ) in out.getvalue()
    after = [raw(model, column, pk) for model, column, pk, _ in secrets]
    assert all(a != b for a, b in zip(after, before, strict=True))
    settings.PARLEY_ENCRYPTION_KEYS = [NEW_KEY]  # the old key is gone: everything still reads
    for (_, _, _, clear), token in zip(secrets, after, strict=True):
        assert encryption.is_current(token) and encryption.decrypt(token) == clear
    device = TwoFactorDevice.objects.get(user=world.agent.user)
    now = time.time()
    assert totp.totp_verify(device=device, code=pyotp.TOTP(secrets[0][3]).at(now), now=now)
    inbox = Inbox.objects.get(pk=world.inbox.pk)
    assert identity_verify(inbox=inbox, identifier="u", claimed_hash=site_hash(secrets[1][3], "u"))
    assert AlertRule.objects.get().webhook_secret == secrets[3][3]
    assert generation_api_key(BotGenerationConfig.objects.get()) == "sk-generation-key"

    again = server_secrets_rotate_keys(batch_size=1)
    assert (again.total.rows, again.total.values_rotated, again.total.values_encrypted) == (5, 0, 0)
    assert [raw(model, column, pk) for model, column, pk, _ in secrets] == after


@pytest.mark.django_db
def test_rotation_encrypts_a_secret_found_in_clear(world: World) -> None:
    secrets = three_secrets(world)
    _, _, inbox_pk, clear = secrets[1]
    write_raw(Inbox, "identity_secret", inbox_pk, clear)  # e.g. restored from an old dump

    report = server_secrets_rotate_keys()

    assert (report.by_kind["identity"].values_encrypted, report.total.values_rotated) == (1, 0)
    assert_sealed(raw(Inbox, "identity_secret", inbox_pk), clear)


@pytest.mark.django_db
def test_a_token_under_a_lost_key_is_not_mistaken_for_clear_text(world: World) -> None:
    lost = Fernet(Fernet.generate_key()).encrypt(b"whatever").decode()
    assert encryption.looks_encrypted(lost)
    for clear in ("", pyotp.random_base32(), "ab" * 32, "gAAAAA" + "x" * 120):
        assert not encryption.looks_encrypted(clear)


# --- the data migrations ----------------------------------------------------------------------

BEFORE = [
    ("accounts", "0003_chain_audit_events"),
    ("inboxes", "0002_add_widget_identity_verification"),
    ("analytics", "0005_add_mining_snapshots_and_forecast_alert_metric"),
]
AFTER = [
    ("accounts", "0004_encrypt_two_factor_secrets"),
    ("inboxes", "0003_encrypt_identity_secrets"),
    ("analytics", "0006_encrypt_alert_webhook_secrets"),
]


def migrate(targets: list[tuple[str, str]]) -> Any:
    """Migrate the three apps to ``targets``; the project state there (historical models)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_data_migrations_encrypt_rows_written_in_clear_and_the_reverse_decrypts(
    world: World,
) -> None:
    old = migrate(BEFORE)
    try:
        totp_secret, identity, hook = pyotp.random_base32(), "ab" * 32, "cd" * 24
        device = old.get_model("accounts", "TwoFactorDevice").objects.create(
            user_id=world.agent.user.pk, secret=totp_secret
        )
        old.get_model("inboxes", "Inbox").objects.filter(pk=world.inbox.pk).update(
            identity_secret=identity
        )
        rule = old.get_model("analytics", "AlertRule").objects.create(
            workspace_id=world.workspace.pk,
            name="Rush",
            metric="volume",
            comparison="gt",
            threshold=5,
            webhook_secret=hook,
        )
        rows = [
            (TwoFactorDevice, "secret", device.pk, totp_secret),
            (Inbox, "identity_secret", world.inbox.pk, identity),
            (AlertRule, "webhook_secret", rule.pk, hook),
        ]
        assert [raw(m, c, pk) for m, c, pk, _ in rows] == [clear for *_, clear in rows]

        migrate(AFTER)

        sealed = [raw(m, c, pk) for m, c, pk, _ in rows]
        for token, (_, _, _, clear) in zip(sealed, rows, strict=True):
            assert_sealed(token, clear)
        assert TwoFactorDevice.objects.get(pk=device.pk).secret == totp_secret
        assert Inbox.objects.get(pk=world.inbox.pk).identity_secret == identity
        assert AlertRule.objects.get(pk=rule.pk).webhook_secret == hook
        # idempotent: running the conversion again leaves the tokens as they are
        for model, column in COLUMNS:
            again = column_encrypt_clear(connection=connection, model=model, field=column)
            assert again.values_encrypted == 0
        assert [raw(m, c, pk) for m, c, pk, _ in rows] == sealed

        migrate(BEFORE)

        assert [raw(m, c, pk) for m, c, pk, _ in rows] == [clear for *_, clear in rows]
    finally:
        migrate(AFTER)
