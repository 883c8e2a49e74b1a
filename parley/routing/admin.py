from __future__ import annotations

from django.contrib import admin

from parley.routing.models import AgentSkill, AgentState, WorkspaceRouting


@admin.register(AgentState)
class AgentStateAdmin(admin.ModelAdmin[AgentState]):
    list_display = ["member", "availability", "max_concurrent", "changed_at"]
    list_filter = ["availability"]


@admin.register(AgentSkill)
class AgentSkillAdmin(admin.ModelAdmin[AgentSkill]):
    list_display = ["member", "skill", "level"]
    search_fields = ["skill"]


@admin.register(WorkspaceRouting)
class WorkspaceRoutingAdmin(admin.ModelAdmin[WorkspaceRouting]):
    list_display = ["workspace", "default_max_concurrent"]
