"""Analytics routes, mounted under /api/v1/workspaces/<slug>/analytics/."""

from __future__ import annotations

from django.urls import URLPattern, path

from parley.analytics import api

urlpatterns: list[URLPattern] = [
    path("kpis/", api.KpiView.as_view()),
    path("leaderboard/", api.LeaderboardView.as_view()),
]
