from __future__ import annotations

from django.contrib import admin

from parley.inboxes.models import Inbox


@admin.register(Inbox)
class InboxAdmin(admin.ModelAdmin[Inbox]):
    list_display = ["name", "kind", "workspace", "public_key"]
    list_filter = ["kind", "workspace"]
    filter_horizontal = ["agents", "teams"]
