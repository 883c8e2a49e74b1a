"""Custom field values checked against the workspace's definitions, every problem at once,
each by its field key."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from parley.errors import ApplicationError, ErrorCode
from parley.tickets.models import CustomFieldDefinition, CustomFieldKind

TEXT_MAX = 500


def _clean_one(definition: CustomFieldDefinition, value: Any) -> tuple[Any, str | None]:
    """The stored form of one value, or the problem with it."""
    if definition.kind == CustomFieldKind.TEXT:
        if not isinstance(value, str):
            return None, "must be text"
        if len(value) > TEXT_MAX:
            return None, f"must be at most {TEXT_MAX} characters"
        return value.strip(), None
    if definition.kind == CustomFieldKind.NUMBER:
        if isinstance(value, bool):
            return None, "must be a number"
        if isinstance(value, int | float):
            return value, None
        if isinstance(value, str):
            try:
                number = Decimal(value.strip())
            except InvalidOperation:
                return None, "must be a number"
            if not number.is_finite():
                return None, "must be a number"
            return int(number) if number == number.to_integral_value() else float(number), None
        return None, "must be a number"
    if definition.kind == CustomFieldKind.CHOICE:
        if value not in definition.choices:
            allowed = ", ".join(str(c) for c in definition.choices)
            return None, f"must be one of: {allowed}"
        return value, None
    if definition.kind == CustomFieldKind.DATE:
        if not isinstance(value, str):
            return None, "must be a date (YYYY-MM-DD)"
        try:
            return datetime.date.fromisoformat(value.strip()).isoformat(), None
        except ValueError:
            return None, "must be a date (YYYY-MM-DD)"
    return None, "has an unknown kind"


def custom_fields_clean(
    *,
    workspace_id: int,
    values: dict[str, Any],
    partial_of: dict[str, Any] | None = None,
    enforce_required: bool = True,
) -> dict[str, Any]:
    """The complete, cleaned set of values. ``partial_of`` is the ticket's current set when
    only some values change: they are merged first, and ``None`` removes a value. Unknown
    keys, values of the wrong kind and missing required fields are refused together. Customers
    cannot fill members' fields, so ``enforce_required=False`` skips the required check."""
    merged = dict(partial_of or {})
    merged.update(values)
    merged = {key: value for key, value in merged.items() if value not in (None, "")}
    definitions = {
        d.key: d for d in CustomFieldDefinition.objects.filter(workspace_id=workspace_id)
    }
    problems: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for key, value in merged.items():
        definition = definitions.get(key)
        if definition is None:
            if key in values:  # a value left from a field deleted since is kept, not refused
                problems[key] = "is not a custom field of this workspace"
            else:
                cleaned[key] = value
            continue
        clean, problem = _clean_one(definition, value)
        if problem:
            problems[key] = problem
        else:
            cleaned[key] = clean
    for key, definition in definitions.items():
        if enforce_required and definition.required and key not in merged:
            problems[key] = "is required"
    if problems:
        detail = "; ".join(f"{key} {problem}" for key, problem in sorted(problems.items()))
        raise ApplicationError(
            ErrorCode.INVALID,
            f"Custom fields: {detail}.",
            fields={"custom_fields": problems},
        )
    return cleaned
