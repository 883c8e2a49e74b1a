"""The audit log is append-only and tamper-evident: entries are chained by hash per
workspace, `parley audit verify` finds the first broken link, and the ORM refuses changes."""

from __future__ import annotations

import importlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.db.migrations.loader import MigrationLoader

from parley.accounts.audit.verify import audit_chain_verify
from parley.accounts.audit_chain import GENESIS
from parley.accounts.models import AuditEvent, AuditRefused
from parley.accounts.services import audit_record
from tests.conftest import World


def record(world: World, action: str = "thing.changed", **data: object) -> AuditEvent:
    return audit_record(
        workspace=world.workspace, actor=world.admin, action=action, target=world.inbox, data=data
    )


def raw(sql: str, params: list[str | int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_entries_are_numbered_and_each_holds_the_hash_of_the_one_before(world: World) -> None:
    first, second, third = (record(world, n=i) for i in range(3))
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    assert audit_chain_verify(workspace=world.workspace).intact


def test_each_workspace_has_its_own_chain(world: World, other_world: World) -> None:
    record(world)
    theirs = record(other_world)
    assert theirs.seq == 1 and theirs.prev_hash == GENESIS


def test_a_changed_entry_is_found_by_verify(world: World) -> None:
    entries = [record(world, n=i) for i in range(4)]
    raw(
        f"UPDATE {AuditEvent._meta.db_table} SET data = %s WHERE id = %s",
        ['{"n": 99}', entries[2].pk],
    )
    report = audit_chain_verify(workspace=world.workspace)
    assert report.broken is not None
    assert (report.broken.seq, report.broken.reason) == (3, "altered")


def test_a_deleted_entry_is_found_by_verify(world: World) -> None:
    entries = [record(world, n=i) for i in range(4)]
    raw(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [entries[1].pk])
    report = audit_chain_verify(workspace=world.workspace)
    assert report.broken is not None
    assert (report.broken.seq, report.broken.reason) == (3, "missing_before")


def test_a_rehashed_entry_still_breaks_the_next_link(world: World) -> None:
    """Someone who rewrites one row's hash to match their change breaks the next row."""
    entries = [record(world, n=i) for i in range(3)]
    raw(
        f"UPDATE {AuditEvent._meta.db_table} SET hash = %s WHERE id = %s",
        ["f" * 64, entries[1].pk],
    )
    report = audit_chain_verify(workspace=world.workspace)
    assert report.broken is not None and report.broken.seq == 2


def test_the_orm_refuses_to_change_or_delete_an_entry(world: World) -> None:
    entry = record(world)
    entry.action = "something.else"
    with pytest.raises(AuditRefused):
        entry.save()
    with pytest.raises(AuditRefused):
        entry.delete()
    with pytest.raises(AuditRefused):
        AuditEvent.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AuditRefused):
        AuditEvent.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AuditRefused):
        AuditEvent(workspace=world.workspace, action="x", target_type="t", target_id="1").save()
    assert AuditEvent.objects.get(pk=entry.pk).action == "thing.changed"
    assert audit_chain_verify(workspace=world.workspace).intact


def test_deleting_the_acting_user_keeps_the_chain_intact(world: World) -> None:
    entry = record(world)
    world.admin.user.delete()
    entry = AuditEvent.objects.get(pk=entry.pk)
    assert entry.actor_id is None and entry.actor_label == f"member:{world.admin.pk}"
    assert audit_chain_verify(workspace=world.workspace).intact


def test_bulk_created_entries_are_chained_too(world: World) -> None:
    record(world)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(workspace=world.workspace, action="bulk", target_type="t", target_id=str(i))
            for i in range(3)
        ]
    )
    assert list(
        AuditEvent.objects.filter(workspace=world.workspace)
        .order_by("seq")
        .values_list("seq", flat=True)
    ) == [1, 2, 3, 4]
    assert audit_chain_verify(workspace=world.workspace).intact


def test_verify_command_reports_each_workspace_and_fails_on_a_broken_chain(
    world: World, other_world: World
) -> None:
    record(world)
    record(other_world)
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert f"{world.workspace.slug}: 1 entries, intact" in out.getvalue()
    entry = record(world)
    raw(f"UPDATE {AuditEvent._meta.db_table} SET action = 'x' WHERE id = %s", [entry.pk])
    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify", "--workspace", world.workspace.slug, stdout=out)
    assert failure.value.returncode == 1
    assert f"BROKEN at seq 2 (entry {entry.pk}): altered" in out.getvalue()


def test_the_migration_chains_entries_recorded_before_the_chain(world: World) -> None:
    """Rows as they were before: unnumbered and unhashed (inserted around the refusals)."""
    models.QuerySet.bulk_create(
        AuditEvent.objects.all(),
        [
            AuditEvent(
                workspace=world.workspace,
                actor=world.admin,
                action=f"old.{i}",
                target_type="t",
                target_id=str(i),
                seq=100 + i,
            )
            for i in range(3)
        ],
    )
    migration = importlib.import_module("parley.accounts.migrations.0003_chain_audit_events")
    state = MigrationLoader(connection).project_state(("accounts", "0003_chain_audit_events"))
    migration.chain_existing_entries(state.apps, None)
    assert [e.seq for e in AuditEvent.objects.order_by("seq")] == [1, 2, 3]
    assert audit_chain_verify(workspace=world.workspace).intact


def test_adding_a_member_and_changing_a_role_are_audited(world: World) -> None:
    from parley.accounts.models import Role
    from parley.accounts.services import member_add
    from tests.factories import UserFactory

    user = UserFactory()
    member = member_add(workspace=world.workspace, user=user, role=Role.AGENT, actor=world.owner)
    member_add(workspace=world.workspace, user=user, role=Role.SUPERVISOR, actor=world.owner)
    member_add(workspace=world.workspace, user=user, role=Role.SUPERVISOR, actor=world.owner)
    entries = AuditEvent.objects.filter(target_id=str(member.pk)).order_by("seq")
    assert [(e.action, e.data, e.actor) for e in entries] == [
        ("member.added", {"role": "agent"}, world.owner),
        ("member.role_changed", {"from": "agent", "to": "supervisor"}, world.owner),
    ]


def test_a_role_changed_in_the_admin_site_is_audited(world: World) -> None:
    from django.test import Client

    from tests.factories import UserFactory

    staff = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    member = world.agent
    response = client.post(
        f"/admin/accounts/member/{member.pk}/change/",
        {
            "user": member.user_id,
            "workspace": member.workspace_id,
            "role": "supervisor",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:500]
    entry = AuditEvent.objects.get(action="member.role_changed", target_id=str(member.pk))
    assert entry.data == {
        "from": "agent",
        "to": "supervisor",
        "via": "admin site",
        "by": staff.email,
    }
    assert client.get("/admin/accounts/auditevent/add/").status_code == 403
    assert audit_chain_verify(workspace=world.workspace).intact
