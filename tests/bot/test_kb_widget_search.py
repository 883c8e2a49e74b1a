"""The widget's help search: the inbox's workspace's published articles in the visitor's
language, links into the help center, only from the inbox's allowed origins, rate-limited."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from rest_framework.test import APIClient

from parley.bot import services
from parley.bot.models import Article
from tests.conftest import World
from tests.factories import ORIGIN

SEARCH = "/api/widget/v1/help/search"


def publish(world: World, title: str, body: str, locale: str) -> Article:
    return services.article_create(
        actor=world.admin, title=title, body=body, locale=locale, publish=True
    )


def search(world: World, origin: str = ORIGIN, **params: Any) -> Any:
    return APIClient().get(SEARCH, {"inbox": world.inbox.public_key, **params}, HTTP_ORIGIN=origin)


def test_the_visitor_finds_published_articles_in_their_language(world: World) -> None:
    article = publish(
        world, "退款多久到账", "<p>退款审核通过后 3-5 个工作日原路退回。</p>", "zh-CN"
    )
    publish(world, "How long do refunds take?", "<p>3-5 business days.</p>", "en")
    services.article_create(actor=world.admin, title="退款草稿", body="<p>退款</p>", locale="zh-CN")

    response = APIClient().get(
        SEARCH,
        {"inbox": world.inbox.public_key, "q": "退款什么时候到"},
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5",
    )

    assert response.status_code == 200
    assert response.json() == {
        "locale": "zh-CN",
        "results": [
            {
                "title": "退款多久到账",
                "snippet": "退款审核通过后 3-5 个工作日原路退回。",
                "url": f"http://testserver/help/{world.workspace.slug}/articles/{quote(article.slug)}/?lang=zh-CN",
            }
        ],
    }
    english = search(world, q="refund", locale="en").json()
    assert [r["title"] for r in english["results"]] == ["How long do refunds take?"]


def test_another_site_or_an_unknown_inbox_is_refused(world: World) -> None:
    publish(world, "Refunds", "<p>3-5 days</p>", "en")

    foreign = search(world, origin="https://evil.example", q="refund")
    unknown = APIClient().get(SEARCH, {"inbox": "nope", "q": "refund"}, HTTP_ORIGIN=ORIGIN)
    missing = search(world)

    assert (foreign.status_code, foreign.json()["code"]) == (403, "origin_not_allowed")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "inbox_not_found")
    assert (missing.status_code, missing.json()["code"]) == (400, "invalid")


def test_one_workspaces_widget_never_shows_anothers_articles(
    world: World, other_world: World
) -> None:
    publish(other_world, "Refunds", "<p>3-5 days</p>", "en")

    assert search(world, q="refund", locale="en").json()["results"] == []


def test_the_search_is_rate_limited(world: World, settings) -> None:
    settings.PARLEY_RATE_HELP_SEARCH = "2/min"

    codes = [search(world, q="refund").status_code for _ in range(3)]

    assert codes == [200, 200, 429]


def test_a_search_on_a_built_index_costs_two_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    publish(world, "Refunds", "<p>3-5 days</p>", "en")
    search(world, q="refund", locale="en")  # builds and caches the index

    # The inbox (with its workspace) and the knowledge base's version stamp.
    with django_assert_max_num_queries(2):
        assert search(world, q="refund", locale="en").json()["results"][0]["title"] == "Refunds"
