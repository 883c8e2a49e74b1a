from __future__ import annotations

from django.contrib import admin

from parley.contacts.models import Contact


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin[Contact]):
    list_display = ["__str__", "email", "workspace", "created_at", "last_seen_at"]
    list_filter = ["workspace"]
    search_fields = ["name", "email"]
