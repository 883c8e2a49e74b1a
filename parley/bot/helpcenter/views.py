"""The public help center: a home page with the categories and the most read articles, one
page per published article, and search. Server-rendered for speed and search engines (a real
<title>, a description, a canonical link and the other language's alternate), no script.

English and Chinese by ``?lang=`` or the browser's Accept-Language, as the ticket web form
does; an article page speaks its article's language. Drafts and other workspaces' articles are
404s, never "forbidden": they are not there for the public.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from parley.accounts.models import Workspace
from parley.bot import selectors
from parley.bot.api import PUBLIC_RELATIVE_FLOOR
from parley.bot.helpcenter.text import TEXT, help_language
from parley.bot.helpcenter.throttle import HelpSearchThrottle
from parley.bot.services.sanitize import snippet
from parley.errors import ApplicationError

QUERY_MAX = 200


def _workspace(slug: str) -> Workspace:
    return get_object_or_404(Workspace, slug=slug)


def _links(request: HttpRequest, name: str, slug: str, lang: str) -> dict[str, str]:
    """The page's canonical address in this language and its twin in the other one."""
    url = request.build_absolute_uri(reverse(name, args=[slug]))
    other = "en" if lang == "zh-CN" else "zh-CN"
    return {"canonical": f"{url}?lang={lang}", "alternate": f"{url}?lang={other}", "other": other}


@require_GET
def help_home(request: HttpRequest, workspace: str) -> HttpResponse:
    space = _workspace(workspace)
    lang = help_language(request)
    categories = selectors.help_categories(workspace_id=space.pk, locale=lang)
    return render(
        request,
        "helpcenter/home.html",
        {
            "workspace": space,
            "lang": lang,
            "t": TEXT[lang],
            "links": _links(request, "help-home", space.slug, lang),
            "description": TEXT[lang]["description"].format(name=space.name),
            "categories": categories,
            "popular": selectors.popular_articles(workspace_id=space.pk, locale=lang),
        },
    )


@require_GET
def help_article(request: HttpRequest, workspace: str, article_slug: str) -> HttpResponse:
    space = _workspace(workspace)
    try:
        article = selectors.published_article(workspace_id=space.pk, slug=article_slug)
    except ApplicationError as exc:
        raise Http404("No such article.") from exc
    selectors.article_count_view(article=article)
    lang = article.locale
    return render(
        request,
        "helpcenter/article.html",
        {
            "workspace": space,
            "lang": lang,
            "t": TEXT[lang],
            "article": article,
            "description": snippet(article.body_text, 155),
            "canonical": request.build_absolute_uri(
                reverse("help-article", args=[space.slug, article.slug])
            ),
            "home": reverse("help-home", args=[space.slug]) + f"?lang={lang}",
        },
    )


@require_GET
def help_search(request: HttpRequest, workspace: str) -> HttpResponse:
    space = _workspace(workspace)
    lang = help_language(request)
    query = " ".join(request.GET.get("q", "").split())[:QUERY_MAX]
    context = {
        "workspace": space,
        "lang": lang,
        "t": TEXT[lang],
        "links": _links(request, "help-home", space.slug, lang),
        "query": query,
        "hits": [],
    }
    if not query:
        return render(request, "helpcenter/search.html", context)
    if not HelpSearchThrottle().allow_request(request, None):  # type: ignore[arg-type]
        return render(request, "helpcenter/search.html", {**context, "throttled": True}, status=429)
    context["hits"] = selectors.kb_search(
        workspace_id=space.pk,
        query=query,
        locale=lang,
        k=10,
        kinds=("article",),
        relative_floor=PUBLIC_RELATIVE_FLOOR,
    )
    return render(request, "helpcenter/search.html", context)
