"""What a visitor is told while the inbox is closed, and in which language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from parley.inboxes.hours import ALWAYS_OPEN, WEEKDAYS, BusinessHours, parse_business_hours
from parley.inboxes.hours_reply import closed_reply, negotiate_locale

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE = [["09:00", "18:00"]]
FRIDAY_EVENING = datetime(2026, 3, 6, 19, 0, tzinfo=SHANGHAI)


def hours(zone: str = "Asia/Shanghai", **raw: object) -> BusinessHours:
    return parse_business_hours(
        {"enabled": True, "timezone": zone, "weekly": {d: OFFICE for d in WEEKDAYS[:5]}, **raw}
    )


def test_the_default_reply_names_the_day_time_and_zone():
    assert closed_reply(hours=hours(), locale="en", at=FRIDAY_EVENING) == (
        "We're away now. We'll be back Monday 09:00 (Asia/Shanghai)."
    )
    assert closed_reply(hours=hours(), locale="zh-CN", at=FRIDAY_EVENING) == (
        "我们现在不在线，将于 周一 09:00（北京时间/Asia/Shanghai）回复您。"
    )


def test_the_reply_is_in_the_inboxs_zone_whatever_zone_at_is_in():
    visitor_time = FRIDAY_EVENING.astimezone(ZoneInfo("America/Los_Angeles"))  # Friday 03:00
    assert "Monday 09:00 (Asia/Shanghai)" in closed_reply(
        hours=hours(), locale="en", at=visitor_time
    )


def test_later_the_same_day():
    early = datetime(2026, 3, 2, 7, 0, tzinfo=SHANGHAI)
    assert closed_reply(hours=hours(), locale="en", at=early).endswith(
        "back Monday 09:00 (Asia/Shanghai)."
    )


def test_a_week_or_more_away_gives_the_date_too():
    h = hours(holidays=[{"date": f"2026-10-0{d}"} for d in range(1, 9)])
    before = datetime(2026, 9, 30, 18, 30, tzinfo=SHANGHAI)
    assert closed_reply(hours=h, locale="en", at=before) == (
        "We're away now. We'll be back Friday 9 October 09:00 (Asia/Shanghai)."
    )
    assert closed_reply(hours=h, locale="zh-CN", at=before) == (
        "我们现在不在线，将于 10月9日 周五 09:00（北京时间/Asia/Shanghai）回复您。"
    )


def test_into_another_year_gives_the_year():
    h = hours(holidays=[{"date": f"2026-12-{d}"} for d in range(24, 32)])
    before = datetime(2026, 12, 23, 18, 0, tzinfo=SHANGHAI)
    assert "Friday 1 January 2027 09:00" in closed_reply(hours=h, locale="en", at=before)
    assert "2027年1月1日 周五 09:00" in closed_reply(hours=h, locale="zh-CN", at=before)


@pytest.mark.parametrize(
    ("zone", "english", "chinese"),
    [
        ("Europe/London", "(Europe/London)", "（伦敦时间/Europe/London）"),
        ("America/New_York", "(America/New_York)", "（纽约时间/America/New_York）"),
        ("Europe/Madrid", "(Europe/Madrid)", "（Europe/Madrid）"),
    ],
)
def test_the_zone_is_named(zone, english, chinese):
    saturday = datetime(2026, 3, 7, 12, 0, tzinfo=ZoneInfo(zone))
    assert closed_reply(hours=hours(zone), locale="en", at=saturday).endswith(
        f"Monday 09:00 {english}."
    )
    assert closed_reply(hours=hours(zone), locale="zh-CN", at=saturday).endswith(
        f"周一 09:00{chinese}回复您。"
    )


def test_the_inboxs_own_text_is_used_with_the_opening_filled_in():
    h = hours(auto_reply={"en": "Thanks! A person replies {next_opening}. Urgent? Call 400-123."})
    assert closed_reply(hours=h, locale="en", at=FRIDAY_EVENING) == (
        "Thanks! A person replies Monday 09:00 (Asia/Shanghai). Urgent? Call 400-123."
    )
    # No Chinese text of its own: Parley's Chinese wording, not the English text.
    assert closed_reply(hours=h, locale="zh-CN", at=FRIDAY_EVENING).startswith("我们现在不在线")


def test_braces_in_the_inboxs_text_are_kept_as_written():
    h = hours(auto_reply={"zh-CN": "我们{周一}见：{next_opening} {unknown}"})
    assert closed_reply(hours=h, locale="zh-CN", at=FRIDAY_EVENING) == (
        "我们{周一}见：周一 09:00（北京时间/Asia/Shanghai） {unknown}"
    )


def test_an_inbox_that_never_opens_promises_no_time():
    never = hours(weekly={}, auto_reply={"en": "Back {next_opening}."})
    assert closed_reply(hours=never, locale="en", at=FRIDAY_EVENING) == "Back as soon as we can."
    assert closed_reply(hours=never, locale="zh-CN", at=FRIDAY_EVENING) == (
        "我们现在不在线，会尽快回复您的留言。"
    )


def test_nothing_to_say_while_open():
    monday = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
    assert closed_reply(hours=hours(), locale="en", at=monday) == ""
    assert closed_reply(hours=ALWAYS_OPEN, locale="zh-CN", at=FRIDAY_EVENING) == ""


@pytest.mark.parametrize(
    ("requested", "header", "expected"),
    [
        ("zh-CN", "en-US,en;q=0.9", "zh-CN"),  # the explicit field wins
        ("en", "zh-CN", "en"),
        ("zh-cn", "", "zh-CN"),
        ("fr", "zh-CN", "en"),  # asked for, but unsupported: English
        (None, "zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        (None, "en-GB,en;q=0.9,zh-CN;q=0.8", "en"),
        (None, "en;q=0.5,zh-TW;q=0.8", "zh-CN"),  # by weight, not order
        (None, "fr-FR,de;q=0.9,zh;q=0.5", "zh-CN"),  # the first supported one
        (None, "zh;q=0,en", "en"),  # q=0 means not acceptable
        (None, "fr-FR", "en"),
        (None, "", "en"),
        ("", "zh-CN", "zh-CN"),
        (None, "zh-CN;q=abc, en;q=0.1", "en"),
    ],
)
def test_the_visitors_language(requested, header, expected):
    assert negotiate_locale(requested=requested, accept_language=header) == expected
