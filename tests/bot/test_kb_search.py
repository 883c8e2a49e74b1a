"""kb_search: published entries only, per workspace and language, synonyms, and an edit shows
on the very next search (the cached index follows the knowledge-base stamp)."""

from __future__ import annotations

from collections import OrderedDict

import pytest

from parley.bot import kb_index, selectors, services
from parley.bot.demo import kb_demo_seed
from parley.bot.models import Article
from tests.conftest import World


def publish(world: World, title: str, body: str, locale: str = "zh-CN") -> Article:
    return services.article_create(
        actor=world.admin, title=title, body=body, locale=locale, publish=True
    )


def titles(world: World, query: str, **options: object) -> list[str]:
    hits = selectors.kb_search(workspace_id=world.workspace.pk, query=query, **options)  # type: ignore[arg-type]
    return [hit.title for hit in hits]


def test_a_chinese_question_finds_the_chinese_article(world: World) -> None:
    publish(world, "退款多久到账", "<p>退款审核通过后，款项会在 3-5 个工作日内原路退回。</p>")
    publish(world, "如何修改收货地址", "<p>订单发货前，可在“我的订单”中修改收货地址。</p>")
    publish(world, "How long do refunds take?", "<p>Refunds arrive in 3-5 business days.</p>", "en")

    assert titles(world, "我的退款什么时候能到账")[0] == "退款多久到账"
    assert titles(world, "收货地址填错了怎么改")[0] == "如何修改收货地址"
    assert titles(world, "when will my refund arrive", locale="en") == ["How long do refunds take?"]


def test_drafts_and_other_workspaces_are_never_found(world: World, other_world: World) -> None:
    services.article_create(actor=world.admin, title="退款草稿", body="<p>退款</p>", locale="zh-CN")
    publish(other_world, "退款多久到账", "<p>退款 3-5 个工作日</p>")

    assert titles(world, "退款") == []


def test_an_edit_is_found_by_the_next_search(world: World) -> None:
    article = publish(world, "Shipping", "<p>We ship with SF Express.</p>", "en")
    assert titles(world, "express") == ["Shipping"]

    services.article_update(actor=world.admin, article=article, body="<p>We ship by courier.</p>")
    assert titles(world, "express") == []
    assert titles(world, "courier") == ["Shipping"]

    services.article_unpublish(actor=world.admin, article=article)
    assert titles(world, "courier") == []


def test_synonyms_widen_the_search(world: World) -> None:
    publish(world, "退款多久到账", "<p>退款审核通过后原路退回。</p>")
    assert titles(world, "退钱") == []

    services.synonym_create(actor=world.admin, term="退款", equivalents=["退钱"])

    assert titles(world, "退钱") == ["退款多久到账"]


def test_faqs_are_found_by_their_paraphrases_and_link_their_article(world: World) -> None:
    article = publish(world, "Returns", "<p>Return within 30 days.</p>", "en")
    services.faq_create(
        actor=world.admin,
        data=services.FaqInput(
            question="Can I send it back?",
            paraphrases=["I want to give back the parcel"],
            answer="Yes, within 30 days.",
            locale="en",
            article=article,
            published=True,
        ),
    )

    hits = selectors.kb_search(
        workspace_id=world.workspace.pk, query="give back parcel", kinds=("faq",)
    )

    assert [(h.kind, h.title, h.article_slug) for h in hits] == [
        ("faq", "Can I send it back?", "returns")
    ]
    assert hits[0].snippet == "Yes, within 30 days."


def test_the_snippet_shows_where_the_words_are(world: World) -> None:
    filler = "Our shop sells many things. " * 12
    publish(world, "Warranty", f"<p>{filler}The warranty lasts two years.</p>", "en")

    (hit,) = selectors.kb_search(workspace_id=world.workspace.pk, query="warranty years")

    assert hit.snippet.startswith("…") and "warranty lasts two years" in hit.snippet
    assert len(hit.snippet) <= 160


def test_a_relative_floor_leaves_out_hits_that_share_only_a_common_word(world: World) -> None:
    kb_demo_seed(workspace=world.workspace, author=world.admin)

    everything = titles(world, "退款多久", locale="zh-CN", kinds=("article",))
    public = titles(world, "退款多久", locale="zh-CN", kinds=("article",), relative_floor=0.5)

    assert everything[0] == "退款多久到账" and len(everything) > 1
    assert public == ["退款多久到账"]


def test_a_large_knowledge_base_answers_from_its_last_index_while_the_next_is_built(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a knowledge base counted as large, and background rebuilds recorded, not run
    monkeypatch.setattr(kb_index, "SYNC_REBUILD_MAX_ENTRIES", 0)
    monkeypatch.setattr(kb_index, "_cache", OrderedDict())  # none left by earlier tests
    scheduled: list[kb_index.Key] = []
    monkeypatch.setattr(kb_index, "rebuild_in_background", scheduled.append)
    article = publish(world, "Shipping", "<p>We ship with SF Express.</p>", "en")
    assert titles(world, "express") == ["Shipping"]  # the first index is built at once

    # When it changes, searches answer from the previous index and one rebuild is scheduled
    services.article_update(actor=world.admin, article=article, body="<p>We ship by courier.</p>")
    assert titles(world, "express") == ["Shipping"]
    assert titles(world, "courier") == []
    assert len(scheduled) == 1

    # Then, once the rebuild is done, the change is found
    (key,) = scheduled
    stamp = kb_index.kb_stamp(workspace_id=world.workspace.pk)
    kb_index._keep(
        key, kb_index.build(workspace_id=key[0], locale=key[1], kinds=key[2], stamp=stamp)
    )
    kb_index._building.discard(key)
    assert titles(world, "courier") == ["Shipping"]
    assert titles(world, "express") == []


def test_a_question_ending_in_zenmeban_finds_its_subject_not_another_zenmeban(
    world: World,
) -> None:
    publish(world, "忘记密码怎么办", "<p>在登录页点击“忘记密码”，怎么办都写在这里。</p>")
    publish(world, "如何修改收货地址", "<p>订单发货前，可在“我的订单”中修改收货地址。</p>")

    assert titles(world, "地址写错了怎么办")[0] == "如何修改收货地址"
