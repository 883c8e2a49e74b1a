from __future__ import annotations

from django.contrib import admin

from parley.conversations.models import (
    Attachment,
    CannedResponse,
    Conversation,
    CsatResponse,
    Message,
)


class MessageInline(admin.TabularInline[Message, Conversation]):
    model = Message
    extra = 0
    fields = ["seq", "sender_type", "kind", "body", "private", "created_at"]
    readonly_fields = ["seq", "sender_type", "kind", "body", "private", "created_at"]
    can_delete = False
    ordering = ["seq"]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin[Conversation]):
    list_display = ["id", "inbox", "contact", "status", "assignee", "team", "last_activity_at"]
    list_filter = ["status", "inbox", "workspace"]
    raw_id_fields = ["contact", "assignee"]
    readonly_fields = ["last_seq", "contact_read_seq", "created_at", "last_activity_at"]
    inlines = [MessageInline]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    list_display = ["conversation", "seq", "sender_type", "kind", "private", "created_at"]
    list_filter = ["kind", "sender_type", "private"]
    search_fields = ["body"]
    raw_id_fields = ["conversation", "sender_member", "sender_contact"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin[Attachment]):
    list_display = ["name", "kind", "content_type", "size", "workspace", "message", "created_at"]
    list_filter = ["kind", "workspace"]
    raw_id_fields = ["message", "uploaded_by_member", "uploaded_by_contact"]


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin[CannedResponse]):
    list_display = ["shortcut", "title", "scope", "team", "owner", "workspace"]
    list_filter = ["scope", "workspace"]
    search_fields = ["shortcut", "title", "body"]


@admin.register(CsatResponse)
class CsatResponseAdmin(admin.ModelAdmin[CsatResponse]):
    list_display = ["conversation", "rating", "assignee", "team", "inbox", "resolved_at"]
    list_filter = ["rating", "source", "workspace"]
    raw_id_fields = ["conversation", "assignee"]
    readonly_fields = ["resolved_at", "expires_at", "answered_at", "updated_at"]
