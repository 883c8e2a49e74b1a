"""Business-time arithmetic of SLA clocks: weekends, holidays, make-up days, time zones, clock
jumps, a start outside the hours, and a clock paused and resumed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parley.inboxes.hours import ALWAYS_OPEN, BusinessHours, parse_business_hours
from parley.tickets.sla.clock import NeverOpen, add_business_time, business_time_between

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
WORKDAY = [["09:00", "12:00"], ["13:00", "18:00"]]  # 8 hours with a lunch break


def office(zone: str, **extra: Any) -> BusinessHours:
    weekly = {day: WORKDAY for day in ("mon", "tue", "wed", "thu", "fri")}
    return parse_business_hours({"enabled": True, "timezone": zone, "weekly": weekly, **extra})


def at(zone: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone)


HOUR = timedelta(hours=1)


def test_no_hours_is_calendar_time() -> None:
    start = datetime(2026, 3, 7, 23, 0, tzinfo=UTC)  # a Saturday night
    assert add_business_time(start, 5 * HOUR, ALWAYS_OPEN) == start + 5 * HOUR
    assert business_time_between(start, start + 5 * HOUR, ALWAYS_OPEN) == 5 * HOUR


def test_disabled_hours_are_calendar_time() -> None:
    hours = parse_business_hours({"enabled": False, "timezone": "Asia/Shanghai"})
    start = datetime(2026, 3, 7, 23, 0, tzinfo=UTC)
    assert add_business_time(start, 30 * HOUR, hours) == start + 30 * HOUR


def test_within_one_morning() -> None:
    hours = office("Asia/Shanghai")
    start = at(SHANGHAI, 2026, 3, 2, 9, 30)  # Monday
    assert add_business_time(start, 2 * HOUR, hours) == at(SHANGHAI, 2026, 3, 2, 11, 30)


def test_skips_the_lunch_break() -> None:
    hours = office("Asia/Shanghai")
    start = at(SHANGHAI, 2026, 3, 2, 11, 0)
    assert add_business_time(start, 2 * HOUR, hours) == at(SHANGHAI, 2026, 3, 2, 14, 0)


def test_ending_exactly_at_closing_stays_at_closing() -> None:
    hours = office("Asia/Shanghai")
    start = at(SHANGHAI, 2026, 3, 2, 17, 0)
    assert add_business_time(start, HOUR, hours) == at(SHANGHAI, 2026, 3, 2, 18, 0)


def test_friday_evening_runs_into_monday() -> None:
    hours = office("Asia/Shanghai")
    start = at(SHANGHAI, 2026, 3, 6, 17, 0)  # Friday, one hour before closing
    due = add_business_time(start, 4 * HOUR, hours)
    assert due == at(SHANGHAI, 2026, 3, 9, 12, 0)  # 1 h Friday + 3 h Monday morning
    assert business_time_between(start, due, hours) == 4 * HOUR


def test_start_outside_hours_counts_from_the_next_opening() -> None:
    hours = office("Asia/Shanghai")
    saturday = at(SHANGHAI, 2026, 3, 7, 15, 0)
    assert add_business_time(saturday, HOUR, hours) == at(SHANGHAI, 2026, 3, 9, 10, 0)
    night = at(SHANGHAI, 2026, 3, 3, 2, 0)  # Tuesday before opening
    assert add_business_time(night, HOUR, hours) == at(SHANGHAI, 2026, 3, 3, 10, 0)
    assert business_time_between(saturday, at(SHANGHAI, 2026, 3, 9, 9, 0), hours) == timedelta(0)


def test_holidays_are_skipped_and_make_up_days_count() -> None:
    # China's National Day week: 1-7 October off; Sunday 27 September and Saturday 10 October
    # are working days.
    hours = office(
        "Asia/Shanghai",
        holidays=[{"date": f"2026-10-0{d}", "name": "National Day"} for d in range(1, 8)],
        special_days=[
            {"date": "2026-09-27", "intervals": [["09:00", "18:00"]]},
            {"date": "2026-10-10", "intervals": [["09:00", "18:00"]]},
        ],
    )
    # Wednesday 30 September, 17:00: one hour left that day, then the holiday week, then the
    # make-up Saturday.
    start = at(SHANGHAI, 2026, 9, 30, 17, 0)
    assert add_business_time(start, 3 * HOUR, hours) == at(SHANGHAI, 2026, 10, 8, 11, 0)
    # Saturday 26 September is a weekend; the make-up Sunday counts nine hours.
    saturday = at(SHANGHAI, 2026, 9, 26, 12, 0)
    assert add_business_time(saturday, 9 * HOUR, hours) == at(SHANGHAI, 2026, 9, 27, 18, 0)


def test_the_same_instant_in_two_zones_gives_different_due_times() -> None:
    start = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai, 01:00 in New York
    shanghai = add_business_time(start, 6 * HOUR, office("Asia/Shanghai"))
    new_york = add_business_time(start, 6 * HOUR, office("America/New_York"))
    assert shanghai == at(SHANGHAI, 2026, 3, 3, 11, 0)  # 4 h Monday, 2 h Tuesday
    assert new_york == at(NEW_YORK, 2026, 3, 2, 16, 0)  # 3 h morning + 3 h after lunch
    assert shanghai.tzinfo == UTC and new_york.tzinfo == UTC


def test_spring_forward_night_counts_real_time() -> None:
    # New York jumps from 02:00 to 03:00 on Sunday 8 March 2026; a night shift 00:00-06:00
    # is five real hours that night.
    hours = parse_business_hours(
        {"enabled": True, "timezone": "America/New_York", "weekly": {"sun": [["00:00", "06:00"]]}}
    )
    start = at(NEW_YORK, 2026, 3, 8, 0, 0)
    end = at(NEW_YORK, 2026, 3, 8, 6, 0)
    assert business_time_between(start, end, hours) == 5 * HOUR
    assert add_business_time(start, 5 * HOUR, hours) == end


def test_fall_back_night_counts_real_time() -> None:
    # 1 November 2026: 01:00-02:00 shows twice; 00:00-06:00 is seven real hours.
    hours = parse_business_hours(
        {"enabled": True, "timezone": "America/New_York", "weekly": {"sun": [["00:00", "06:00"]]}}
    )
    start = at(NEW_YORK, 2026, 11, 1, 0, 0)
    assert business_time_between(start, start + 10 * HOUR, hours) == 7 * HOUR
    due = add_business_time(start, 7 * HOUR, hours)
    assert due == datetime(2026, 11, 1, 11, 0, tzinfo=UTC)  # 06:00 EST


def test_opening_time_inside_the_jump_opens_when_the_clock_jumps() -> None:
    # Opens at 02:30, which never shows on 8 March: the window starts at 03:00 EDT.
    hours = parse_business_hours(
        {"enabled": True, "timezone": "America/New_York", "weekly": {"sun": [["02:30", "04:00"]]}}
    )
    start = at(NEW_YORK, 2026, 3, 8, 0, 0)
    assert add_business_time(start, timedelta(minutes=30), hours) == datetime(
        2026, 3, 8, 7, 30, tzinfo=UTC
    )


def test_pause_and_resume_keeps_the_business_time_left() -> None:
    """What an SLA does while a ticket is pending: the time used before the pause plus the
    time left after it make the whole target, however long the pause."""
    hours = office("Asia/Shanghai")
    start = at(SHANGHAI, 2026, 3, 2, 9, 0)
    target = 8 * HOUR
    due = add_business_time(start, target, hours)
    paused = at(SHANGHAI, 2026, 3, 2, 15, 0)
    left = business_time_between(paused, due, hours)
    assert business_time_between(start, paused, hours) + left == target
    resumed = at(SHANGHAI, 2026, 3, 4, 16, 30)  # two days later
    assert add_business_time(resumed, left, hours) == at(SHANGHAI, 2026, 3, 5, 10, 30)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        add_business_time(datetime(2026, 3, 2, 9, 0), HOUR, office("Asia/Shanghai"))


def test_hours_that_never_open_are_refused() -> None:
    hours = parse_business_hours({"enabled": True, "timezone": "UTC", "weekly": {}})
    start = datetime(2026, 3, 2, tzinfo=UTC)
    with pytest.raises(NeverOpen):
        add_business_time(start, HOUR, hours)
    assert business_time_between(start, start + HOUR, hours) == timedelta(0)


@given(
    offset_minutes=st.integers(min_value=0, max_value=14 * 24 * 60),
    minutes=st.integers(min_value=0, max_value=60 * 60),
    zone=st.sampled_from(["Asia/Shanghai", "America/New_York"]),
)
def test_adding_then_measuring_gives_the_duration_back(
    offset_minutes: int, minutes: int, zone: str
) -> None:
    hours = office(zone, holidays=[{"date": "2026-03-10", "name": "Day off"}])
    start = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(minutes=offset_minutes)
    due = add_business_time(start, timedelta(minutes=minutes), hours)
    assert due >= start
    assert business_time_between(start, due, hours) == timedelta(minutes=minutes)
