from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from parley.accounts.models import ApiToken, AuditEvent, Member, Team, User, Workspace
from parley.accounts.services import audit_record


def audit_admin_role_change(request: HttpRequest, member: Member, old_role: str | None) -> None:
    """A role set in the admin site is audited like one set through the API: by the acting
    user's membership in that workspace when they have one, naming the admin user either way."""
    if old_role == member.role:
        return
    actor = (
        Member.objects.filter(workspace_id=member.workspace_id, user_id=request.user.pk).first()
        if request.user.pk is not None
        else None
    )
    audit_record(
        workspace=member.workspace,
        actor=actor,
        action="member.added" if old_role is None else "member.role_changed",
        target=member,
        data={"from": old_role, "to": member.role, "via": "admin site", "by": str(request.user)},
    )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "is_active"]
    search_fields = ["email", "display_name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "display_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class MemberInline(admin.TabularInline[Member, Workspace]):
    model = Member
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin[Workspace]):
    list_display = ["name", "slug", "timezone", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MemberInline]

    def save_formset(self, request: Any, form: Any, formset: Any, change: Any) -> None:
        olds = {
            f.instance.pk: f.initial.get("role") for f in formset.forms if f.instance.pk is not None
        }
        super().save_formset(request, form, formset, change)
        if formset.model is Member:
            for member in formset.new_objects + [o for o, _ in formset.changed_objects]:
                audit_admin_role_change(request, member, olds.get(member.pk))


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin[Member]):
    list_display = ["user", "workspace", "role", "is_active"]
    list_filter = ["role", "workspace"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]

    def save_model(self, request: Any, obj: Member, form: Any, change: bool) -> None:
        old = Member.objects.filter(pk=obj.pk).values_list("role", flat=True).first()
        super().save_model(request, obj, form, change)
        audit_admin_role_change(request, obj, old)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ["name", "workspace"]
    list_filter = ["workspace"]
    filter_horizontal = ["members"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["name", "prefix", "member", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ["created_at", "workspace", "actor", "action", "target_type", "target_id"]
    list_filter = ["action", "workspace"]

    def has_add_permission(self, request: object) -> bool:
        return False  # entries are written by audit_record, chained

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False  # the audit trail is append-only

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
