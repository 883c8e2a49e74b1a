from __future__ import annotations

from django.urls import path

from parley.accounts.audit import api

urlpatterns = [
    path("", api.AuditLogView.as_view()),
    path("export/", api.AuditExportView.as_view()),
    path("verify/", api.AuditVerifyView.as_view()),
]
