"""The public help center: published articles only, per workspace, in the visitor's language,
with the tags search engines read; search finds a Chinese article for a Chinese question."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from parley.bot import services
from parley.bot.models import Article
from tests.conftest import World


def publish(world: World, title: str, body: str, locale: str = "zh-CN", **extra: str) -> Article:
    return services.article_create(
        actor=world.admin, title=title, body=body, locale=locale, publish=True, **extra
    )


def home(world: World) -> str:
    return f"/help/{world.workspace.slug}/"


def test_home_lists_the_published_articles_of_the_language_by_category(
    world: World, client: Client
) -> None:
    publish(world, "退款多久到账", "<p>3-5 个工作日</p>", category="退款与售后")
    publish(world, "Refund times", "<p>3-5 business days</p>", "en", category="Refunds")
    services.article_create(actor=world.admin, title="草稿文章", body="<p>x</p>", locale="zh-CN")

    chinese = client.get(home(world), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    english = client.get(home(world) + "?lang=en", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()

    assert '<html lang="zh-CN">' in chinese and "帮助中心" in chinese
    assert "<h3>退款与售后</h3>" in chinese and "退款多久到账" in chinese
    assert "Refund times" not in chinese and "草稿文章" not in chinese
    assert '<html lang="en">' in english and "Refund times" in english
    assert "退款多久到账" not in english
    assert f'<link rel="canonical" href="http://testserver{home(world)}?lang=en">' in english
    assert 'hreflang="zh-CN"' in english
    assert re.search(r'<meta name="description" content="[^"]+">', english)


def test_an_article_page_is_served_with_its_title_description_and_safe_body(
    world: World, client: Client
) -> None:
    article = publish(
        world,
        "How to <b>track</b> an order",
        '<p>Open <a href="https://shop.example/orders">your orders</a>.</p><script>x()</script>',
        "en",
    )

    response = client.get(f"/help/{world.workspace.slug}/articles/{article.slug}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>How to &lt;b&gt;track&lt;/b&gt; an order · " in page
    assert '<meta name="description" content="Open your orders.">' in page
    assert (
        f'<link rel="canonical" href="http://testserver/help/{world.workspace.slug}/articles/{article.slug}/">'
        in page
    )
    assert (
        '<a href="https://shop.example/orders" rel="noopener noreferrer nofollow">your orders</a>'
        in page
    )
    assert "<script>x()" not in page
    article.refresh_from_db()
    assert article.view_count == 1


def test_a_chinese_article_slug_is_served(world: World, client: Client) -> None:
    article = publish(world, "如何修改收货地址", "<p>发货前可以修改。</p>")

    response = client.get(f"/help/{world.workspace.slug}/articles/{article.slug}/")

    assert response.status_code == 200 and "如何修改收货地址" in response.content.decode()


def test_drafts_and_other_workspaces_articles_are_not_found(
    world: World, other_world: World, client: Client
) -> None:
    draft = services.article_create(actor=world.admin, title="Draft", body="<p>x</p>", locale="en")
    theirs = publish(other_world, "Their article", "<p>x</p>", "en")

    assert client.get(f"/help/{world.workspace.slug}/articles/{draft.slug}/").status_code == 404
    assert client.get(f"/help/{world.workspace.slug}/articles/{theirs.slug}/").status_code == 404
    assert client.get("/help/no-such-workspace/").status_code == 404
    assert (
        client.get(f"/help/{other_world.workspace.slug}/articles/{theirs.slug}/").status_code == 200
    )


def test_search_finds_a_chinese_article_for_a_chinese_question(
    world: World, client: Client
) -> None:
    publish(world, "退款多久到账", "<p>退款审核通过后，款项会在 3-5 个工作日内原路退回。</p>")
    publish(world, "如何修改收货地址", "<p>订单发货前，可在我的订单中修改收货地址。</p>")

    response = client.get(
        f"/help/{world.workspace.slug}/search", {"q": "退款什么时候到账", "lang": "zh-CN"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    results = re.search(r'<ul class="articles" id="results">(.*?)</ul>', page, re.S)
    assert results is not None
    assert "退款多久到账" in results.group(1) and "收货地址" not in results.group(1)
    assert '<meta name="robots" content="noindex, follow">' in page


def test_search_with_no_match_says_so(world: World, client: Client) -> None:
    publish(world, "Refund times", "<p>3-5 business days</p>", "en")

    page = client.get(
        f"/help/{world.workspace.slug}/search", {"q": "parrot", "lang": "en"}
    ).content.decode()

    assert "Nothing matched" in page


def test_search_is_rate_limited_per_address(world: World, client: Client, settings) -> None:
    settings.PARLEY_RATE_HELP_SEARCH = "2/min"
    search = f"/help/{world.workspace.slug}/search"

    codes = [client.get(search, {"q": "refund", "lang": "en"}).status_code for _ in range(3)]

    assert codes == [200, 200, 429]
    assert "Too many searches" in client.get(search, {"q": "refund", "lang": "en"}).content.decode()


def test_pages_take_only_get(world: World, client: Client) -> None:
    assert client.post(home(world)).status_code == 405


def test_the_home_page_reads_in_a_fixed_number_of_queries(
    world: World, client: Client, django_assert_max_num_queries: Any
) -> None:
    for n in range(8):
        publish(world, f"Article {n}", "<p>Text</p>", "en", category=f"Topic {n % 3}")

    # The workspace, the categories' articles, the popular ones.
    with django_assert_max_num_queries(3):
        page = client.get(home(world) + "?lang=en").content.decode()
    assert page.count('<section class="category">') == 3
