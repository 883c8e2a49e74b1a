"""The knowledge base's REST API: roles, tenant isolation, validation with data intact,
versions, FAQs, synonyms and query budgets."""

from __future__ import annotations

from typing import Any

import pytest

from parley.accounts.models import AuditEvent
from parley.bot import services
from parley.bot.models import Article, ArticleStatus, Faq, Synonym
from tests.conftest import World, client_for


def url(world: World, suffix: str = "") -> str:
    return f"/api/v1/workspaces/{world.workspace.slug}/kb/{suffix}"


def create_article(world: World, **body: Any) -> Any:
    return client_for(world.admin).post(
        url(world, "articles/"),
        {"title": "Return policy", "body": "<p>30 days</p>", "locale": "en", **body},
        format="json",
    )


def test_an_admin_writes_publishes_and_reads_back_an_article(world: World) -> None:
    created = create_article(world, category="Orders", publish=False)
    assert created.status_code == 201
    article = created.json()
    assert article["status"] == "draft" and article["slug"] == "return-policy"
    assert article["author"] == {"id": world.admin.pk, "name": world.admin.name}

    admin = client_for(world.admin)
    published = admin.post(url(world, f"articles/{article['id']}/publish/"))
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert published.json()["published_at"] is not None

    updated = admin.patch(
        url(world, f"articles/{article['id']}/"),
        {"body": '<p onmouseover="x()">60 days</p>'},
        format="json",
    )
    assert updated.status_code == 200 and updated.json()["body"] == "<p>60 days</p>"

    back = admin.delete(url(world, f"articles/{article['id']}/publish/"))
    assert back.json()["status"] == "draft"


@pytest.mark.parametrize("role", ["owner", "admin", "supervisor"])
def test_supervisors_admins_and_owners_write(world: World, role: str) -> None:
    response = client_for(world.member(role)).post(
        url(world, "synonyms/"), {"term": "refund", "equivalents": ["money back"]}, format="json"
    )
    assert response.status_code == 201


