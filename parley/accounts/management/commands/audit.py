"""``parley audit verify [--workspace SLUG]``: check the audit log's hash chain.

Prints one line per workspace (``acme: 1520 entries, intact`` or the first broken link) and
exits with status 1 when any chain is broken. See docs/security.md ("Audit log").
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parley.accounts.audit.verify import audit_chain_verify
from parley.accounts.models import Workspace


class Command(BaseCommand):
    help = "Check the audit log's hash chain (verify)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Recompute every entry's hash and follow the links.")
        verify.add_argument("--workspace", help="One workspace's slug (default: all).")

    def handle(self, *args: Any, **options: Any) -> None:
        workspaces = Workspace.objects.order_by("slug")
        if options.get("workspace"):
            workspaces = workspaces.filter(slug=options["workspace"])
            if not workspaces.exists():
                raise CommandError(f"No workspace {options['workspace']!r}.")
        broken = 0
        for workspace in workspaces:
            report = audit_chain_verify(workspace=workspace)
            if report.broken is None:
                self.stdout.write(f"{report.workspace}: {report.entries} entries, intact")
                continue
            broken += 1
            link = report.broken
            self.stdout.write(
                f"{report.workspace}: BROKEN at seq {link.seq} (entry {link.entry_id}): "
                f"{link.reason}"
            )
        if broken:
            raise CommandError(f"{broken} audit chain(s) broken.", returncode=1)
