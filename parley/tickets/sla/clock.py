"""Business-time arithmetic for SLA clocks: pure functions of instants and an inbox's hours.

Built on the inbox hours model (parley/inboxes/hours.py): weekly ranges in the inbox's zone,
holidays, special days (make-up working days), and its reading of clock jumps (a time that never
shows on the clock is the moment the clock jumps past it; a time that shows twice is its first
showing). Hours that are not enabled count as always open: business time is calendar time.

Every instant in and out is timezone-aware; results are in UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from parley.inboxes.hours import BusinessHours, open_windows_on

# A clock whose hours never open would search forever; after this many closed days in a row
# the hours count as never open and the arithmetic refuses (callers fall back to calendar time).
MAX_CLOSED_DAYS = 400
ZERO = timedelta(0)


class NeverOpen(ValueError):
    """The hours have no open window within MAX_CLOSED_DAYS of the start."""


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("SLA clocks need aware datetimes, not naive ones.")
    return at.astimezone(UTC)


def _windows_from(start: datetime, hours: BusinessHours) -> Iterator[tuple[datetime, datetime]]:
    """Open windows that end after ``start``, in order, clipped to begin no earlier than it
    and never overlapping (two days' windows may meet on a night the clocks go back)."""
    assert hours.zone is not None
    day = start.astimezone(hours.zone).date() - timedelta(days=1)
    cursor = start
    closed_days = 0
    while True:
        windows = open_windows_on(hours=hours, day=day)
        opened = False
        for window_start, window_end in windows:
            if window_end <= cursor:
                continue
            opened = True
            begin = max(window_start, cursor)
            yield begin, window_end
            cursor = window_end
        closed_days = 0 if opened or windows else closed_days + 1
        if closed_days > MAX_CLOSED_DAYS:
            raise NeverOpen("These business hours never open.")
        day += timedelta(days=1)


def add_business_time(start: datetime, duration: timedelta, hours: BusinessHours) -> datetime:
    """The instant at which ``duration`` of business time has passed since ``start``.

    A start outside the hours counts from the next opening; a zero duration is ``start``
    itself (a due time is never before the moment it was set). A duration that ends exactly
    at a closing time ends there, not at the next opening."""
    start = _aware(start)
    if duration <= ZERO:
        return start
    if hours.always_open:
        return start + duration
    left = duration
    for begin, end in _windows_from(start, hours):
        if begin + left <= end:
            return begin + left
        left -= end - begin
    raise AssertionError("unreachable: _windows_from is endless or raises")  # pragma: no cover


def business_time_between(start: datetime, end: datetime, hours: BusinessHours) -> timedelta:
    """How much business time lies between two instants; zero when ``end`` is not after
    ``start``."""
    start, end = _aware(start), _aware(end)
    if end <= start:
        return ZERO
    if hours.always_open:
        return end - start
    total = ZERO
    try:
        for begin, window_end in _windows_from(start, hours):
            if begin >= end:
                break
            total += min(window_end, end) - begin
    except NeverOpen:
        pass  # no window ever again: nothing more to count
    return total
