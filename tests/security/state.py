"""What "nothing stored changed" means in the security tests: every table's row count and a
digest of its rows, compared before and after an attack."""

from __future__ import annotations

import hashlib

from django.apps import apps
from django.contrib.sessions.models import Session

# Rows an attempt may legitimately leave behind: sessions of the test's own logins.
IGNORED = {Session._meta.label}


def stored_state() -> dict[str, str]:
    state = {}
    for model in apps.get_models():
        if not model._meta.managed or model._meta.label in IGNORED:
            continue
        rows = model._default_manager.order_by("pk").values_list()
        state[model._meta.label] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return state


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))
