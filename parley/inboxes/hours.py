"""Business hours and holidays of an inbox, in the inbox's own time zone.

Stored in ``inbox.settings["business_hours"]`` (see docs/business-hours.md)::

    {"enabled": true, "timezone": "Asia/Shanghai",
     "weekly": {"mon": [["09:00", "12:00"], ["13:00", "18:00"]], ..., "sun": []},
     "holidays": [{"date": "2026-10-01", "name": "National Day"}],
     "special_days": [{"date": "2026-09-27", "intervals": [["09:00", "18:00"]]}],
     "auto_reply": {"en": "Back {next_opening}.", "zh-CN": "我们将于 {next_opening}回复您。"}}

``parse_business_hours`` turns that into a ``BusinessHours`` or refuses it with one
``ApplicationError`` naming every bad field. Absent or disabled hours mean always open.

Wall-clock times are read in the inbox's zone by ``zoneinfo``. On a day the clocks jump, a time
that never shows on the clock stands for the moment the clocks jump past it (02:30 on the
spring-forward night in New York is 03:00), and a time that shows twice is its first showing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from parley.errors import ApplicationError, ErrorCode

Locale = Literal["en", "zh-CN"]
LOCALES: tuple[Locale, ...] = ("en", "zh-CN")
_LOCALE_NAMES: dict[object, Locale] = {"en": "en", "zh-CN": "zh-CN"}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SEARCH_DAYS = 370  # next_opening looks this far ahead: a year and its longest holidays
MINUTES_PER_DAY = 24 * 60
AUTO_REPLY_MAX_CHARS = 1000
PLACEHOLDER = "{next_opening}"  # in an auto_reply, filled in by hours_reply
_KEYS = {"enabled", "timezone", "weekly", "holidays", "special_days", "auto_reply"}
_NOT_PLACES = {"localtime", "posixrules", "Factory"}  # files in the tz database, not zones
_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Interval:
    """Open from ``start`` to ``end``, in minutes after local midnight (1440 is 24:00)."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"


Day = tuple[Interval, ...]


@dataclass(frozen=True)
class BusinessHours:
    enabled: bool = False
    zone: ZoneInfo | None = None
    weekly: tuple[Day, ...] = ((),) * 7  # Monday first
    holidays: Mapping[date, str] = field(default_factory=dict)
    special_days: Mapping[date, Day] = field(default_factory=dict)
    auto_reply: Mapping[Locale, str] = field(default_factory=dict)

    @property
    def always_open(self) -> bool:
        return not self.enabled or self.zone is None

    def intervals_on(self, day: date) -> Day:
        """A holiday is closed all day; a special day replaces the weekday's hours."""
        if day in self.holidays:
            return ()
        if day in self.special_days:
            return self.special_days[day]
        return self.weekly[day.weekday()]


ALWAYS_OPEN = BusinessHours()


# --- parsing ---------------------------------------------------------------------------------


def parse_business_hours(raw: object) -> BusinessHours:
    """Check the stored shape; ``invalid`` with every problem in ``fields`` if it is wrong."""
    if raw is None:
        return ALWAYS_OPEN
    problems: dict[str, str] = {}
    hours = _Parser(problems).hours(raw)
    if problems:
        first = next(iter(problems.items()))
        raise ApplicationError(
            ErrorCode.INVALID, f"Business hours: {first[0]}: {first[1]}", fields=problems
        )
    return hours


_Dated = tuple[str, date, dict[str, Any]]  # where in the input, the date, the entry


