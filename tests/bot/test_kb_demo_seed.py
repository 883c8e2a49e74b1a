"""The demo knowledge base: bilingual, published, searchable and seeded once."""

from __future__ import annotations

from parley.bot import selectors
from parley.bot.demo import ARTICLES, FAQS, SYNONYMS, kb_demo_seed
from parley.bot.models import Article, ArticleStatus, Faq, Synonym
from tests.conftest import World


def test_the_demo_knowledge_base_is_seeded_once_and_found_in_both_languages(
    world: World,
) -> None:
    kb_demo_seed(workspace=world.workspace, author=world.admin)
    kb_demo_seed(workspace=world.workspace, author=world.admin)

    articles = Article.objects.filter(workspace=world.workspace)
    assert articles.count() == len(ARTICLES)
    assert set(articles.values_list("status", flat=True)) == {ArticleStatus.PUBLISHED}
    assert set(articles.values_list("locale", flat=True)) == {"zh-CN", "en"}
    assert Faq.objects.filter(workspace=world.workspace, article__isnull=False).count() == len(FAQS)
    assert Synonym.objects.filter(workspace=world.workspace).count() == len(SYNONYMS)

    def top(query: str, locale: str) -> str:
        hits = selectors.kb_search(
            workspace_id=world.workspace.pk, query=query, locale=locale, kinds=("article",)
        )
        return hits[0].title

    assert top("退钱要多久", "zh-CN") == "退款多久到账"
    assert top("地址写错了", "zh-CN") == "如何修改收货地址"
    assert top("when do I get my money back", "en") == "How long does a refund take?"
