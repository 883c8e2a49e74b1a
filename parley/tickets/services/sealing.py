"""Moving custom field values in and out of encryption, and re-encrypting them with a new key.

Both work in batches by primary key, each batch in its own transaction with the batch's
conversations locked (the lock ``ticket_update`` takes), so an edit made while a batch runs
is neither lost nor left in the wrong column. Both can be stopped and run again: a ticket
whose values are already where its fields' flags say, under the newest key, is not written.
Readers merge the two columns (parley/tickets/sensitive.py), so a ticket reads the same
before, during and after a run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction

from parley.contacts import encryption
from parley.conversations.models import Conversation
from parley.tickets.models import CustomFieldDefinition, Ticket
from parley.tickets.sensitive import custom_fields_store, sealed_values, ticket_custom_fields

BATCH_SIZE = 500


def _batches(workspace_id: int, batch_size: int) -> Iterator[list[int]]:
    """The workspace's ticket ids that hold any custom field value, a batch at a time."""
    after = 0
    while True:
        ids = list(
            Ticket.objects.filter(workspace_id=workspace_id, pk__gt=after)
            .exclude(custom_fields={}, sensitive_custom_fields="")
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return
        yield ids
        after = ids[-1]


def _reseal_batch(ids: list[int], workspace_id: int) -> int:
    with transaction.atomic():
        list(Conversation.objects.select_for_update().filter(pk__in=ids).values_list("pk"))
        definitions = dict(
            CustomFieldDefinition.objects.filter(workspace_id=workspace_id).values_list(
                "key", "sensitive"
            )
        )
        marked = {key for key, sensitive in definitions.items() if sensitive}
        moved = 0
        for ticket in Ticket.objects.filter(pk__in=ids):
            plain, secret = dict(ticket.custom_fields), sealed_values(ticket)
            sealed = frozenset(marked | {k for k in secret if k not in definitions})
            values = ticket_custom_fields(ticket)
            if plain == {k: v for k, v in values.items() if k not in sealed} and secret == {
                k: v for k, v in values.items() if k in sealed
            }:
                continue  # every value already in its place
            custom_fields_store(ticket, values, sealed)
            ticket.save(update_fields=["custom_fields", "sensitive_custom_fields"])
            moved += 1
        return moved


def tickets_custom_fields_reseal(*, workspace_id: int, batch_size: int = BATCH_SIZE) -> int:
    """Put every ticket's values where its workspace's fields now say: encrypted for the
    fields marked sensitive (and the sealed values of deleted fields), in clear for the
    others. Returns how many tickets were rewritten."""
    return sum(_reseal_batch(ids, workspace_id) for ids in _batches(workspace_id, batch_size))


@dataclass
class TicketRotationReport:
    tickets: int = 0
    values_rotated: int = 0
    tickets_resealed: int = 0


def _raw_sealed(after: int, batch_size: int) -> list[tuple[int, str]]:
    table = connection.ops.quote_name(Ticket._meta.db_table)
    pk = connection.ops.quote_name(Ticket._meta.get_field("conversation").column)
    with connection.cursor() as cursor:
        # Table and column names come from the model's _meta, values are parameters.
        cursor.execute(
            f"SELECT {pk}, sensitive_custom_fields FROM {table} "  # noqa: S608  # nosec B608
            f"WHERE {pk} > %s AND sensitive_custom_fields <> '' ORDER BY {pk} LIMIT %s",
            [after, batch_size],
        )
        return [(int(r[0]), r[1]) for r in cursor.fetchall()]


def tickets_rotate_keys(*, batch_size: int = BATCH_SIZE) -> TicketRotationReport:
    """Re-encrypt sensitive custom field values with the newest key (the ciphertext is
    rotated as it is, never decrypted), then move any value still in clear whose field is
    marked sensitive (a toggle that was interrupted) into the encrypted column."""
    report = TicketRotationReport()
    after = 0
    while rows := _raw_sealed(after, batch_size):
        with transaction.atomic():
            for pk, token in rows:
                report.tickets += 1
                if not encryption.is_current(token):
                    current = encryption.Ciphertext(token)
                    Ticket.objects.filter(pk=pk, sensitive_custom_fields=current).update(
                        sensitive_custom_fields=encryption.Ciphertext(encryption.rotate(token))
                    )
                    report.values_rotated += 1
        after = rows[-1][0]
    workspaces = set(
        CustomFieldDefinition.objects.filter(sensitive=True).values_list("workspace_id", flat=True)
    ) | set(
        Ticket.objects.exclude(sensitive_custom_fields="").values_list("workspace_id", flat=True)
    )
    for workspace_id in sorted(workspaces):
        report.tickets_resealed += tickets_custom_fields_reseal(
            workspace_id=workspace_id, batch_size=batch_size
        )
    return report