class _Parser:
    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems

    def fail(self, path: str, message: str) -> None:
        self.problems.setdefault(f"business_hours.{path}" if path else "business_hours", message)

    def hours(self, raw: object) -> BusinessHours:
        if not isinstance(raw, dict):
            self.fail("", "must be an object.")
            return ALWAYS_OPEN
        for key in sorted(set(raw) - _KEYS):
            self.fail(key, f"unknown key; expected one of {', '.join(sorted(_KEYS))}.")
        enabled = raw.get("enabled", False)
        if not isinstance(enabled, bool):
            self.fail("enabled", "must be true or false.")
            enabled = False
        zone = self.zone(raw.get("timezone"), required=enabled)
        holidays = self.holidays(raw.get("holidays", []))
        special = self.special_days(raw.get("special_days", []))
        for day in sorted(set(holidays) & set(special)):
            self.fail("special_days", f"{day} is also a holiday; keep it in one list.")
        return BusinessHours(
            enabled=enabled,
            zone=zone,
            weekly=self.weekly(raw.get("weekly", {})),
            holidays=holidays,
            special_days=special,
            auto_reply=self.auto_reply(raw.get("auto_reply", {})),
        )

    def zone(self, raw: object, *, required: bool) -> ZoneInfo | None:
        if raw in (None, ""):
            if required:
                self.fail("timezone", "is required when business hours are enabled.")
            return None
        if not isinstance(raw, str) or raw in _NOT_PLACES or raw.startswith(("posix/", "right/")):
            self.fail("timezone", f"unknown time zone {raw!r}; use an IANA name.")
            return None
        try:
            return ZoneInfo(raw)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            self.fail("timezone", f"unknown time zone {raw!r}; use an IANA name.")
            return None

    def weekly(self, raw: object) -> tuple[Day, ...]:
        if not isinstance(raw, dict):
            self.fail("weekly", "must be an object with keys mon … sun.")
            return ALWAYS_OPEN.weekly
        for key in sorted(set(raw) - set(WEEKDAYS)):
            self.fail(f"weekly.{key}", "unknown day; use mon, tue, wed, thu, fri, sat, sun.")
        return tuple(self.intervals(raw.get(day, []), f"weekly.{day}") for day in WEEKDAYS)

    def intervals(self, raw: object, path: str) -> Day:
        if not isinstance(raw, list):
            self.fail(path, 'must be a list of ["HH:MM", "HH:MM"] pairs.')
            return ()
        found: list[Interval] = []
        for n, pair in enumerate(raw):
            where = f"{path}.{n}"
            if not (isinstance(pair, list) and len(pair) == 2):
                self.fail(where, 'must be a pair ["HH:MM", "HH:MM"].')
                continue
            start = self.minute(pair[0], where, may_be_midnight=False)
            end = self.minute(pair[1], where, may_be_midnight=True)
            if start is None or end is None:
                continue
            if end <= start:
                self.fail(
                    where,
                    f"{pair[0]}-{pair[1]} ends before it starts; an interval may not cross "
                    'midnight: split it, e.g. ["22:00", "24:00"] and ["00:00", "06:00"] the '
                    "next day.",
                )
                continue
            found.append(Interval(start, end))
        found.sort(key=lambda i: i.start)
        merged: list[Interval] = []
        for interval in found:
            if merged and interval.start < merged[-1].end:
                self.fail(path, f"{merged[-1]} and {interval} overlap.")
            elif merged and interval.start == merged[-1].end:  # 09:00-12:00 and 12:00-18:00
                merged[-1] = Interval(merged[-1].start, interval.end)
            else:
                merged.append(interval)
        return tuple(merged)

    def minute(self, raw: object, path: str, *, may_be_midnight: bool) -> int | None:
        match = _TIME.fullmatch(raw) if isinstance(raw, str) else None
        if match is not None:
            hour, minute = int(match[1]), int(match[2])
            if hour < 24 and minute < 60:
                return hour * 60 + minute
            if may_be_midnight and (hour, minute) == (24, 0):
                return MINUTES_PER_DAY
        allowed = "00:00 to 24:00" if may_be_midnight else "00:00 to 23:59"
        self.fail(path, f"{raw!r} is not a time; use HH:MM from {allowed}.")
        return None

    def date_of(self, raw: object, path: str) -> date | None:
        if isinstance(raw, str) and _DATE.fullmatch(raw):
            try:
                return date.fromisoformat(raw)
            except ValueError:
                pass
        self.fail(path, f"{raw!r} is not a date; use YYYY-MM-DD.")
        return None

    def dated(self, raw: object, path: str, keys: set[str]) -> list[_Dated]:
        """The entries of a list of ``{"date": …}`` objects, each date once."""
        if not isinstance(raw, list):
            self.fail(path, 'must be a list of {"date": "YYYY-MM-DD", …} objects.')
            return []
        entries: list[_Dated] = []
        seen: set[date] = set()
        for n, entry in enumerate(raw):
            where = f"{path}.{n}"
            if not isinstance(entry, dict):
                self.fail(where, 'must be an object with a "date".')
                continue
            for key in sorted(set(entry) - keys):
                self.fail(f"{where}.{key}", f"unknown key; expected {', '.join(sorted(keys))}.")
            day = self.date_of(entry.get("date"), f"{where}.date")
            if day is None:
                continue
            if day in seen:
                self.fail(f"{where}.date", f"{day} is listed twice.")
                continue
            seen.add(day)
            entries.append((where, day, entry))
        return entries

    def holidays(self, raw: object) -> dict[date, str]:
        found: dict[date, str] = {}
        for where, day, entry in self.dated(raw, "holidays", {"date", "name"}):
            name = entry.get("name", "")
            if not isinstance(name, str) or len(name) > 80:
                self.fail(f"{where}.name", "must be text of at most 80 characters.")
                name = ""
            found[day] = name
        return found

    def special_days(self, raw: object) -> dict[date, Day]:
        found: dict[date, Day] = {}
        for where, day, entry in self.dated(raw, "special_days", {"date", "intervals"}):
            if "intervals" not in entry:
                self.fail(f"{where}.intervals", "is required; a closed day is a holiday.")
                continue
            found[day] = self.intervals(entry["intervals"], f"{where}.intervals")
        return found

    def auto_reply(self, raw: object) -> dict[Locale, str]:
        if not isinstance(raw, dict):
            self.fail("auto_reply", 'must be an object such as {"en": "…", "zh-CN": "…"}.')
            return {}
        found: dict[Locale, str] = {}
        for key, text in raw.items():
            locale = _LOCALE_NAMES.get(key)
            if locale is None:
                self.fail(f"auto_reply.{key}", f"unknown locale; use {' or '.join(LOCALES)}.")
            elif not isinstance(text, str) or len(text) > AUTO_REPLY_MAX_CHARS:
                self.fail(
                    f"auto_reply.{key}", f"must be text of at most {AUTO_REPLY_MAX_CHARS} chars."
                )
            elif text.strip():
                found[locale] = text.strip()
        return found


