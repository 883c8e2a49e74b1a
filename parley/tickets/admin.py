from __future__ import annotations

from django.contrib import admin

from parley.tickets.models import CustomFieldDefinition, Tag, Ticket, TicketSettings


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin[Ticket]):
    list_display = ["number", "workspace", "subject", "type", "created_via", "closed_at"]
    list_filter = ["created_via", "workspace"]
    search_fields = ["subject"]
    raw_id_fields = ["conversation", "follow_up_of"]
    # Numbers come from the counter; a ticket is made by the services, not here.
    readonly_fields = ["number", "workspace", "created_via", "closed_at"]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    list_display = ["name", "workspace"]
    list_filter = ["workspace"]


@admin.register(CustomFieldDefinition)
class CustomFieldDefinitionAdmin(admin.ModelAdmin[CustomFieldDefinition]):
    list_display = ["key", "label", "kind", "required", "workspace"]
    list_filter = ["kind", "workspace"]


@admin.register(TicketSettings)
class TicketSettingsAdmin(admin.ModelAdmin[TicketSettings]):
    list_display = ["workspace", "reopen_window", "web_form_inbox"]
