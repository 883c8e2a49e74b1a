"""Analytics routes, mounted under /api/v1/workspaces/<slug>/analytics/."""

from __future__ import annotations

from django.urls import URLPattern, path

from parley.analytics import alerts_api, api, dashboard_api, reports_api
from parley.analytics.customers import api as customers_api
from parley.analytics.insights import api as mining_api
from parley.analytics.sentiment import api as sentiment_api

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
    path("mining/topics/", mining_api.TopicsView.as_view()),
    path("mining/rules/", mining_api.RulesView.as_view()),
    path("mining/forecast/", mining_api.ForecastView.as_view()),
    path("mining/day-shapes/", mining_api.DayShapesView.as_view()),
    path("mining/refresh/", mining_api.RefreshView.as_view()),
    path("sentiment/", sentiment_api.SentimentOverviewView.as_view()),
    path("sentiment/negative/", sentiment_api.NegativeConversationsView.as_view()),
    path("sentiment/models/", sentiment_api.ModelVersionListView.as_view()),
    path(
        "sentiment/models/<int:version>/activate/",
        sentiment_api.ModelVersionActivateView.as_view(),
    ),
    path("customers/", customers_api.AtRiskListView.as_view()),
    path("customers/<int:contact_id>/", customers_api.ProfileView.as_view()),
    path("customers/<int:contact_id>/follow-up/", customers_api.FollowUpView.as_view()),
    path("churn/models/", customers_api.ChurnModelsView.as_view()),
]
