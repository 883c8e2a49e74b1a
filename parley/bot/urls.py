"""The knowledge base's URLs, included by parley/urls.py: the members' API, the widget's help
search and the public help center."""

from __future__ import annotations

from django.urls import URLPattern, path

from parley.bot import api, bot_api, faq_api, search_api
from parley.bot.helpcenter import views as help_views

kb_api: list[URLPattern] = [
    path("articles/", api.ArticleListView.as_view()),
    path("articles/<int:article_id>/", api.ArticleDetailView.as_view()),
    path("articles/<int:article_id>/publish/", api.ArticlePublishView.as_view()),
    path("articles/<int:article_id>/versions/", api.ArticleVersionListView.as_view()),
    path(
        "articles/<int:article_id>/versions/<int:number>/restore/",
        api.ArticleVersionRestoreView.as_view(),
    ),
    path("faqs/", faq_api.FaqListView.as_view()),
    path("faqs/<int:faq_id>/", faq_api.FaqDetailView.as_view()),
    path("synonyms/", faq_api.SynonymListView.as_view()),
    path("synonyms/<int:synonym_id>/", faq_api.SynonymDetailView.as_view()),
    path("search/", search_api.SearchView.as_view()),
]

widget_help: list[URLPattern] = [
    path("help/search", search_api.WidgetHelpSearchView.as_view()),
    path("conversations/<int:conversation_id>/bot/choice", bot_api.WidgetBotChoiceView.as_view()),
    path("conversations/<int:conversation_id>/bot/handoff", bot_api.WidgetBotHandoffView.as_view()),
    path("bot/replies/<int:message_id>/rating", bot_api.WidgetBotRatingView.as_view()),
]

# Under /api/v1/workspaces/<slug>/bot/.
bot_members_api: list[URLPattern] = [
    path("inboxes/", bot_api.BotInboxListView.as_view()),
    path("inboxes/<int:inbox_id>/settings/", bot_api.BotInboxSettingsView.as_view()),
    path("generation/", bot_api.BotGenerationView.as_view()),
    path("analytics/", bot_api.BotAnalyticsView.as_view()),
    path("conversations/<int:conversation_id>/", bot_api.ConversationBotView.as_view()),
]

help_center: list[URLPattern] = [
    path("", help_views.help_home, name="help-home"),
    path("search", help_views.help_search, name="help-search"),
    path("articles/<str:article_slug>/", help_views.help_article, name="help-article"),
]
