from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin

from parley.errors import ApplicationError
from parley.inboxes import hours, selectors
from parley.inboxes.models import Inbox

INBOX_FIELDS = [
    "workspace",
    "name",
    "kind",
    "public_key",
    "allowed_origins",
    "greeting",
    "agents",
    "teams",
]
_RANGE = re.compile(r"\s*(\S+)\s*-\s*(\S+)\s*")


def _zone_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((z, z) for z in hours.zone_names())]


def _day(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "09:00-12:00, 13:00-18:00"}),
    )


class InboxAdminForm(forms.ModelForm[Inbox]):
    """Business hours as a person reads them — one line per weekday, one line per holiday —
    kept in ``settings["business_hours"]`` and checked by the same parser the widget uses."""

    hours_enabled = forms.BooleanField(
        label="Business hours on",
        required=False,
        help_text="Off: the inbox is always open (someone present is then all that counts).",
    )
    hours_timezone = forms.ChoiceField(label="Time zone", required=False, choices=_zone_choices)
    hours_mon = _day("Monday")
    hours_tue = _day("Tuesday")
    hours_wed = _day("Wednesday")
    hours_thu = _day("Thursday")
    hours_fri = _day("Friday")
    hours_sat = _day("Saturday")
    hours_sun = _day("Sunday")
    hours_holidays = forms.CharField(
        label="Holidays",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Closed all day. One per line: 2026-10-01 National Day",
    )
    hours_special_days = forms.CharField(
        label="Special working days",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Replace the weekday's hours, e.g. a make-up working day. One per line: "
        "2026-09-27 09:00-18:00",
    )
    hours_auto_reply_en = forms.CharField(
        label="Away reply (English)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional; {next_opening} becomes e.g. “Monday 09:00 (Asia/Shanghai)”.",
    )
    hours_auto_reply_zh = forms.CharField(
        label="Away reply (简体中文)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="可选；{next_opening} 会换成例如“周一 09:00（北京时间/Asia/Shanghai）”。",
    )

    class Meta:
        model = Inbox
        fields = [*INBOX_FIELDS, "settings"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.update(_initial(self.instance))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        raw = {
            "enabled": bool(cleaned.get("hours_enabled")),
            "timezone": cleaned.get("hours_timezone") or "",
            "weekly": {
                day: self._ranges(f"hours_{day}", cleaned.get(f"hours_{day}", ""))
                for day in hours.WEEKDAYS
            },
            "holidays": [
                {"date": date, "name": rest}
                for date, rest in _dated_lines(cleaned.get("hours_holidays", ""))
            ],
            "special_days": [
                {"date": date, "intervals": self._ranges("hours_special_days", rest)}
                for date, rest in _dated_lines(cleaned.get("hours_special_days", ""))
            ],
            "auto_reply": {
                "en": cleaned.get("hours_auto_reply_en", ""),
                "zh-CN": cleaned.get("hours_auto_reply_zh", ""),
            },
        }
        if self.errors:
            return cleaned
        try:
            parsed = hours.parse_business_hours(raw)
        except ApplicationError as exc:
            for path, message in exc.fields.items():
                self.add_error(_form_field(path), f"{path}: {message}")
            return cleaned
        settings = dict(cleaned.get("settings") or {})
        if parsed == hours.ALWAYS_OPEN:  # nothing set: keep settings free of an empty section
            settings.pop("business_hours", None)
        else:
            settings["business_hours"] = hours.business_hours_to_settings(parsed)
        cleaned["settings"] = settings
        return cleaned

    def _ranges(self, field: str, text: str) -> list[list[str]]:
        pairs = []
        for part in filter(None, (p.strip() for p in text.split(","))):
            match = _RANGE.fullmatch(part)
            if match is None:
                self.add_error(field, f"“{part}” is not a range like 09:00-18:00.")
            else:
                pairs.append([match[1], match[2]])
        return pairs


def _dated_lines(text: str) -> list[tuple[str, str]]:
    """ "2026-10-01 National Day" → ("2026-10-01", "National Day"), one per non-empty line."""
    found = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        date, _, rest = line.partition(" ")
        found.append((date, rest.strip()))
    return found


def _form_field(path: str) -> str | None:
    """The form field a parser error path ("business_hours.weekly.mon.0") belongs to."""
    parts = path.split(".")
    section = parts[1] if len(parts) > 1 else ""
    if section == "weekly" and len(parts) > 2 and parts[2] in hours.WEEKDAYS:
        return f"hours_{parts[2]}"
    if section == "auto_reply":
        return "hours_auto_reply_zh" if path.endswith("zh-CN") else "hours_auto_reply_en"
    return {
        "enabled": "hours_enabled",
        "timezone": "hours_timezone",
        "holidays": "hours_holidays",
        "special_days": "hours_special_days",
    }.get(section)


def _initial(inbox: Inbox) -> dict[str, Any]:
    try:
        parsed = hours.parse_business_hours(inbox.settings.get("business_hours"))
    except ApplicationError:
        return {}  # stored by hand and wrong: start from empty rather than refuse to show
    data = hours.business_hours_to_settings(parsed)

    def ranges(pairs: list[list[str]]) -> str:
        return ", ".join(f"{start}-{end}" for start, end in pairs)

    initial: dict[str, Any] = {
        "hours_enabled": data["enabled"],
        "hours_timezone": data["timezone"],
        "hours_holidays": "\n".join(f"{h['date']} {h['name']}".strip() for h in data["holidays"]),
        "hours_special_days": "\n".join(
            f"{s['date']} {ranges(s['intervals'])}" for s in data["special_days"]
        ),
        "hours_auto_reply_en": data.get("auto_reply", {}).get("en", ""),
        "hours_auto_reply_zh": data.get("auto_reply", {}).get("zh-CN", ""),
    }
    for day in hours.WEEKDAYS:
        initial[f"hours_{day}"] = ranges(data["weekly"][day])
    return initial


@admin.register(Inbox)
class InboxAdmin(admin.ModelAdmin[Inbox]):
    form = InboxAdminForm
    list_display = ["name", "kind", "workspace", "public_key", "open_now"]
    list_filter = ["kind", "workspace"]
    filter_horizontal = ["agents", "teams"]
    fieldsets = [
        (
            None,
            {"fields": [*INBOX_FIELDS]},
        ),
        (
            "Business hours",
            {
                "description": "In the inbox's own time zone. An empty day is closed. Several "
                "ranges a day are allowed; a range may not cross midnight (write 22:00-24:00 and "
                "00:00-06:00 the next day).",
                "fields": [
                    "hours_enabled",
                    "hours_timezone",
                    *(f"hours_{day}" for day in hours.WEEKDAYS),
                    "hours_holidays",
                    "hours_special_days",
                    "hours_auto_reply_en",
                    "hours_auto_reply_zh",
                ],
            },
        ),
        (
            "Other settings",
            {
                "classes": ["collapse"],
                "description": "Raw JSON; its business_hours is replaced by the fields above.",
                "fields": ["settings"],
            },
        ),
    ]

    @admin.display(boolean=True, description="Open now")
    def open_now(self, inbox: Inbox) -> bool:
        return selectors.inbox_is_open(inbox=inbox)
