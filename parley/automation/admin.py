from __future__ import annotations

from django.contrib import admin

from parley.automation.models import Macro, Rule, RuleRun


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin[Rule]):
    list_display = ["name", "workspace", "event", "position", "active", "stop_processing"]
    list_filter = ["event", "active", "workspace"]
    search_fields = ["name"]


@admin.register(RuleRun)
class RuleRunAdmin(admin.ModelAdmin[RuleRun]):
    list_display = ["rule", "conversation", "event", "at"]
    list_filter = ["event"]
    raw_id_fields = ["rule", "conversation"]

    # The log is what happened; it is read, never written, here.
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin[Macro]):
    list_display = ["name", "workspace", "scope", "owner"]
    list_filter = ["scope", "workspace"]
    search_fields = ["name"]
