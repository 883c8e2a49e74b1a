"""Re-encrypt contacts' sensitive fields and the server's own secrets with the newest key, and
rebuild blind indexes.

Works in batches by primary key, each batch in its own transaction, and reads and writes the
ciphertext as it is in the database (nothing is decrypted except to rebuild an index), so a
run can be stopped and started again: rows already under the newest key are skipped, and a
second run right after the first changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction

from parley.contacts import encryption
from parley.contacts.encrypted_columns import BATCH_SIZE, ColumnReport, column_rotate
from parley.contacts.models import Contact

ENCRYPTED = {"phone": "phone_index", "id_number": "id_number_index"}


@dataclass
class RotationReport:
    rows: int = 0
    values_rotated: int = 0
    indexes_rebuilt: int = 0


def _raw_rows(after: int, batch_size: int) -> list[tuple[int, str, str]]:
    table = connection.ops.quote_name(Contact._meta.db_table)
    with connection.cursor() as cursor:
        # Table and column names come from the model's _meta, values are parameters.
        cursor.execute(
            f"SELECT id, phone, id_number FROM {table} WHERE id > %s "  # noqa: S608  # nosec B608
            "AND (phone <> '' OR id_number <> '') ORDER BY id LIMIT %s",
            [after, batch_size],
        )
        return [(int(r[0]), r[1] or "", r[2] or "") for r in cursor.fetchall()]


def contacts_rotate_keys(*, batch_size: int = 500, reindex: bool = False) -> RotationReport:
    """``reindex``: also recompute the blind indexes (after PARLEY_BLIND_INDEX_KEY changed)."""
    report = RotationReport()
    after = 0
    while rows := _raw_rows(after, batch_size):
        with transaction.atomic():
            for pk, phone, id_number in rows:
                report.rows += 1
                updates: dict[str, object] = {}
                for field, token in (("phone", phone), ("id_number", id_number)):
                    if not token:
                        continue
                    if not encryption.is_current(token):
                        updates[field] = encryption.Ciphertext(encryption.rotate(token))
                        report.values_rotated += 1
                    if reindex:
                        clear = encryption.decrypt(token)
                        normalised = (
                            encryption.normalise_phone(clear)
                            if field == "phone"
                            else encryption.normalise_id_number(clear)
                        )
                        updates[ENCRYPTED[field]] = encryption.blind_index(field, normalised)
                        report.indexes_rebuilt += 1
                if updates:
                    Contact.objects.filter(pk=pk).update(**updates)
        after = rows[-1][0]
    return report


# The server's own secrets, encrypted at rest with the same keys: (label, app, model, field).
# The bot's generation key is encrypted by its service (parley/bot/conversation/configure.py)
# rather than by the field, but its column holds the same tokens and rotates the same way.
SERVER_SECRETS = (
    ("two-factor", "accounts", "TwoFactorDevice", "secret"),
    ("identity", "inboxes", "Inbox", "identity_secret"),
    ("webhook", "analytics", "AlertRule", "webhook_secret"),
    ("bot key", "bot", "BotGenerationConfig", "api_key"),
)


@dataclass
class SecretsRotationReport:
    total: ColumnReport = field(default_factory=ColumnReport)
    by_kind: dict[str, ColumnReport] = field(default_factory=dict)


def server_secrets_rotate_keys(*, batch_size: int = BATCH_SIZE) -> SecretsRotationReport:
    """Re-encrypt the TOTP secrets, inbox identity secrets, alert webhook secrets and bot
    generation keys not yet under the newest key (batched, idempotent), and encrypt any still
    in clear."""
    report = SecretsRotationReport()
    for label, app_label, model_name, field_name in SERVER_SECRETS:
        column = column_rotate(
            connection=connection,
            model=apps.get_model(app_label, model_name),
            field=field_name,
            batch_size=batch_size,
        )
        report.by_kind[label] = column
        report.total.add(column)
    return report
