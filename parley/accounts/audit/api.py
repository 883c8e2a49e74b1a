"""The audit log for owners and admins: search, export (CSV or JSON) and the chain check."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from parley.accounts.audit.payloads import CSV_COLUMNS, audit_csv_row, audit_entry_payload
from parley.accounts.audit.search import AuditFilter, audit_events, ensure_audit_reader
from parley.accounts.audit.verify import audit_chain_verify
from parley.accounts.services import audit_record
from parley.api_base import WorkspaceAPIView, int_param
from parley.errors import ApplicationError, ErrorCode

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# An export is for an auditor's spreadsheet, not a backup: the newest this many entries.
MAX_EXPORT_ROWS = 100_000


def _when(value: str | None, name: str, *, end_of_day: bool = False) -> datetime | None:
    """An ISO date-time, or a date (the start of that day; with ``end_of_day`` the start of
    the next, so ``until=2026-11-25`` includes the whole 25th)."""
    if not value:
        return None
    try:
        day = parse_date(value) if len(value) == 10 else None
        moment = None if day is not None else parse_datetime(value)
    except ValueError:
        day, moment = None, None
    if day is not None:
        moment = datetime(day.year, day.month, day.day)
        if end_of_day:
            moment = moment + timedelta(days=1)
    if moment is None:
        raise ApplicationError(
            ErrorCode.INVALID, f"{name} must be a date or a date-time.", fields={name: "invalid"}
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


def filters_from(request: Request) -> AuditFilter:
    params = request.query_params
    return AuditFilter(
        actor=int_param(params.get("actor"), "actor"),
        action=params.get("action", "").strip()[:64],
        target_type=params.get("target_type", "").strip()[:64],
        target_id=params.get("target_id", "").strip()[:64],
        since=_when(params.get("since"), "since"),
        until=_when(params.get("until"), "until", end_of_day=True),
    )


class AuditLogView(WorkspaceAPIView):
    """Newest first; ``before=<seq>`` pages back (the answer's ``next_before``)."""

    @extend_schema(responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        events = audit_events(member=self.member, filters=filters_from(request))
        before = int_param(request.query_params.get("before"), "before")
        if before is not None:
            events = events.filter(seq__lt=before)
        size = int_param(request.query_params.get("limit"), "limit") or PAGE_SIZE
        size = max(1, min(size, MAX_PAGE_SIZE))
        page = list(events[: size + 1])
        more = len(page) > size
        page = page[:size]
        return Response(
            {
                "results": [audit_entry_payload(e) for e in page],
                "next_before": page[-1].seq if more and page else None,
            }
        )


class AuditExportView(WorkspaceAPIView):
    """``as=csv`` (default) or ``as=json``, with the same filters as the list (``format`` is
    DRF's own parameter). An export is itself recorded in the log, with the filters used, and
    holds the entries before that record."""

    @extend_schema(responses=None)
    def get(self, request: Request, workspace: str) -> HttpResponse:
        fmt = request.query_params.get("as", "csv")
        if fmt not in {"csv", "json"}:
            raise ApplicationError(
                ErrorCode.INVALID, "as must be csv or json.", fields={"as": "invalid"}
            )
        events = audit_events(member=self.member, filters=filters_from(request))
        exported = audit_record(
            workspace=self.member.workspace,
            actor=self.member,
            action="audit.exported",
            target=self.member.workspace,
            data={
                "format": fmt,
                "filters": {k: v for k, v in request.query_params.items() if k != "as"},
            },
        )
        events = events.filter(seq__lt=exported.seq)[:MAX_EXPORT_ROWS]
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        body = _csv_lines(events) if fmt == "csv" else _json_lines(events)
        # Built whole rather than streamed: an export is capped at MAX_EXPORT_ROWS, and a
        # failure half-way must not leave the auditor a truncated file that looks complete.
        response = HttpResponse(
            "".join(body),
            content_type="text/csv; charset=utf-8" if fmt == "csv" else "application/json",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="audit-{self.member.workspace.slug}-{stamp}.{fmt}"'
        )
        return response


def _csv_lines(events: object) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # A byte-order mark so spreadsheet programs read the Chinese in it as UTF-8.
    yield "\ufeff"
    writer.writerow(CSV_COLUMNS)
    for event in events.iterator(chunk_size=1000):  # type: ignore[attr-defined]
        writer.writerow([_csv_safe(cell) for cell in audit_csv_row(event)])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _csv_safe(cell: str) -> str:
    """A cell a spreadsheet would run as a formula (=, +, -, @) is quoted with a leading '."""
    return f"'{cell}" if cell[:1] in {"=", "+", "-", "@"} else cell


def _json_lines(events: object) -> Iterator[str]:
    yield "["
    first = True
    for event in events.iterator(chunk_size=1000):  # type: ignore[attr-defined]
        yield ("" if first else ",") + json.dumps(audit_entry_payload(event), ensure_ascii=False)
        first = False
    yield "]"


class AuditVerifyView(WorkspaceAPIView):
    @extend_schema(responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        ensure_audit_reader(self.member)
        report = audit_chain_verify(workspace=self.member.workspace)
        broken = report.broken
        return Response(
            {
                "entries": report.entries,
                "intact": report.intact,
                "broken": None
                if broken is None
                else {"seq": broken.seq, "id": broken.entry_id, "reason": broken.reason},
            }
        )
