"""Business hours: the stored shape, when an inbox is open, and when it opens next — in the
inbox's own zone, across DST jumps, holidays and make-up working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.hours import (
    ALWAYS_OPEN,
    WEEKDAYS,
    BusinessHours,
    business_hours_to_settings,
    is_open,
    next_opening,
    parse_business_hours,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
OFFICE = [["09:00", "12:00"], ["13:00", "18:00"]]


def hours(zone: str = "Asia/Shanghai", **raw: Any) -> BusinessHours:
    """Weekdays 09:00-12:00 and 13:00-18:00 unless ``weekly`` says otherwise."""
    return parse_business_hours(
        {
            "enabled": True,
            "timezone": zone,
            "weekly": {day: OFFICE for day in WEEKDAYS[:5]},
            **raw,
        }
    )


def at(
    zone: tzinfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """``at(SHANGHAI, 2026, 3, 2, 9, 30)``: that wall-clock time in that zone (fold=0)."""
    return datetime(year, month, day, hour, minute, second, tzinfo=zone)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return at(UTC, year, month, day, hour, minute, second)


# --- Shanghai: no DST ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ((2026, 3, 2, 8, 59, 59), False),  # Monday, before opening
        ((2026, 3, 2, 9, 0), True),  # opening minute is open
        ((2026, 3, 2, 11, 59, 59), True),
        ((2026, 3, 2, 12, 0), False),  # lunch: the end is exclusive
        ((2026, 3, 2, 12, 30), False),
        ((2026, 3, 2, 13, 0), True),
        ((2026, 3, 2, 17, 59, 59), True),
        ((2026, 3, 2, 18, 0), False),
        ((2026, 3, 6, 17, 0), True),  # Friday
        ((2026, 3, 7, 10, 0), False),  # Saturday
        ((2026, 3, 8, 10, 0), False),  # Sunday
    ],
)
def test_shanghai_office_hours(local, expected):
    assert is_open(hours=hours(), at=at(SHANGHAI, *local)) is expected


def test_the_same_instant_gives_the_same_answer_in_any_zone():
    # Monday 09:30 in Shanghai is Monday 01:30 UTC and Sunday 20:30 in New York.
    instant = at(SHANGHAI, 2026, 3, 2, 9, 30)
    for zone in (UTC, NEW_YORK, LONDON, ZoneInfo("Pacific/Auckland")):
        assert is_open(hours=hours(), at=instant.astimezone(zone)) is True
    assert is_open(hours=hours(), at=utc(2026, 3, 2, 0, 59)) is False  # 08:59 in Shanghai


def test_a_weekday_with_no_entry_or_an_empty_list_is_closed():
    h = hours(weekly={"mon": [["09:00", "18:00"]], "tue": []})
    assert is_open(hours=h, at=at(SHANGHAI, 2026, 3, 2, 10, 0)) is True
    assert is_open(hours=h, at=at(SHANGHAI, 2026, 3, 3, 10, 0)) is False
    assert is_open(hours=h, at=at(SHANGHAI, 2026, 3, 4, 10, 0)) is False


def test_touching_intervals_are_one_stretch():
    h = hours(weekly={"mon": [["12:00", "18:00"], ["09:00", "12:00"]]})
    one_stretch = parse_business_hours(
        {"enabled": True, "timezone": "UTC", "weekly": {"mon": [["09:00", "18:00"]]}}
    )
    assert h.weekly[0] == one_stretch.weekly[0]
    assert is_open(hours=h, at=at(SHANGHAI, 2026, 3, 2, 12, 0)) is True


# --- New York and London: DST -----------------------------------------------------------------


def test_new_york_opens_at_local_nine_in_winter_and_in_summer():
    h = hours("America/New_York")
    # EST (UTC-5) in January, EDT (UTC-4) in July: 09:00 local is 14:00 and 13:00 UTC.
    assert is_open(hours=h, at=utc(2026, 1, 5, 13, 59)) is False
    assert is_open(hours=h, at=utc(2026, 1, 5, 14, 0)) is True
    assert is_open(hours=h, at=utc(2026, 7, 6, 12, 59)) is False
    assert is_open(hours=h, at=utc(2026, 7, 6, 13, 0)) is True


def test_london_opens_at_local_nine_either_side_of_the_clock_change():
    h = hours("Europe/London")
    # GMT on Friday 27 March, BST from Sunday 29 March.
    assert next_opening(hours=h, after=utc(2026, 3, 27, 0, 0)) == utc(2026, 3, 27, 9, 0)
    assert next_opening(hours=h, after=utc(2026, 3, 28, 0, 0)) == utc(2026, 3, 30, 8, 0)


def test_new_york_spring_gap_a_missing_start_opens_when_the_clocks_jump():
    # 2026-03-08 (Sunday): 02:00 EST jumps to 03:00 EDT (07:00 UTC); 02:00-02:59 never shows.
    h = hours("America/New_York", weekly={"sun": [["02:00", "04:00"]]})
    assert is_open(hours=h, at=utc(2026, 3, 8, 6, 59, 59)) is False  # 01:59:59 EST
    assert is_open(hours=h, at=utc(2026, 3, 8, 7, 0)) is True  # 03:00 EDT
    assert is_open(hours=h, at=utc(2026, 3, 8, 7, 59, 59)) is True
    assert is_open(hours=h, at=utc(2026, 3, 8, 8, 0)) is False  # 04:00 EDT
    opening = next_opening(hours=h, after=utc(2026, 3, 8, 0, 0))
    assert opening == utc(2026, 3, 8, 7, 0)
    assert opening is not None
    assert opening.astimezone(NEW_YORK).isoformat() == "2026-03-08T03:00:00-04:00"


def test_new_york_spring_gap_a_missing_end_closes_when_the_clocks_jump():
    h = hours("America/New_York", weekly={"sun": [["01:00", "02:30"]]})
    assert is_open(hours=h, at=utc(2026, 3, 8, 6, 0)) is True  # 01:00 EST
    assert is_open(hours=h, at=utc(2026, 3, 8, 6, 59, 59)) is True
    assert is_open(hours=h, at=utc(2026, 3, 8, 7, 0)) is False  # 03:00 EDT: past 02:30


def test_an_interval_wholly_inside_the_gap_does_not_happen_that_day():
    h = hours("America/New_York", weekly={"sun": [["02:15", "02:45"]]})
    for minute in range(0, 24 * 60, 5):
        assert is_open(hours=h, at=utc(2026, 3, 8, 5, 0) + timedelta(minutes=minute)) is False
    # The next Sunday it exists (EDT): 02:15 local is 06:15 UTC.
    assert next_opening(hours=h, after=utc(2026, 3, 8, 0, 0)) == utc(2026, 3, 15, 6, 15)


def test_london_spring_gap():
    # 2026-03-29: 01:00 GMT jumps to 02:00 BST (01:00 UTC).
    h = hours("Europe/London", weekly={"sun": [["01:30", "02:30"]]})
    assert next_opening(hours=h, after=utc(2026, 3, 28, 12, 0)) == utc(2026, 3, 29, 1, 0)
    assert is_open(hours=h, at=utc(2026, 3, 29, 1, 29)) is True  # 02:29 BST
    assert is_open(hours=h, at=utc(2026, 3, 29, 1, 30)) is False  # 02:30 BST


def test_london_autumn_fold_an_hour_that_happens_twice_counts_once_the_first_time():
    # 2026-10-25: 02:00 BST goes back to 01:00 GMT; 01:00-01:59 shows twice.
    h = hours("Europe/London", weekly={"sun": [["01:00", "01:30"]]})
    assert is_open(hours=h, at=utc(2026, 10, 25, 0, 0)) is True  # 01:00 BST
    assert is_open(hours=h, at=utc(2026, 10, 25, 0, 29)) is True
    assert is_open(hours=h, at=utc(2026, 10, 25, 0, 30)) is False
    assert is_open(hours=h, at=utc(2026, 10, 25, 1, 15)) is False  # 01:15 GMT, the second time
    assert next_opening(hours=h, after=utc(2026, 10, 25, 0, 45)) == utc(2026, 11, 1, 1, 0)


def test_london_autumn_fold_a_day_spanning_it_lasts_an_hour_longer():
    h = hours("Europe/London", weekly={"sun": [["00:00", "03:00"]]})
    assert is_open(hours=h, at=utc(2026, 10, 24, 23, 0)) is True  # 00:00 BST
    assert is_open(hours=h, at=utc(2026, 10, 25, 2, 59)) is True  # 02:59 GMT
    assert is_open(hours=h, at=utc(2026, 10, 25, 3, 0)) is False  # four real hours in all


def test_new_york_autumn_fold_ends_on_the_first_occurrence():
    # 2026-11-01: 02:00 EDT goes back to 01:00 EST; an interval ending 01:30 ends at 05:30 UTC.
    h = hours("America/New_York", weekly={"sun": [["00:00", "01:30"]]})
    assert is_open(hours=h, at=utc(2026, 11, 1, 5, 29)) is True  # 01:29 EDT
    assert is_open(hours=h, at=utc(2026, 11, 1, 5, 30)) is False  # 01:30 EDT
    assert is_open(hours=h, at=utc(2026, 11, 1, 6, 15)) is False  # 01:15 EST


# --- overnight, holidays, special days --------------------------------------------------------


def test_overnight_hours_are_two_intervals_and_open_across_midnight():
    h = hours(weekly={"fri": [["22:00", "24:00"]], "sat": [["00:00", "06:00"]]})
    assert is_open(hours=h, at=at(SHANGHAI, 2026, 3, 6, 21, 59)) is False
    assert is_open(hours=h, at=at(SHANGHAI, 2026, 3, 6, 22, 0)) is True
    assert is_open(hours=h, at=at(SHANGHAI, 2026, 3, 6, 23, 59, 59)) is True
    assert is_open(hours=h, at=at(SHANGHAI, 2026, 3, 7, 0, 0)) is True
    assert is_open(hours=h, at=at(SHANGHAI, 2026, 3, 7, 5, 59)) is True
    assert is_open(hours=h, at=at(SHANGHAI, 2026, 3, 7, 6, 0)) is False
    assert next_opening(hours=h, after=at(SHANGHAI, 2026, 3, 7, 6, 0)) == at(
        SHANGHAI, 2026, 3, 13, 22, 0
    )


def test_24_00_ends_a_day_at_the_next_midnight():
    h = hours(weekly={"mon": [["20:00", "24:00"]]})
    assert is_open(hours=h, at=at(SHANGHAI, 2026, 3, 2, 23, 59, 59)) is True
    assert is_open(hours=h, at=at(SHANGHAI, 2026, 3, 3, 0, 0)) is False


def test_a_holiday_is_closed_all_day():
    h = hours(holidays=[{"date": "2026-05-01", "name": "Labour Day"}])  # a Friday
    assert is_open(hours=h, at=at(SHANGHAI, 2026, 5, 1, 10, 0)) is False
    assert is_open(hours=h, at=at(SHANGHAI, 2026, 4, 30, 10, 0)) is True
    assert next_opening(hours=h, after=at(SHANGHAI, 2026, 4, 30, 18, 0)) == at(
        SHANGHAI, 2026, 5, 4, 9, 0
    )


def test_a_special_day_opens_a_weekend_and_replaces_a_weekdays_hours():
    h = hours(
        special_days=[
            {"date": "2026-09-27", "intervals": [["09:00", "18:00"]]},  # a make-up Sunday
            {"date": "2026-09-25", "intervals": [["09:00", "12:00"]]},  # a half-day Friday
        ]
    )
    assert is_open(hours=h, at=at(SHANGHAI, 2026, 9, 27, 12, 30)) is True
    assert is_open(hours=h, at=at(SHANGHAI, 2026, 9, 20, 12, 30)) is False  # other Sundays
    assert is_open(hours=h, at=at(SHANGHAI, 2026, 9, 25, 14, 0)) is False
    assert next_opening(hours=h, after=at(SHANGHAI, 2026, 9, 25, 12, 0)) == at(
        SHANGHAI, 2026, 9, 27, 9, 0
    )


def test_an_empty_special_day_is_closed():
    h = hours(special_days=[{"date": "2026-03-02", "intervals": []}])
    assert is_open(hours=h, at=at(SHANGHAI, 2026, 3, 2, 10, 0)) is False


# --- next_opening ----------------------------------------------------------------------------


def test_next_opening_over_a_weekend():
    opening = next_opening(hours=hours(), after=at(SHANGHAI, 2026, 3, 6, 18, 0))
    assert opening == at(SHANGHAI, 2026, 3, 9, 9, 0)
    assert opening is not None and opening.tzinfo == UTC


def test_next_opening_from_lunch_is_the_afternoon():
    assert next_opening(hours=hours(), after=at(SHANGHAI, 2026, 3, 2, 12, 5)) == at(
        SHANGHAI, 2026, 3, 2, 13, 0
    )


def test_next_opening_over_national_day_week():
    # An example schedule: 1-8 October off, Sunday 27 September and Saturday 10 October worked.
    h = hours(
        holidays=[{"date": f"2026-10-0{d}", "name": "National Day"} for d in range(1, 9)],
        special_days=[
            {"date": "2026-09-27", "intervals": OFFICE},
            {"date": "2026-10-10", "intervals": OFFICE},
        ],
    )
    assert next_opening(hours=h, after=at(SHANGHAI, 2026, 9, 26, 12, 0)) == at(
        SHANGHAI, 2026, 9, 27, 9, 0
    )
    assert next_opening(hours=h, after=at(SHANGHAI, 2026, 9, 30, 18, 0)) == at(
        SHANGHAI, 2026, 10, 9, 9, 0
    )
    assert next_opening(hours=h, after=at(SHANGHAI, 2026, 10, 9, 18, 0)) == at(
        SHANGHAI, 2026, 10, 10, 9, 0
    )
    assert not any(
        is_open(hours=h, at=at(SHANGHAI, 2026, 10, day, hour, 0))
        for day in range(1, 9)
        for hour in range(24)
    )


def test_next_opening_is_the_instant_itself_while_open():
    now = at(SHANGHAI, 2026, 3, 2, 10, 0)
    assert next_opening(hours=hours(), after=now) is now


def test_next_opening_in_a_repeated_hour_is_that_very_datetime():
    # 01:00 BST on 2012-10-28 shows twice; Python calls it unequal to any UTC datetime, so the
    # answer must be the datetime given, not a converted copy.
    h = hours("Europe/London", weekly={"sun": [["00:00", "01:01"]]})
    repeated = utc(2012, 10, 28, 0, 0).astimezone(LONDON)
    assert is_open(hours=h, at=repeated) is True
    assert next_opening(hours=h, after=repeated) == repeated


def test_next_opening_is_none_when_it_never_opens():
    never = hours(weekly={})
    after = at(SHANGHAI, 2026, 3, 2, 10, 0)
    assert is_open(hours=never, at=after) is False
    assert next_opening(hours=never, after=after) is None


def test_next_opening_looks_about_a_year_ahead_and_no_further():
    after = at(SHANGHAI, 2026, 1, 1, 0, 0)
    soon = date(2026, 12, 31)
    later = date(2027, 2, 10)  # 405 days on

    def only(day: date) -> BusinessHours:
        return hours(weekly={}, special_days=[{"date": day.isoformat(), "intervals": OFFICE}])

    assert next_opening(hours=only(soon), after=after) == at(SHANGHAI, 2026, 12, 31, 9, 0)
    assert next_opening(hours=only(later), after=after) is None


# --- absent, disabled, naive -----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        None,
        {},
        {"enabled": False, "timezone": "Asia/Shanghai", "weekly": {"mon": OFFICE}},
    ],
)
def test_absent_or_disabled_hours_are_always_open(raw):
    h = parse_business_hours(raw)
    saturday_night = at(SHANGHAI, 2026, 3, 7, 23, 0)
    assert is_open(hours=h, at=saturday_night) is True
    assert next_opening(hours=h, after=saturday_night) == saturday_night


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        is_open(hours=hours(), at=datetime(2026, 3, 2, 10, 0))
    with pytest.raises(ValueError, match="aware"):
        next_opening(hours=ALWAYS_OPEN, after=datetime(2026, 3, 2, 10, 0))


# --- validation ------------------------------------------------------------------------------

VALID: dict[str, Any] = {"enabled": True, "timezone": "Asia/Shanghai", "weekly": {"mon": OFFICE}}


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone", "unknown time zone"),
        ({"timezone": "asia/shanghai"}, "timezone", "unknown time zone"),
        ({"timezone": "../etc/passwd"}, "timezone", "unknown time zone"),
        ({"timezone": "localtime"}, "timezone", "unknown time zone"),
        ({"timezone": 8}, "timezone", "unknown time zone"),
        ({"timezone": ""}, "timezone", "required when business hours are enabled"),
        ({"enabled": "yes"}, "enabled", "true or false"),
        ({"weekdays": {}}, "weekdays", "unknown key"),
        ({"weekly": []}, "weekly", "object with keys mon"),
        ({"weekly": {"monday": OFFICE}}, "weekly.monday", "unknown day"),
        ({"weekly": {"mon": "09:00-18:00"}}, "weekly.mon", "list of"),
        ({"weekly": {"mon": [["09:00"]]}}, "weekly.mon.0", "pair"),
        ({"weekly": {"mon": [["9am", "18:00"]]}}, "weekly.mon.0", "'9am' is not a time"),
        ({"weekly": {"mon": [["09:00", "25:00"]]}}, "weekly.mon.0", "'25:00' is not a time"),
        ({"weekly": {"mon": [["09:60", "18:00"]]}}, "weekly.mon.0", "'09:60' is not a time"),
        ({"weekly": {"mon": [["09:00", "24:30"]]}}, "weekly.mon.0", "00:00 to 24:00"),
        ({"weekly": {"mon": [["24:00", "24:00"]]}}, "weekly.mon.0", "00:00 to 23:59"),
        ({"weekly": {"mon": [["22:00", "06:00"]]}}, "weekly.mon.0", "may not cross midnight"),
        ({"weekly": {"mon": [["09:00", "09:00"]]}}, "weekly.mon.0", "ends before it starts"),
        (
            {"weekly": {"tue": [["09:00", "12:00"], ["11:30", "14:00"]]}},
            "weekly.tue",
            "09:00-12:00 and 11:30-14:00 overlap",
        ),
        ({"holidays": {"2026-10-01": "x"}}, "holidays", "list of"),
        ({"holidays": ["2026-10-01"]}, "holidays.0", "object"),
        ({"holidays": [{"date": "2026-13-01"}]}, "holidays.0.date", "not a date"),
        ({"holidays": [{"date": "2026-02-30"}]}, "holidays.0.date", "not a date"),
        ({"holidays": [{"date": "2026/10/01"}]}, "holidays.0.date", "YYYY-MM-DD"),
        ({"holidays": [{"date": "20261001"}]}, "holidays.0.date", "YYYY-MM-DD"),
        ({"holidays": [{}]}, "holidays.0.date", "not a date"),
        ({"holidays": [{"date": "2026-10-01", "name": 5}]}, "holidays.0.name", "text"),
        ({"holidays": [{"date": "2026-10-01", "day": "x"}]}, "holidays.0.day", "unknown key"),
        (
            {"holidays": [{"date": "2026-10-01"}, {"date": "2026-10-01"}]},
            "holidays.1.date",
            "listed twice",
        ),
        ({"special_days": [{"date": "2026-09-27"}]}, "special_days.0.intervals", "required"),
        (
            {"special_days": [{"date": "2026-09-27", "intervals": [["18:00", "09:00"]]}]},
            "special_days.0.intervals.0",
            "ends before it starts",
        ),
        (
            {
                "holidays": [{"date": "2026-10-01"}],
                "special_days": [{"date": "2026-10-01", "intervals": OFFICE}],
            },
            "special_days",
            "also a holiday",
        ),
        ({"auto_reply": "Back soon"}, "auto_reply", "object"),
        ({"auto_reply": {"zh": "稍后回复"}}, "auto_reply.zh", "unknown locale"),
        ({"auto_reply": {"en": ["x"]}}, "auto_reply.en", "text"),
        ({"auto_reply": {"en": "x" * 1001}}, "auto_reply.en", "at most 1000"),
    ],
)
def test_bad_hours_are_refused_naming_the_field(change, field, says):
    with pytest.raises(ApplicationError) as caught:
        parse_business_hours({**VALID, **change})
    error = caught.value
    assert error.code == ErrorCode.INVALID and error.http_status == 400
    assert says in error.fields[f"business_hours.{field}"]
    assert error.as_dict()["code"] == "invalid"


def test_something_not_an_object_is_refused():
    with pytest.raises(ApplicationError) as caught:
        parse_business_hours(["09:00", "18:00"])
    assert caught.value.fields == {"business_hours": "must be an object."}


def test_every_problem_is_reported_at_once():
    with pytest.raises(ApplicationError) as caught:
        parse_business_hours(
            {
                "enabled": True,
                "timezone": "Nowhere/City",
                "weekly": {
                    "mon": [["9", "18:00"]],
                    "tue": [["10:00", "12:00"], ["11:00", "13:00"]],
                },
                "holidays": [{"date": "tomorrow"}],
            }
        )
    assert set(caught.value.fields) == {
        "business_hours.timezone",
        "business_hours.weekly.mon.0",
        "business_hours.weekly.tue",
        "business_hours.holidays.0.date",
    }
    assert caught.value.detail.startswith("Business hours: business_hours.")


def test_a_disabled_setup_is_still_checked_but_needs_no_zone():
    assert parse_business_hours({"enabled": False, "weekly": {"mon": OFFICE}}).always_open
    with pytest.raises(ApplicationError):
        parse_business_hours({"enabled": False, "weekly": {"mon": [["18:00", "09:00"]]}})


def test_the_stored_shape_round_trips():
    h = hours(
        holidays=[{"date": "2026-10-01", "name": "National Day"}],
        special_days=[{"date": "2026-09-27", "intervals": [["09:00", "18:00"]]}],
        auto_reply={"en": "Back {next_opening}."},
    )
    stored = business_hours_to_settings(h)
    assert stored["weekly"]["mon"] == OFFICE and stored["weekly"]["sat"] == []
    assert stored["timezone"] == "Asia/Shanghai"
    assert parse_business_hours(stored) == h


# --- property: open now exactly when the next opening is now ---------------------------------

ZONES = [
    "Asia/Shanghai",
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",  # a half-hour DST shift
    "Pacific/Apia",  # skipped 30 December 2011 altogether
    "America/Santiago",  # changes its clocks at midnight
]


@st.composite
def day_intervals(draw: st.DrawFn) -> list[list[str]]:
    points = sorted(draw(st.lists(st.integers(0, 24 * 60), unique=True, max_size=6)))
    pairs = zip(points[::2], points[1::2], strict=False)
    return [[f"{a // 60:02d}:{a % 60:02d}", f"{b // 60:02d}:{b % 60:02d}"] for a, b in pairs]


@st.composite
def any_hours(draw: st.DrawFn) -> BusinessHours:
    holidays = draw(st.lists(st.dates(date(2011, 12, 1), date(2013, 1, 31)), unique=True))
    return parse_business_hours(
        {
            "enabled": True,
            "timezone": draw(st.sampled_from(ZONES)),
            "weekly": {day: draw(day_intervals()) for day in WEEKDAYS},
            "holidays": [{"date": d.isoformat()} for d in holidays],
        }
    )


# Days around these zones' clock changes in 2011-2012, where most mistakes would show.
CLOCK_CHANGES = [
    datetime(2011, 12, 29, tzinfo=UTC),
    datetime(2012, 3, 11, tzinfo=UTC),
    datetime(2012, 3, 25, tzinfo=UTC),
    datetime(2012, 3, 31, tzinfo=UTC),
    datetime(2012, 4, 28, tzinfo=UTC),
    datetime(2012, 9, 1, tzinfo=UTC),
    datetime(2012, 9, 29, tzinfo=UTC),
    datetime(2012, 10, 6, tzinfo=UTC),
    datetime(2012, 10, 27, tzinfo=UTC),
    datetime(2012, 11, 3, tzinfo=UTC),
]
instants = st.one_of(
    st.datetimes(datetime(2011, 12, 1), datetime(2013, 1, 1), timezones=st.just(UTC)),
    st.builds(
        lambda day, seconds: day + timedelta(seconds=seconds),
        st.sampled_from(CLOCK_CHANGES),
        st.integers(-86400, 3 * 86400),
    ),
)


@settings(max_examples=400, deadline=None)
@given(h=any_hours(), instant=instants, in_inbox_zone=st.booleans())
def test_closed_exactly_when_the_next_opening_is_later(h, instant, in_inbox_zone):
    if in_inbox_zone:
        instant = instant.astimezone(h.zone)
    opening = next_opening(hours=h, after=instant)
    if is_open(hours=h, at=instant):
        assert opening == instant
    else:
        assert opening is None or opening > instant
    if opening is not None:
        assert is_open(hours=h, at=opening) is True
        # In UTC: arithmetic on a datetime in a zone with DST is wall-clock arithmetic.
        just_before = opening.astimezone(UTC) - timedelta(microseconds=1)
        if just_before >= instant:
            assert is_open(hours=h, at=just_before) is False
