"""Batched work on one encrypted column, in SQL, without the ORM decrypting anything.

The model field (``EncryptedTextField``) encrypts on write and decrypts on read; the jobs here
work on the column as it is in the database instead:

- ``column_encrypt_clear`` / ``column_decrypt`` convert a column that used to hold clear text
  (the data migrations that put a field under encryption, and their reverse);
- ``column_rotate`` re-encrypts every token not under the newest key (``parley rotate_keys``)
  and encrypts any value still in clear.

Each walks the table by primary key in batches, each batch its own transaction, and writes a
row only if the column still holds what was read (a concurrent change wins). A second run
changes nothing. Table and column names come from a model's ``_meta`` (historical models in
migrations), never from input; values are parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from parley.contacts import encryption

BATCH_SIZE = 500


@dataclass
class ColumnReport:
    rows: int = 0  # rows with a non-empty value
    values_rotated: int = 0  # tokens re-encrypted under the newest key
    values_encrypted: int = 0  # clear values encrypted
    values_decrypted: int = 0  # tokens turned back into clear values (a reverse migration)

    def add(self, other: ColumnReport) -> None:
        self.rows += other.rows
        self.values_rotated += other.values_rotated
        self.values_encrypted += other.values_encrypted
        self.values_decrypted += other.values_decrypted


def _names(connection: BaseDatabaseWrapper, model: Any, field: str) -> tuple[str, str, str]:
    quote = connection.ops.quote_name
    meta = model._meta
    return quote(meta.db_table), quote(meta.pk.column), quote(meta.get_field(field).column)


def _batches(
    connection: BaseDatabaseWrapper, model: Any, field: str, batch_size: int
) -> Iterator[list[tuple[Any, str]]]:
    table, pk, column = _names(connection, model, field)
    after: Any = None
    while True:
        where = f"{column} <> ''" if after is None else f"{column} <> '' AND {pk} > %s"
        params: list[Any] = [] if after is None else [after]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {pk}, {column} FROM {table} "  # noqa: S608  # nosec B608
                f"WHERE {column} IS NOT NULL AND {where} ORDER BY {pk} LIMIT %s",
                [*params, batch_size],
            )
            rows = [(row[0], str(row[1])) for row in cursor.fetchall()]
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def _convert(
    connection: BaseDatabaseWrapper,
    model: Any,
    field: str,
    batch_size: int,
    change: Callable[[str, ColumnReport], str | None],
) -> ColumnReport:
    """Apply ``change`` to every non-empty value; ``None`` leaves the row as it is."""
    table, pk, column = _names(connection, model, field)
    report = ColumnReport()
    for rows in _batches(connection, model, field, max(1, batch_size)):
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for key, value in rows:
                report.rows += 1
                new = change(value, report)
                if new is None:
                    continue
                cursor.execute(
                    f"UPDATE {table} SET {column} = %s "  # noqa: S608  # nosec B608
                    f"WHERE {pk} = %s AND {column} = %s",
                    [new, key, value],
                )
    return report


def column_encrypt_clear(
    *, connection: BaseDatabaseWrapper, model: Any, field: str, batch_size: int = BATCH_SIZE
) -> ColumnReport:
    """Encrypt every value still in clear; tokens are left alone (idempotent)."""

    def change(value: str, report: ColumnReport) -> str | None:
        if encryption.looks_encrypted(value):
            return None
        report.values_encrypted += 1
        return encryption.encrypt(value)

    return _convert(connection, model, field, batch_size, change)


def column_decrypt(
    *, connection: BaseDatabaseWrapper, model: Any, field: str, batch_size: int = BATCH_SIZE
) -> ColumnReport:
    """Turn every token back into its clear value; clear values are left alone."""

    def change(value: str, report: ColumnReport) -> str | None:
        if not encryption.looks_encrypted(value):
            return None
        report.values_decrypted += 1
        return encryption.decrypt(value)

    return _convert(connection, model, field, batch_size, change)


def column_rotate(
    *, connection: BaseDatabaseWrapper, model: Any, field: str, batch_size: int = BATCH_SIZE
) -> ColumnReport:
    """Re-encrypt tokens not under the newest key (rotated as they are, never decrypted) and
    encrypt any value still in clear."""

    def change(value: str, report: ColumnReport) -> str | None:
        if not encryption.looks_encrypted(value):
            report.values_encrypted += 1
            return encryption.encrypt(value)
        if encryption.is_current(value):
            return None
        report.values_rotated += 1
        return encryption.rotate(value)

    return _convert(connection, model, field, batch_size, change)