# --- when is it open -------------------------------------------------------------------------


def is_open(*, hours: BusinessHours, at: datetime) -> bool:
    _require_aware(at)
    if hours.always_open or hours.zone is None:
        return True
    today = at.astimezone(hours.zone).date()
    return any(
        start <= at < end
        for offset in (-1, 0, 1)
        for start, end in _windows(hours, hours.zone, today + timedelta(days=offset))
    )


def next_opening(*, hours: BusinessHours, after: datetime) -> datetime | None:
    """The first instant at or after ``after`` when the inbox is open: ``after`` itself while
    it is open, else in UTC; None if it does not open within ``SEARCH_DAYS`` days.

    UTC, not the inbox's zone, because Python compares a zoned datetime in a repeated hour as
    unequal to every datetime of another zone, and adds to one on the wall clock."""
    _require_aware(after)
    if hours.always_open or hours.zone is None:
        return after
    first = after.astimezone(hours.zone).date() - timedelta(days=1)
    for offset in range(SEARCH_DAYS + 2):
        for start, end in _windows(hours, hours.zone, first + timedelta(days=offset)):
            if end > after:
                return after if start <= after else start
    return None


def open_windows_on(*, hours: BusinessHours, day: date) -> list[tuple[datetime, datetime]]:
    """The open windows of ``day`` (a date of the inbox's own calendar) as UTC instants, in
    order; SLA clocks count business time through them. Empty for hours that are always open:
    callers count those as calendar time."""
    if hours.always_open or hours.zone is None:
        return []
    return _windows(hours, hours.zone, day)


def _require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("Business hours need an aware datetime, not a naive one.")


def _windows(hours: BusinessHours, zone: ZoneInfo, day: date) -> list[tuple[datetime, datetime]]:
    """The day's intervals as instants (UTC); an interval wholly inside a jump is dropped."""
    windows = []
    for interval in hours.intervals_on(day):
        start = _instant(day, interval.start, zone)
        end = _instant(day, interval.end, zone)
        if start < end:
            windows.append((start, end))
    return windows


def _instant(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The instant the inbox's clock shows ``minute`` on ``day``: the first one if it shows
    twice (fold=0), the moment the clock jumps past it if it never shows."""
    wall = datetime.combine(day, time()) + timedelta(minutes=minute)
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # A gap. Read with the offsets before and after the jump, the wall time gives two instants
    # that bracket the jump; find the first second whose wall time has reached ``wall``.
    low, high = sorted(int(wall.replace(tzinfo=zone, fold=fold).timestamp()) for fold in (0, 1))
    while low < high:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle + 1
    return datetime.fromtimestamp(high, UTC)


# --- editing ---------------------------------------------------------------------------------


def business_hours_to_settings(hours: BusinessHours) -> dict[str, Any]:
    """The stored shape of ``hours``: ``parse_business_hours`` of it gives ``hours`` back."""

    def pairs(day: Day) -> list[list[str]]:
        return [[_hhmm(i.start), _hhmm(i.end)] for i in day]

    data: dict[str, Any] = {
        "enabled": hours.enabled,
        "timezone": hours.zone.key if hours.zone else "",
        "weekly": {name: pairs(day) for name, day in zip(WEEKDAYS, hours.weekly, strict=True)},
        "holidays": [
            {"date": d.isoformat(), "name": name} for d, name in sorted(hours.holidays.items())
        ],
        "special_days": [
            {"date": d.isoformat(), "intervals": pairs(day)}
            for d, day in sorted(hours.special_days.items())
        ],
    }
    if hours.auto_reply:
        data["auto_reply"] = dict(hours.auto_reply)
    return data


@cache
def zone_names() -> tuple[str, ...]:
    """IANA zone names for a picker, sorted."""
    return tuple(sorted(available_timezones() - _NOT_PLACES))


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
