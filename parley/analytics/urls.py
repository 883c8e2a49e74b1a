"""Analytics routes, mounted under /api/v1/workspaces/<slug>/analytics/."""

from __future__ import annotations

from django.urls import URLPattern, path

from parley.analytics import alerts_api, api, dashboard_api, reports_api

urlpatterns: list[URLPattern] = [
    path("kpis/", api.KpiView.as_view()),
    path("leaderboard/", api.LeaderboardView.as_view()),
    path("dashboard/", dashboard_api.DashboardView.as_view()),
    path("dashboard/export.csv", dashboard_api.DashboardCsvView.as_view()),
    path("dashboard/drilldown/", dashboard_api.DrilldownView.as_view()),
    path("dashboard/live/", dashboard_api.LiveTilesView.as_view()),
    path("alert-rules/", alerts_api.AlertRuleListView.as_view()),
    path("alert-rules/<int:rule_id>/", alerts_api.AlertRuleDetailView.as_view()),
    path("alerts/", alerts_api.AlertHistoryView.as_view()),
    path("report-subscriptions/", reports_api.ReportSubscriptionListView.as_view()),
    path(
        "report-subscriptions/<int:subscription_id>/",
        reports_api.ReportSubscriptionDetailView.as_view(),
    ),
]
