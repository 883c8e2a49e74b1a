"""Check a workspace's audit chain: every entry's hash recomputed, every link followed."""

from __future__ import annotations

from dataclasses import dataclass

from parley.accounts.audit_chain import GENESIS, canonical_of, entry_hash
from parley.accounts.models import AuditEvent, Workspace


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    entry_id: int
    reason: str  # "altered", "missing_before", "out_of_order"


@dataclass(frozen=True)
class ChainReport:
    workspace: str
    entries: int
    broken: BrokenLink | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def audit_chain_verify(*, workspace: Workspace, batch_size: int = 2000) -> ChainReport:
    """Walk the chain in order and report the first broken link:

    - ``altered``: the entry's own hash no longer matches its content (a field was changed);
    - ``missing_before``: its ``prev_hash`` is not the hash of the entry before it, or a
      sequence number is skipped (an entry was deleted or one was inserted);
    - ``out_of_order``: sequence numbers repeat or go back."""
    prev_hash, prev_seq, count = GENESIS, 0, 0
    entries = AuditEvent.objects.filter(workspace=workspace).order_by("seq")
    for entry in entries.iterator(chunk_size=batch_size):
        count += 1
        if entry.seq <= prev_seq:
            return ChainReport(
                workspace.slug, count, BrokenLink(entry.seq, entry.pk, "out_of_order")
            )
        if entry.seq != prev_seq + 1 or entry.prev_hash != prev_hash:
            return ChainReport(
                workspace.slug, count, BrokenLink(entry.seq, entry.pk, "missing_before")
            )
        if entry_hash(entry.prev_hash, canonical_of(entry)) != entry.hash:
            return ChainReport(workspace.slug, count, BrokenLink(entry.seq, entry.pk, "altered"))
        prev_hash, prev_seq = entry.hash, entry.seq
    return ChainReport(workspace.slug, count, None)
