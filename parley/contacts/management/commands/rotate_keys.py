"""``parley rotate_keys [--batch-size N] [--reindex] [--new-key]``

Put a new key first in PARLEY_ENCRYPTION_KEYS (keep the old ones after it), restart, then run
this to re-encrypt every sensitive field with the new key (contacts' phone and ID number,
tickets' custom fields marked sensitive, and the server's own secrets: two-factor secrets,
inboxes' identity secrets, alert webhook secrets); afterwards the old keys can be
removed. ``--new-key`` only prints a freshly generated key. See docs/operations.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from parley.contacts.encryption import new_key
from parley.contacts.key_rotation import contacts_rotate_keys, server_secrets_rotate_keys
from parley.tickets.services import tickets_rotate_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt contacts' sensitive fields, tickets' sensitive custom fields and the "
        "server's own secrets with the newest key (idempotent, batched)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--reindex", action="store_true", help="Also rebuild the blind indexes."
        )
        parser.add_argument("--new-key", action="store_true", help="Print a new key and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(new_key())
            return
        batch_size = max(1, options["batch_size"])
        report = contacts_rotate_keys(batch_size=batch_size, reindex=options["reindex"])
        self.stdout.write(
            f"contacts read: {report.rows}, values re-encrypted: {report.values_rotated}, "
            f"indexes rebuilt: {report.indexes_rebuilt}"
        )
        tickets = tickets_rotate_keys(batch_size=batch_size)
        self.stdout.write(
            f"tickets read: {tickets.tickets}, values re-encrypted: {tickets.values_rotated}, "
            f"tickets moved to match their fields' sensitive flag: {tickets.tickets_resealed}"
        )
        secrets = server_secrets_rotate_keys(batch_size=batch_size)
        kinds = ", ".join(f"{label} {column.rows}" for label, column in secrets.by_kind.items())
        self.stdout.write(
            f"secrets read: {secrets.total.rows} ({kinds}), "
            f"values re-encrypted: {secrets.total.values_rotated}, "
            f"encrypted from clear: {secrets.total.values_encrypted}"
        )
