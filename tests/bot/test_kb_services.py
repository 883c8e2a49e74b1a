"""Knowledge-base services: safe bodies, versions and restore, who may write, audit, the
version stamp, FAQs as training data, synonyms."""

from __future__ import annotations

import pytest

from parley.accounts.models import AuditEvent
from parley.bot import selectors, services
from parley.bot.models import Article, ArticleStatus, Faq, KnowledgeBaseStamp, Synonym
from parley.errors import ApplicationError
from tests.conftest import World


def make_article(world: World, **changes: object) -> Article:
    values: dict[str, object] = {
        "title": "退款多久到账",
        "body": "<p>退款审核通过后 3-5 个工作日原路退回。</p>",
        "locale": "zh-CN",
        "category": "退款",
    }
    values.update(changes)
    return services.article_create(actor=world.admin, **values)  # type: ignore[arg-type]


def test_script_and_event_handlers_are_stripped_and_links_made_safe(world: World) -> None:
    article = make_article(
        world,
        body=(
            '<p onclick="steal()">Hello <strong>there</strong></p><script>alert(1)</script>'
            '<a href="javascript:alert(1)">bad</a> <a href="https://shop.example/help">good</a>'
            '<img src=x onerror="alert(1)"><iframe src="https://evil.example"></iframe>'
        ),
    )

    body = Article.objects.get(pk=article.pk).body
    assert "<script" not in body and "onclick" not in body and "onerror" not in body
    assert "<iframe" not in body and "<img" not in body and "javascript:" not in body
    assert "<strong>there</strong>" in body
    assert '<a href="https://shop.example/help" rel="noopener noreferrer nofollow">good</a>' in body
    assert article.body_text.startswith("Hello there")


def test_every_change_of_title_or_body_is_a_version_and_a_restore_is_one_more(
    world: World,
) -> None:
    article = make_article(world, title="Delivery times", body="<p>3 days</p>", locale="en")
    services.article_update(actor=world.supervisor, article=article, body="<p>2 days</p>")
    services.article_update(actor=world.admin, article=article, category="Shipping")
    services.article_update(actor=world.admin, article=article, title="Delivery")

    versions = list(selectors.article_versions(article=article))
    assert [(v.number, v.title, v.body) for v in versions] == [
        (3, "Delivery", "<p>2 days</p>"),
        (2, "Delivery times", "<p>2 days</p>"),
        (1, "Delivery times", "<p>3 days</p>"),
    ]
    assert versions[1].editor == world.supervisor

    services.article_restore_version(actor=world.admin, article=article, number=1)

    article.refresh_from_db()
    assert (article.title, article.body, article.body_text) == (
        "Delivery times",
        "<p>3 days</p>",
        "3 days",
    )
    assert article.versions.count() == 4
    assert AuditEvent.objects.filter(
        action="kb.article_restored", target_id=str(article.pk)
    ).get().data == {"version": 1}


def test_restoring_a_version_that_does_not_exist_changes_nothing(world: World) -> None:
    article = make_article(world)
    with pytest.raises(ApplicationError) as refused:
        services.article_restore_version(actor=world.admin, article=article, number=9)
    assert refused.value.code == "not_found"
    assert article.versions.count() == 1


def test_agents_read_but_do_not_write(world: World) -> None:
    article = make_article(world)
    for attempt in (
        lambda: services.article_create(actor=world.agent, title="x", body="y", locale="en"),
        lambda: services.article_update(actor=world.agent, article=article, title="Changed"),
        lambda: services.article_publish(actor=world.agent, article=article),
        lambda: services.article_delete(actor=world.agent, article=article),
        lambda: services.synonym_create(actor=world.agent, term="退款", equivalents=["退钱"]),
    ):
        with pytest.raises(ApplicationError) as refused:
            attempt()
        assert refused.value.code == "permission_denied"
    article.refresh_from_db()
    assert (article.title, article.status) == ("退款多久到账", ArticleStatus.DRAFT)


def test_slugs_are_made_from_titles_and_kept_unique(world: World) -> None:
    first = make_article(world, title="How to return an item", locale="en")
    second = make_article(world, title="How to return an item!", locale="en")
    chinese = make_article(world, title="如何 退货")

    assert (first.slug, second.slug) == ("how-to-return-an-item", "how-to-return-an-item-2")
    assert chinese.slug == "如何-退货"


