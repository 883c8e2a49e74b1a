"""A reporting period: whole days in the workspace's time zone, both ends included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from parley.errors import ApplicationError, ErrorCode

DEFAULT_DAYS = 30
MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date
    start: datetime  # the first day's midnight, aware
    end: datetime  # the midnight after the last day (exclusive)


def period_of(
    *, first_day: date | None, last_day: date | None, timezone_name: str, now: datetime
) -> Period:
    """[first_day, last_day] in the zone; the last 30 days up to today when not given."""
    zone = ZoneInfo(timezone_name or "UTC")
    last = last_day or now.astimezone(zone).date()
    first = first_day or last - timedelta(days=DEFAULT_DAYS - 1)
    if last < first:
        raise ApplicationError(
            ErrorCode.INVALID, "The period ends before it starts.", fields={"to": "before from"}
        )
    if (last - first).days + 1 > MAX_DAYS:
        raise ApplicationError(
            ErrorCode.INVALID,
            f"A period is at most {MAX_DAYS} days.",
            fields={"to": f"at most {MAX_DAYS} days after from"},
        )
    return Period(
        first_day=first,
        last_day=last,
        start=datetime.combine(first, time.min, tzinfo=zone),
        end=datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone),
    )