def test_an_agent_reads_the_knowledge_base_but_cannot_change_it(world: World) -> None:
    article = create_article(world).json()
    agent = client_for(world.agent)

    assert agent.get(url(world, "articles/")).json()["results"][0]["id"] == article["id"]
    assert agent.get(url(world, f"articles/{article['id']}/")).status_code == 200
    refused = [
        agent.post(
            url(world, "articles/"), {"title": "x", "body": "y", "locale": "en"}, format="json"
        ),
        agent.patch(url(world, f"articles/{article['id']}/"), {"title": "Mine"}, format="json"),
        agent.post(url(world, f"articles/{article['id']}/publish/")),
        agent.delete(url(world, f"articles/{article['id']}/")),
        agent.post(url(world, f"articles/{article['id']}/versions/1/restore/")),
        agent.post(
            url(world, "faqs/"), {"question": "q", "answer": "a", "locale": "en"}, format="json"
        ),
        agent.post(url(world, "synonyms/"), {"term": "a", "equivalents": ["b"]}, format="json"),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert {r.json()["code"] for r in refused} == {"permission_denied"}
    stored = Article.objects.get(pk=article["id"])
    assert (stored.title, stored.status) == ("Return policy", ArticleStatus.DRAFT)
    assert Article.objects.count() == 1 and not Faq.objects.exists()


def test_another_workspaces_knowledge_base_is_out_of_reach(
    world: World, other_world: World
) -> None:
    foreign = create_article(other_world).json()
    foreign_faq = (
        client_for(other_world.admin)
        .post(
            url(other_world, "faqs/"),
            {"question": "Where is my order?", "answer": "Tracking page", "locale": "en"},
            format="json",
        )
        .json()
    )
    admin = client_for(world.admin)

    assert admin.get(url(world, "articles/")).json()["results"] == []
    assert admin.get(url(world, f"articles/{foreign['id']}/")).status_code == 404
    assert (
        admin.patch(
            url(world, f"articles/{foreign['id']}/"), {"title": "x"}, format="json"
        ).status_code
        == 404
    )
    assert admin.delete(url(world, f"articles/{foreign['id']}/")).status_code == 404
    assert admin.get(url(world, f"articles/{foreign['id']}/versions/")).status_code == 404
    assert admin.get(url(world, f"faqs/{foreign_faq['id']}/")).status_code == 404
    assert admin.get(url(world, "faqs/")).json()["results"] == []
    # A FAQ of ours may not point at their article either.
    linking = admin.post(
        url(world, "faqs/"),
        {"question": "q", "answer": "a", "locale": "en", "article": foreign["id"]},
        format="json",
    )
    assert linking.status_code == 404
    # Nor may their member use our workspace's address.
    assert client_for(other_world.admin).get(url(world, "articles/")).status_code == 404
    assert Article.objects.get(pk=foreign["id"]).title == "Return policy"


def test_invalid_input_is_refused_with_a_code_and_nothing_changes(world: World) -> None:
    article = create_article(world).json()
    admin = client_for(world.admin)
    bad = [
        admin.post(
            url(world, "articles/"), {"title": "", "body": "x", "locale": "en"}, format="json"
        ),
        admin.post(
            url(world, "articles/"), {"title": "x", "body": "x", "locale": "fr"}, format="json"
        ),
        admin.patch(url(world, f"articles/{article['id']}/"), {"locale": "de"}, format="json"),
        admin.patch(url(world, f"articles/{article['id']}/"), {"slug": "no spaces"}, format="json"),
        admin.patch(
            url(world, f"articles/{article['id']}/"), {"body": "x" * 100_001}, format="json"
        ),
        admin.get(url(world, "articles/?status=gone")),
        admin.post(url(world, "synonyms/"), {"term": "x", "equivalents": []}, format="json"),
        admin.post(
            url(world, "faqs/"),
            {"question": "q", "answer": "a", "locale": "en", "paraphrases": "nope"},
            format="json",
        ),
        admin.get(url(world, "search/")),
    ]
    assert [r.status_code for r in bad] == [400] * len(bad)
    assert {r.json()["code"] for r in bad} == {"invalid", "body_too_long"}
    stored = Article.objects.get()
    assert (stored.title, stored.locale, stored.slug, stored.body) == (
        "Return policy",
        "en",
        "return-policy",
        "<p>30 days</p>",
    )
    assert stored.versions.count() == 1
    assert not Synonym.objects.exists() and not Faq.objects.exists()


def test_versions_are_listed_and_one_is_restored(world: World) -> None:
    article = create_article(world).json()
    admin = client_for(world.admin)
    admin.patch(url(world, f"articles/{article['id']}/"), {"title": "Returns"}, format="json")

    versions = admin.get(url(world, f"articles/{article['id']}/versions/")).json()
    assert [(v["number"], v["title"]) for v in versions] == [(2, "Returns"), (1, "Return policy")]

    restored = admin.post(url(world, f"articles/{article['id']}/versions/1/restore/"))
    assert restored.status_code == 200 and restored.json()["title"] == "Return policy"
    missing = admin.post(url(world, f"articles/{article['id']}/versions/7/restore/"))
    assert missing.status_code == 404
    assert Article.objects.get().versions.count() == 3


def test_faqs_are_created_changed_in_part_and_deleted(world: World) -> None:
    article = create_article(world).json()
    admin = client_for(world.admin)
    created = admin.post(
        url(world, "faqs/"),
        {
            "question": "Can I return a sale item?",
            "paraphrases": ["return discounted item", "sale item refund"],
            "answer": "<p>Yes, within <b>30 days</b>.</p><script>x()</script>",
            "locale": "en",
            "intent": "returns",
            "skill": "after_sales",
            "article": article["id"],
            "published": True,
        },
        format="json",
    )
    assert created.status_code == 201
    faq = created.json()
    assert faq["answer"] == "<p>Yes, within <b>30 days</b>.</p>"
    assert faq["article"] == {
        "id": article["id"],
        "title": "Return policy",
        "slug": "return-policy",
    }
    assert faq["intent_label"] == "returns"

    changed = admin.patch(
        url(world, f"faqs/{faq['id']}/"), {"intent": "", "published": False}, format="json"
    )
    assert changed.status_code == 200
    assert changed.json()["intent_label"] == f"faq:{faq['id']}"
    assert changed.json()["paraphrases"] == ["return discounted item", "sale item refund"]
    assert changed.json()["published"] is False

    assert admin.get(url(world, "faqs/?published=true")).json()["results"] == []
    assert admin.delete(url(world, f"faqs/{faq['id']}/")).status_code == 204
    assert not Faq.objects.exists()
    assert list(
        AuditEvent.objects.filter(action__startswith="kb.faq")
        .values_list("action", flat=True)
        .order_by("pk")
    ) == [
        "kb.faq_created",
        "kb.faq_updated",
        "kb.faq_deleted",
    ]


def test_synonyms_are_listed_changed_and_deleted(world: World) -> None:
    admin = client_for(world.admin)
    created = admin.post(
        url(world, "synonyms/"), {"term": "退款", "equivalents": ["退钱"]}, format="json"
    ).json()
    duplicate = admin.post(
        url(world, "synonyms/"), {"term": "退款", "equivalents": ["返款"]}, format="json"
    )
    assert duplicate.status_code == 400 and duplicate.json()["fields"] == {"term": "already used"}

    changed = admin.patch(
        url(world, f"synonyms/{created['id']}/"),
        {"term": "退款", "equivalents": ["退钱", "返款"]},
        format="json",
    )
    assert changed.json()["equivalents"] == ["退钱", "返款"]
    assert [s["term"] for s in client_for(world.agent).get(url(world, "synonyms/")).json()] == [
        "退款"
    ]
    assert admin.delete(url(world, f"synonyms/{created['id']}/")).status_code == 204
    assert not Synonym.objects.exists()


def test_members_search_published_articles_and_faqs(world: World) -> None:
    create_article(
        world,
        title="退款多久到账",
        body="<p>审核通过后 3-5 个工作日原路退回。</p>",
        locale="zh-CN",
        publish=True,
    )
    create_article(world, title="退款草稿", body="<p>退款 草稿</p>", locale="zh-CN")
    services.faq_create(
        actor=world.admin,
        data=services.FaqInput(
            question="怎么申请退款", answer="在订单页点击申请退款", locale="zh-CN", published=True
        ),
    )

    hits = (
        client_for(world.agent).get(url(world, "search/"), {"q": "退款", "locale": "zh-CN"}).json()
    )

    assert sorted((h["kind"], h["title"]) for h in hits) == [
        ("article", "退款多久到账"),
        ("faq", "怎么申请退款"),
    ]


def test_the_lists_read_in_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        create_article(world, title=f"Article {n}")
        services.faq_create(
            actor=world.admin,
            data=services.FaqInput(question=f"Question {n}", answer="Answer", locale="en"),
        )
    admin = client_for(world.admin)
    # The member's lookup, then one query per list (authors, linked articles joined in).
    with django_assert_max_num_queries(4):
        assert len(admin.get(url(world, "articles/")).json()["results"]) == 12
    with django_assert_max_num_queries(4):
        assert len(admin.get(url(world, "faqs/")).json()["results"]) == 12
    article = Article.objects.first()
    assert article is not None
    for n in range(5):
        services.article_update(actor=world.supervisor, article=article, title=f"Title {n}")
    with django_assert_max_num_queries(5):
        assert len(admin.get(url(world, f"articles/{article.pk}/versions/")).json()) == 6
