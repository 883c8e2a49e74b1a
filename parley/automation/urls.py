"""Automation's routes under /api/v1/workspaces/<slug>/."""

from __future__ import annotations

from django.urls import URLPattern, path

from parley.automation import api

urlpatterns: list[URLPattern] = [
    path("automation/rules/", api.RuleListView.as_view()),
    path("automation/rules/reorder/", api.RuleReorderView.as_view()),
    path("automation/rules/<int:rule_id>/", api.RuleDetailView.as_view()),
    path("automation/rules/<int:rule_id>/runs/", api.RuleRunListView.as_view()),
    path("automation/macros/", api.MacroListView.as_view()),
    path("automation/macros/<int:macro_id>/", api.MacroDetailView.as_view()),
    path(
        "conversations/<int:conversation_id>/macros/<int:macro_id>/apply/",
        api.MacroApplyView.as_view(),
    ),
]
