"""Quality routes, mounted under /api/v1/workspaces/<slug>/quality/."""

from __future__ import annotations

from django.urls import URLPattern, path

from parley.quality import api

urlpatterns: list[URLPattern] = [
    path("scorecards/", api.ScorecardListView.as_view()),
    path("scorecards/<int:scorecard_id>/", api.ScorecardDetailView.as_view()),
    path("reviews/", api.ReviewListView.as_view()),
    path("reviews/<int:review_id>/", api.ReviewDetailView.as_view()),
    path("queue/", api.QueueListView.as_view()),
    path("queue/<int:item_id>/skip/", api.QueueSkipView.as_view()),
    path("settings/", api.QualitySettingsView.as_view()),
]
