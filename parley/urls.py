from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from parley.accounts import api as accounts_api
from parley.accounts.auth.workspace_api import WorkspaceSecurityView
from parley.bot import urls as bot_urls
from parley.compliance import api as compliance_api
from parley.contacts import api as contacts_api
from parley.conversations import api as conversations_api
from parley.conversations import canned_api, csat_api, files
from parley.inboxes import api as inboxes_api
from parley.inboxes.identity_api import IdentitySecretView
from parley.ops import frontend
from parley.ops import views as ops_views
from parley.routing import api as routing_api
from parley.tickets import api as tickets_api
from parley.tickets import sla_api
from parley.tickets import webform as tickets_webform

workspace_api: list[URLPattern | URLResolver] = [
    path("conversations/", conversations_api.ConversationListView.as_view()),
    path(
        "conversations/<int:conversation_id>/", conversations_api.ConversationDetailView.as_view()
    ),
    path(
        "conversations/<int:conversation_id>/messages/",
        conversations_api.MessageListView.as_view(),
    ),
    path("conversations/<int:conversation_id>/assign/", conversations_api.AssignView.as_view()),
    path("conversations/<int:conversation_id>/team/", conversations_api.TeamView.as_view()),
    path("conversations/<int:conversation_id>/status/", conversations_api.StatusView.as_view()),
    path("conversations/<int:conversation_id>/read/", conversations_api.ReadView.as_view()),
    path("attachments/", conversations_api.AttachmentUploadView.as_view()),
    path("canned-responses/", canned_api.CannedListView.as_view()),
    path("canned-responses/<int:canned_id>/", canned_api.CannedDetailView.as_view()),
    path("contacts/", contacts_api.ContactListView.as_view()),
    path("contacts/<int:contact_id>/", contacts_api.ContactDetailView.as_view()),
    path("conversations/<int:conversation_id>/transfer/", routing_api.TransferView.as_view()),
    path("routing/me/", routing_api.MyAvailabilityView.as_view()),
    path("routing/agents/", routing_api.AgentListView.as_view()),
    path("routing/agents/<int:member_id>/", routing_api.AgentDetailView.as_view()),
    path("routing/queue/", routing_api.QueueView.as_view()),
    path("routing/settings/", routing_api.RoutingSettingsView.as_view()),
    path("inboxes/", inboxes_api.InboxListView.as_view()),
    path("inboxes/<int:inbox_id>/", inboxes_api.InboxDetailView.as_view()),
    path("inboxes/<int:inbox_id>/identity-secret/", IdentitySecretView.as_view()),
    path("search/", conversations_api.SearchView.as_view()),
    path("csat/", csat_api.CsatResultsView.as_view()),
    path("", include("parley.automation.urls")),
    path("members/", accounts_api.MemberListView.as_view()),
    path("teams/", accounts_api.TeamListView.as_view()),
    path("tokens/", accounts_api.ApiTokenListView.as_view()),
    path("tokens/<int:token_id>/", accounts_api.ApiTokenDetailView.as_view()),
    path("security/", WorkspaceSecurityView.as_view()),
    path("tickets/", tickets_api.TicketListView.as_view()),
    path("tickets/bulk/", tickets_api.BulkView.as_view()),
    path("tickets/<int:ticket_id>/", tickets_api.TicketDetailView.as_view()),
    path("conversations/<int:conversation_id>/escalate/", tickets_api.EscalateView.as_view()),
    path("ticket-fields/", tickets_api.CustomFieldListView.as_view()),
    path("ticket-fields/<int:field_id>/", tickets_api.CustomFieldDetailView.as_view()),
    path("sla-policies/", sla_api.SlaPolicyListView.as_view()),
    path("sla-policies/reorder/", sla_api.SlaPolicyReorderView.as_view()),
    path("sla-policies/<int:policy_id>/", sla_api.SlaPolicyDetailView.as_view()),
    path("kb/", include(bot_urls.kb_api)),
    path("bot/", include(bot_urls.bot_members_api)),
    path("quality/", include("parley.quality.urls")),
    path("analytics/", include("parley.analytics.urls")),
    path("audit/", include("parley.accounts.audit.urls")),
    path("privacy/", include("parley.privacy.urls")),
]

api_v1: list[URLPattern | URLResolver] = [
    path("auth/", include("parley.accounts.auth.urls")),
    path("workspaces/<slug:workspace>/", include(workspace_api)),
]

widget_api_v1 = [
    path("sessions", inboxes_api.WidgetSessionView.as_view()),
    path("messages", inboxes_api.WidgetMessagesView.as_view()),
    path("attachments", inboxes_api.WidgetAttachmentView.as_view()),
    path("leave-message", inboxes_api.WidgetLeaveMessageView.as_view()),
    path(
        "conversations/<int:conversation_id>/queue",
        routing_api.WidgetQueueView.as_view(),
    ),
    path(
        "conversations/<int:conversation_id>/messages",
        inboxes_api.WidgetConversationMessagesView.as_view(),
    ),
    path("conversations/<int:conversation_id>/csat", csat_api.WidgetCsatView.as_view()),
    path("consent", compliance_api.WidgetConsentView.as_view()),
    *bot_urls.widget_help,
]

urlpatterns = [
    path("files/<str:token>/<str:name>", files.attachment_file, name="attachment-file"),
    path("csat/<str:token>", csat_api.csat_link_page, name="csat-link"),
    path("healthz", ops_views.healthz),
    path("readyz", ops_views.readyz),
    path("demo/", ops_views.demo_page),
    path("support/<slug:workspace>/new", tickets_webform.web_form, name="ticket-web-form"),
    path("help/<slug:workspace>/", include(bot_urls.help_center)),
    path("widget.js", frontend.widget_loader),
    path("app/", frontend.console_app),
    re_path(r"^app/(?P<path>.*)$", frontend.console_app),
    path("api/v1/", include(api_v1)),
    path("api/widget/v1/", include(widget_api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema")),
    path("admin/", admin.site.urls),
]
