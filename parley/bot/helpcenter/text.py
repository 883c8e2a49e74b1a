"""The help center's words in English and Chinese, and the language a request asks for."""

from __future__ import annotations

from django.http import HttpRequest

from parley.inboxes.hours_reply import negotiate_locale

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "help_center": "Help center",
        "description": "Answers to common questions from {name}: guides, policies and how-tos.",
        "search": "Search",
        "search_label": "Search the help center",
        "search_placeholder": "Describe your question…",
        "popular": "Popular articles",
        "categories": "Browse by topic",
        "uncategorised": "More articles",
        "empty": "There are no articles here yet.",
        "results_for": "Results for",
        "no_results": "Nothing matched. Try other words, or contact us.",
        "throttled": "Too many searches from your address. Please try again in a minute.",
        "updated": "Updated",
        "back": "All articles",
        "other_language": "中文",
    },
    "zh-CN": {
        "help_center": "帮助中心",
        "description": "{name} 常见问题解答：使用指南、政策说明与操作步骤。",
        "search": "搜索",
        "search_label": "搜索帮助中心",
        "search_placeholder": "请描述您的问题…",
        "popular": "热门文章",
        "categories": "按主题浏览",
        "uncategorised": "更多文章",
        "empty": "这里还没有文章。",
        "results_for": "搜索结果：",
        "no_results": "没有找到相关内容，请换个说法试试，或联系我们。",
        "throttled": "您的搜索过于频繁，请一分钟后再试。",
        "updated": "更新于",
        "back": "全部文章",
        "other_language": "English",
    },
}


def help_language(request: HttpRequest) -> str:
    """``?lang=`` wins, then Accept-Language (the widget's rule); English otherwise."""
    return negotiate_locale(
        requested=request.GET.get("lang") or None,
        accept_language=request.headers.get("Accept-Language", ""),
    )
