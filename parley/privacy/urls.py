from __future__ import annotations

from django.urls import path

from parley.compliance import api as compliance_api
from parley.privacy import api

urlpatterns = [
    # Privacy settings, the compliance report, retention, export and erasure (docs/privacy.md).
    path("settings/", compliance_api.PrivacySettingsView.as_view()),
    path("report/", compliance_api.ComplianceReportView.as_view()),
    path("retention/run/", compliance_api.RetentionRunView.as_view()),
    path("contacts/<int:contact_id>/export/", compliance_api.ContactExportView.as_view()),
    path("contacts/<int:contact_id>/erase/", compliance_api.ContactEraseView.as_view()),
    path("messages/<int:message_id>/reveal/", api.MessageRevealView.as_view()),
    path("contacts/<int:contact_id>/reveal/", api.ContactRevealView.as_view()),
    path("tickets/<int:ticket_id>/reveal/", api.TicketRevealView.as_view()),
]
