"""What a visitor is told while an inbox is closed: when the team will answer, in their language.

English and Simplified Chinese, like the widget. Times are the inbox's wall clock, named with its
zone so a visitor elsewhere can tell: "Monday 09:00 (Asia/Shanghai)",
"周一 09:00（北京时间/Asia/Shanghai）".
"""

from __future__ import annotations

from datetime import datetime

from parley.inboxes.hours import PLACEHOLDER, BusinessHours, Locale, is_open, next_opening


def negotiate_locale(*, requested: str | None = None, accept_language: str = "") -> Locale:
    """An explicit locale wins, then the Accept-Language header by weight; English otherwise."""
    if requested:
        return normalize_locale(requested)
    weighted: list[tuple[float, int, str]] = []
    for n, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if tag and weight > 0:
            weighted.append((-weight, n, tag.strip().lower()))
    for _, _, tag in sorted(weighted):
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return "en"


def normalize_locale(locale: str) -> Locale:
    return "zh-CN" if locale.strip().lower().startswith("zh") else "en"


_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ZH_DAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_ZH_ZONE_NAMES = {
    "Asia/Shanghai": "北京时间",
    "Asia/Chongqing": "北京时间",
    "Asia/Harbin": "北京时间",
    "PRC": "北京时间",
    "Asia/Hong_Kong": "香港时间",
    "Asia/Macau": "澳门时间",
    "Asia/Taipei": "台北时间",
    "Asia/Singapore": "新加坡时间",
    "Asia/Tokyo": "东京时间",
    "Europe/London": "伦敦时间",
    "Europe/Paris": "巴黎时间",
    "Europe/Berlin": "柏林时间",
    "America/New_York": "纽约时间",
    "America/Los_Angeles": "洛杉矶时间",
    "Australia/Sydney": "悉尼时间",
    "UTC": "协调世界时",
}


def closed_reply(*, hours: BusinessHours, locale: str, at: datetime) -> str:
    """What to tell a visitor at ``at``: when the team will answer; "" while it is open.

    The inbox's own ``auto_reply`` for the locale is used when it has one, with
    ``{next_opening}`` filled in; otherwise Parley's wording."""
    if is_open(hours=hours, at=at):
        return ""
    lang = normalize_locale(locale)
    opening = next_opening(hours=hours, after=at)
    when = describe_opening(hours=hours, locale=lang, opening=opening, at=at)
    template = hours.auto_reply.get(lang)
    if template:
        return template.replace(PLACEHOLDER, when)
    if lang == "zh-CN":
        if opening is None:
            return "我们现在不在线，会尽快回复您的留言。"
        return f"我们现在不在线，将于 {when}回复您。"
    if opening is None:
        return "We're away now. We'll answer your message as soon as we can."
    return f"We're away now. We'll be back {when}."


def describe_opening(
    *, hours: BusinessHours, locale: Locale, opening: datetime | None, at: datetime
) -> str:
    """ "Monday 09:00 (Asia/Shanghai)" / "周一 09:00（北京时间/Asia/Shanghai）"; the date too
    when the weekday alone would be ambiguous (a week or more away)."""
    if opening is None or hours.zone is None:
        return "尽快" if locale == "zh-CN" else "as soon as we can"
    local = opening.astimezone(hours.zone)
    today = at.astimezone(hours.zone).date()
    far = (local.date() - today).days >= 7
    other_year = local.year != today.year
    clock = local.strftime("%H:%M")
    key = hours.zone.key
    if locale == "zh-CN":
        day = _ZH_DAYS[local.weekday()]
        if far:
            year = f"{local.year}年" if other_year else ""
            day = f"{year}{local.month}月{local.day}日 {day}"
        label = f"{_ZH_ZONE_NAMES[key]}/{key}" if key in _ZH_ZONE_NAMES else key
        return f"{day} {clock}（{label}）"
    day = _EN_DAYS[local.weekday()]
    if far:
        day = f"{day} {local.day} {_EN_MONTHS[local.month - 1]}"
        if other_year:
            day = f"{day} {local.year}"
    return f"{day} {clock} ({key})"