def test_writes_are_audited_and_move_the_version_stamp(world: World) -> None:
    article = make_article(world)
    services.article_publish(actor=world.admin, article=article)
    services.article_publish(actor=world.admin, article=article)  # already published: no-op
    services.article_unpublish(actor=world.supervisor, article=article)
    services.article_delete(actor=world.admin, article=article)

    actions = list(AuditEvent.objects.order_by("pk").values_list("action", "actor_id"))
    assert actions == [
        ("kb.article_created", world.admin.pk),
        ("kb.article_published", world.admin.pk),
        ("kb.article_unpublished", world.supervisor.pk),
        ("kb.article_deleted", world.admin.pk),
    ]
    assert KnowledgeBaseStamp.objects.get(pk=world.workspace.pk).version == 4


def test_a_body_over_the_limit_is_refused(world: World) -> None:
    article = make_article(world)
    with pytest.raises(ApplicationError) as refused:
        services.article_update(actor=world.admin, article=article, body="x" * 100_001)
    assert refused.value.code == "body_too_long"
    article.refresh_from_db()
    assert article.body == "<p>退款审核通过后 3-5 个工作日原路退回。</p>"


def faq(world: World, **changes: object) -> Faq:
    data = services.FaqInput(
        question="退款多久到账",
        paraphrases=["钱什么时候退回来", "退款什么时候到", "退款多久到账"],
        answer="<p>3-5 个工作日</p>",
        locale="zh-CN",
        published=True,
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return services.faq_create(actor=world.admin, data=data)


def test_faq_training_examples_are_the_published_questions_and_paraphrases(
    world: World, other_world: World
) -> None:
    labelled = faq(world, intent="refund_status")
    unlabelled = faq(
        world, question="How do I reset my password?", paraphrases=["forgot password"], locale="en"
    )
    faq(world, question="A draft", paraphrases=["still a draft"], published=False)
    faq(other_world, question="Another workspace's question")

    examples = selectors.faq_training_examples(workspace_id=world.workspace.pk)

    assert labelled.paraphrases == [
        "钱什么时候退回来",
        "退款什么时候到",
    ]  # the question itself dropped
    assert examples == [
        ("退款多久到账", "refund_status"),
        ("钱什么时候退回来", "refund_status"),
        ("退款什么时候到", "refund_status"),
        ("How do I reset my password?", f"faq:{unlabelled.pk}"),
        ("forgot password", f"faq:{unlabelled.pk}"),
    ]


def test_a_faq_cannot_link_another_workspaces_article(world: World, other_world: World) -> None:
    foreign = make_article(other_world)
    with pytest.raises(ApplicationError) as refused:
        faq(world, article=foreign)
    assert refused.value.code == "not_found"
    assert not Faq.objects.filter(workspace=world.workspace).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"intent": "two words"}, "intent"),
        ({"intent": "faq:12"}, "intent"),
        ({"question": "   "}, "question"),
        ({"answer": "<script>only a script</script>"}, "answer"),
        ({"locale": "fr"}, "locale"),
        ({"paraphrases": ["x" * 301]}, "paraphrases"),
    ],
)
def test_invalid_faqs_are_refused_with_the_field_named(
    world: World, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ApplicationError) as refused:
        faq(world, **changes)
    assert refused.value.code == "invalid" and field in refused.value.fields
    assert not Faq.objects.exists()


def test_synonyms_need_another_word_and_a_free_term(world: World) -> None:
    services.synonym_create(actor=world.admin, term="退款", equivalents=["退钱", " 退钱 ", "返款"])
    assert list(Synonym.objects.values_list("term", "equivalents")) == [("退款", ["退钱", "返款"])]

    for term, equivalents in (("退款", ["退回"]), ("refund", ["Refund"]), ("", ["x"])):
        with pytest.raises(ApplicationError) as refused:
            services.synonym_create(actor=world.admin, term=term, equivalents=equivalents)
        assert refused.value.code == "invalid"
    assert Synonym.objects.count() == 1
